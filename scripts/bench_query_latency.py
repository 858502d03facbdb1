"""Answer latency in one warm process: p50/p95 over question files, through the answer service.

    HF_HUB_OFFLINE=1 .venv/bin/python scripts/bench_query_latency.py --data-dir DIR \
        tests/eval/qa-dev.jsonl tests/eval/qa-xling.jsonl

DIR is a loaded data directory (e.g. `jitbot --data-dir DIR kb samples`), used read-only
(copied first). One question warms the model and indexes; then every question is answered
twice: the first pass embeds the candidate sentences, the second finds them in the
sentence-vector cache (a bot that has been serving a while is closer to the second).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.services import Services
from bot.settings import Settings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    questions = [json.loads(line)["question"] for path in args.files
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    with tempfile.TemporaryDirectory(prefix="jitbot-latency-") as folder:
        data_dir = Path(folder) / "data"
        shutil.copytree(args.data_dir, data_dir)
        service = Services(Settings(data_dir=data_dir)).answer_service
        service.answer("What is a joint investigation team?")
        figures = {"questions": len(questions)}
        for name in ("first_pass", "second_pass"):
            seconds = []
            for question in questions:
                start = time.perf_counter()
                service.answer(question)
                seconds.append(time.perf_counter() - start)
            figures[name] = {"p50_ms": round(statistics.median(seconds) * 1000),
                             "p95_ms": round(percentile(seconds, 0.95) * 1000),
                             "max_ms": round(max(seconds) * 1000)}
    figures["load_avg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
