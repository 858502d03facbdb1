"""Structure figures per format on the structure corpus, and (with --questions) retrieval.

    python scripts/eval_structure.py                       # locators, crossings, headings, pages
    HF_HUB_OFFLINE=1 python scripts/eval_structure.py --questions tests/fixtures/structure/questions.jsonl
    python scripts/eval_structure.py --corpus tests/fixtures/structure_heldout \
        --names protocol code manual review directive --formats md html docx pdf lo.docx lo.pdf

The second form loads the five documents of each format into a fresh temporary knowledge
base (real model, as `jitbot kb add` does) and asks each question: the right passage first
and in the top 5, and whether the first passage's locator names the right article/section.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.structure_asker import corpus_asker  # noqa: E402
from retrieval.structure_eval import FORMATS, question_figures, structure_figures  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "structure"
NAMES = ["treaty", "law", "guide", "report", "regulation"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="folder holding NAME.md, NAME.pdf...")
    parser.add_argument("--names", nargs="+", default=NAMES, help="document names (file stems)")
    parser.add_argument("--formats", nargs="+", default=list(FORMATS), help='"md", "pdf", "lo.docx"...')
    parser.add_argument("--questions", type=Path)
    parser.add_argument("--no-structure", action="store_true", help="only the question figures")
    parser.add_argument("--show-problems", action="store_true")
    args = parser.parse_args()
    for name in args.names:
        for fmt in args.formats:
            if not (args.corpus / f"{name}.{fmt}").is_file():
                parser.error(f"{args.corpus / f'{name}.{fmt}'}: no such file")
    if not args.no_structure:
        _structure(args)
    if args.questions:
        questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
        for fmt in args.formats:
            figures = question_figures(fmt, questions, corpus_asker(args.corpus, args.names, fmt))
            print(json.dumps(figures.as_dict()), flush=True)
            if args.show_problems:
                print("\n".join(figures.misses), flush=True)


def _structure(args) -> None:
    figures, problems = structure_figures(args.corpus, args.names, args.formats)
    for f in figures:
        print(json.dumps(f.as_dict()))
    if args.show_problems:
        print("\n".join(problems))


if __name__ == "__main__":
    main()
