"""How often bot.i18n.detect_language picks the question's language (what `jitbot ask` replies in).

    python scripts/bench_language_detection.py ../shared/data/qa-dev.jsonl tests/eval/question-languages.jsonl

Files are JSON lines with "question" and optionally "language" (default "en").
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from bot.i18n import detect_language


def main(paths: list[str]) -> None:
    right, total, wrong = Counter(), Counter(), []
    started = time.perf_counter()
    for path in paths:
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                if not line.strip():
                    continue
                row = json.loads(line)
                expected = row.get("language", "en")
                got = detect_language(row["question"])
                total[expected] += 1
                right[expected] += got == expected
                if got != expected:
                    wrong.append((expected, got, row["question"]))
    elapsed = time.perf_counter() - started
    for lang in sorted(total):
        print(f"{lang}: {right[lang]}/{total[lang]}")
    print(f"all: {sum(right.values())}/{sum(total.values())} in {elapsed * 1000:.1f} ms")
    for expected, got, question in wrong:
        print(f"  expected {expected}, got {got}: {question}")


if __name__ == "__main__":
    main(sys.argv[1:])
