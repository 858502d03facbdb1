"""Structure figures per format on the structure corpus, and (with --questions) retrieval.

    python scripts/eval_structure.py                       # locators, crossings, headings, pages
    HF_HUB_OFFLINE=1 python scripts/eval_structure.py --questions tests/fixtures/structure/questions.jsonl

The second form loads the five documents of each format into a fresh temporary knowledge
base (real model, as `jitbot kb add` does) and asks each question: the right passage first
and in the top 5, and whether the first passage's locator names the right article/section.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from retrieval.structure_eval import FORMATS, question_figures, structure_figures  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "structure"
NAMES = ["treaty", "law", "guide", "report", "regulation"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=Path)
    parser.add_argument("--show-problems", action="store_true")
    args = parser.parse_args()
    figures, problems = structure_figures(CORPUS, NAMES)
    for f in figures:
        print(json.dumps(f.as_dict()))
    if args.show_problems:
        print("\n".join(problems))
    if args.questions:
        questions = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
        for fmt in FORMATS:
            print(json.dumps(question_figures(fmt, questions, _asker(fmt)).as_dict()))


def _asker(fmt: str):
    from bot.services import Services
    from bot.settings import Settings

    data_dir = Path(tempfile.mkdtemp(prefix=f"jitbot-structure-{fmt}-"))
    services = Services(Settings(data_dir=data_dir))
    services.mark_initialised()  # no sample knowledge base: only the corpus
    for name in NAMES:
        result = services.knowledge_base.add_file(CORPUS / f"{name}.{fmt}")
        assert result.status == "added", result.line()
    service = services.answer_service
    stems = {d["id"]: d["id"] for d in services.catalogue.documents()}

    def ask(question: str) -> list[tuple[str, str]]:
        answer = service.answer(question)
        return [(stems.get(c.document_id, c.document_id), c.locator) for c in answer.citations]

    return ask


if __name__ == "__main__":
    main()
