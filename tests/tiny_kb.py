"""A knowledge base of a few passages (real catalogue, Chroma and BM25; any embedder).

Shared by the answer-service, contacts and generation tests."""

from __future__ import annotations

from pathlib import Path

from knowledge.catalogue import Catalogue, NewPassage
from retrieval.answer import AnswerConfig, AnswerService
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher

#: (locator, section, text) of the background paper used by the generation tests
PASSAGES = [
    ("para. 10", "Legal frameworks",
     ("Most countries have adopted legislation allowing joint investigations. Where such laws "
      "are missing, ratified international instruments can be invoked as a legal basis.")),
    ("para. 18", "Types of joint investigations",
     "Integrated joint investigations are usually located in the State of operation."),
    ("footnote 13", "Types of joint investigations",
     "Cooperation with non-governmental organizations helped refer cases of trafficking."),
]


def tiny_answer_service(
    directory: Path, embedder, passages=PASSAGES, *, max_question_chars: int = 200,
    title: str = "Background paper", **service_options,
) -> AnswerService:
    catalogue = Catalogue(directory / "catalogue.db")
    doc_id, version, records = catalogue.begin_version(
        document_id=None, id_hint="paper", title=title, source="paper.md",
        filename="paper.md", fmt="md", content_hash="h1", pages=None,
        passages=[NewPassage(i, "paragraph", loc, sec, text)
                  for i, (loc, sec, text) in enumerate(passages)],
    )
    dense = DenseIndex(embedder, path=directory / "chroma")
    dense.add([r.id for r in records], [r.index_text for r in records], [{"v": 1}] * len(records))
    lexical = LexicalIndex(directory / "bm25")
    lexical.build([r.id for r in records], [r.index_text for r in records])
    catalogue.activate_version(doc_id, version)
    config = AnswerConfig(top_k=3, min_relevance=0.3, lexical_rescue=0.55,
                          max_question_chars=max_question_chars)
    return AnswerService(HybridSearcher(embedder, dense, lexical), catalogue.served_passages,
                         config, **service_options)
