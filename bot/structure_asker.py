"""A throwaway knowledge base of a structure corpus, asked as `jitbot ask` would answer.

Shared by scripts/eval_structure.py and the quality gate tests/eval/test_structure_questions.py.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from .services import Services
from .settings import Settings


def corpus_asker(corpus: Path, names: list[str], fmt: str) -> Callable[[str], list[tuple[str, str]]]:
    """Loads NAME.FMT for each name into a fresh data directory (real model, as `jitbot kb
    add` does); returns ask(question) -> the answer's citations as (file stem, locator)."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"jitbot-structure-{fmt}-"))
    services = Services(Settings(data_dir=data_dir))
    services.mark_initialised()  # no sample knowledge base: only the corpus
    stems: dict[str, str] = {}  # document id -> name ("protocol.lo.docx" may get another id)
    for name in names:
        result = services.knowledge_base.add_file(corpus / f"{name}.{fmt}")
        assert result.status == "added", result.line()
        stems[result.document_id or name] = name
    service = services.answer_service_with(generate=False)  # retrieval only: no language model

    def ask(question: str) -> list[tuple[str, str]]:
        answer = service.answer(question)
        return [(stems.get(c.document_id, c.document_id), c.locator) for c in answer.citations]

    return ask
