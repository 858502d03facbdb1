"""Hybrid search: the dense and lexical indexes, fused, filtered to what is served."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from knowledge.scope import EVERYTHING, Scope

from .dense_index import DenseIndex
from .embeddings import Embedder
from .fusion import reciprocal_rank_fusion, weighted_score_fusion
from .language import looks_english
from .lexical_index import LexicalIndex

Mode = Literal["hybrid", "dense", "bm25"]


@dataclass(frozen=True)
class FusionConfig:
    method: Literal["rrf", "weighted"] = "weighted"
    rrf_k: int = 60
    dense_weight: float = 0.4
    #: dense share for questions not in English: BM25 over an English corpus cannot match them
    dense_weight_foreign: float = 0.8
    candidates: int = 100


@dataclass(frozen=True)
class Hit:
    passage_id: str
    score: float
    dense_similarity: float | None
    lexical_score: float | None


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    #: the query's embedding (None in bm25 mode), reused to rank answer sentences
    query_vector: np.ndarray | None
    #: cosine similarity of the closest served passage: the abstention signal
    best_similarity: float
    #: whether the query looked English (else fusion and abstention lean on the dense side)
    english: bool = True


class HybridSearcher:
    def __init__(
        self,
        embedder: Embedder,
        dense: DenseIndex,
        lexical: LexicalIndex,
        fusion: FusionConfig = FusionConfig(),
        before_search: Callable[[], object] | None = None,
        restricted_documents: Callable[[], dict[str, frozenset[str]]] | None = None,
    ):
        self.embedder = embedder
        self.dense = dense
        self.lexical = lexical
        self.fusion = fusion
        #: e.g. reload the indexes when another process changed the knowledge base
        self.before_search = before_search
        #: the documents that belong to networks, with their networks (the catalogue's)
        self.restricted_documents = restricted_documents or dict

    def search(
        self,
        query: str,
        k: int = 10,
        *,
        mode: Mode = "hybrid",
        keep: Callable[[Sequence[str]], set[str]] | None = None,
        scope: Scope = EVERYTHING,
    ) -> SearchResult:
        """The k best passages that `scope` may read. `keep` filters candidate ids (e.g. to
        served versions). The scope is applied inside both searches — a Chroma `where`
        filter and a BM25 weight mask — so a restricted passage is never a candidate."""
        if self.before_search is not None:
            self.before_search()
        hidden: frozenset[str] = frozenset()
        if not scope.unrestricted:
            hidden = frozenset(d for d, nets in self.restricted_documents().items() if not scope.sees(nets))
        n = max(self.fusion.candidates, k)
        english = looks_english(query)
        dense: list[tuple[str, float]] = []
        lexical: list[tuple[str, float]] = []
        vector = None
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed_queries([query])[0]
            dense = self.dense.search_vector(vector, n, scope) if not scope.unrestricted else (
                self.dense.search_vector(vector, n))
        if mode in ("hybrid", "bm25"):
            lexical = self.lexical.search(query, n, hidden_documents=hidden) if hidden else (
                self.lexical.search(query, n))
        if keep is not None:
            allowed = keep([pid for pid, _ in dense] + [pid for pid, _ in lexical])
            dense = [(p, s) for p, s in dense if p in allowed]
            lexical = [(p, s) for p, s in lexical if p in allowed]
        dense_by_id, lexical_by_id = dict(dense), dict(lexical)
        if mode == "dense":
            fused = dense_by_id
        elif mode == "bm25":
            fused = lexical_by_id
        else:
            weight = self.fusion.dense_weight if english else self.fusion.dense_weight_foreign
            fused = self._fuse(dense, lexical, weight)
        best = sorted(fused.items(), key=lambda item: (-item[1], item[0]))[:k]
        hits = [Hit(pid, score, dense_by_id.get(pid), lexical_by_id.get(pid)) for pid, score in best]
        best_similarity = max(dense_by_id.values(), default=0.0)
        return SearchResult(hits, vector, best_similarity, english)

    def _fuse(
        self, dense: list[tuple[str, float]], lexical: list[tuple[str, float]], w: float
    ) -> dict[str, float]:
        if self.fusion.method == "weighted":
            return weighted_score_fusion([dense, lexical], [w, 1.0 - w])
        # RRF weights are scaled so that w = 0.5 is the plain, unweighted fusion
        return reciprocal_rank_fusion(
            [[p for p, _ in dense], [p for p, _ in lexical]],
            k=self.fusion.rrf_k,
            weights=[2 * w, 2 * (1.0 - w)],
        )
