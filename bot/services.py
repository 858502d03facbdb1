"""The composition root: the one place that builds jitbot's services from Settings.

Everything is built on first use, so that commands which do not need the embedding
model or Chroma (`jitbot --help`, `jitbot kb list`) never import them.
"""

from __future__ import annotations

from functools import cached_property
from typing import Callable

from knowledge.catalogue import Catalogue

from .settings import Settings

SAMPLE_MARKER = ".initialised"


class Services:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.data_dir = settings.data_dir

    @cached_property
    def catalogue(self) -> Catalogue:
        return Catalogue(self.data_dir / "catalogue.db")

    @cached_property
    def embedder(self):
        from retrieval.embeddings import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(self.settings.embedding_model)

    @cached_property
    def dense_index(self):
        from retrieval.dense_index import DenseIndex

        return DenseIndex(
            self.embedder, path=self.data_dir / "chroma", url=self.settings.chroma_url
        )

    @cached_property
    def lexical_index(self):
        from retrieval.lexical_index import LexicalIndex

        return LexicalIndex(
            self.data_dir / "bm25", k1=self.settings.bm25_k1, b=self.settings.bm25_b
        )

    @cached_property
    def searcher(self):
        from retrieval.search import FusionConfig, HybridSearcher

        s = self.settings
        fusion = FusionConfig(method=s.fusion, rrf_k=s.rrf_k, dense_weight=s.dense_weight)
        return HybridSearcher(self.embedder, self.dense_index, self.lexical_index, fusion)

    @cached_property
    def knowledge_base(self):
        from knowledge.ingest import KnowledgeBase

        self.mark_initialised()
        return KnowledgeBase(self.catalogue, self.dense_index, self.lexical_index)

    def answer_config(self, **overrides):
        from retrieval.answer import AnswerConfig

        s = self.settings
        values = dict(
            top_k=s.top_k,
            answer_sentences=s.answer_sentences,
            min_relevance=s.min_relevance,
            lexical_rescue=s.lexical_rescue,
            max_question_chars=s.max_question_chars,
        )
        values.update(overrides)
        return AnswerConfig(**values)

    @cached_property
    def answer_service(self):
        from retrieval.answer import AnswerService

        return AnswerService(
            self.searcher, self.catalogue.served_passages, self.answer_config()
        )

    # --- first run -------------------------------------------------------------------
    def is_initialised(self) -> bool:
        return (self.data_dir / SAMPLE_MARKER).exists() or not self.catalogue.is_empty()

    def mark_initialised(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        (self.data_dir / SAMPLE_MARKER).touch()

    def ensure_knowledge_base(self, notify: Callable[[str], None]) -> None:
        """On a data directory never used before, load the bundled samples (once)."""
        if self.is_initialised():
            return
        from knowledge.samples import sample_documents

        notify(f"The data directory {self.data_dir} is empty: loading the bundled sample knowledge base.")
        for sample in sample_documents():
            result = self.knowledge_base.add_file(
                sample.path, title=sample.title, metadata=sample.metadata
            )
            notify(f"  {result.line()}")
