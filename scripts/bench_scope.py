"""Query latency with network scoping against without, on one 20k-passage index (issue 14).

Passage vectors are random unit vectors (384-d, the e5-small size) and texts are sample-corpus
sentences; 400 documents of 50 passages, half public, half spread over 10 networks. Queries are
embedded with random vectors (search cost only) or, with `e5`, by the default multilingual-e5-small
model (what a member waits for: query embedding + filtered vector search + masked BM25 + fusion).
`--where-nin` also times the dense query alone with the current filter against a `document_id $nin`
filter (the same passages) as a possible faster form.
Usage: PYTHONPATH=. python scripts/bench_scope.py [passages] [queries] [random|e5] [--where-nin]
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from knowledge.scope import Scope, index_metadata
from retrieval.dense_index import DenseIndex
from retrieval.lexical_index import LexicalIndex
from retrieval.search import HybridSearcher
from tests.fakes import HashingEmbedder

N = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
Q = int(sys.argv[2]) if len(sys.argv) > 2 else 100
MODEL = sys.argv[3] if len(sys.argv) > 3 and not sys.argv[3].startswith("--") else "random"
NETWORKS = [f"net{i}" for i in range(10)]


class RandomEmbedder(HashingEmbedder):
    dim = 384

    def embed_queries(self, texts):
        v = np.random.default_rng(hash(texts[0]) % 2**32).normal(size=(len(texts), self.dim)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    embed_passages = embed_queries


def main() -> None:
    rng = random.Random(14)
    sentences = [s for p in Path("knowledge/samples").glob("*.md") for s in p.read_text().split(". ") if len(s) > 40]
    tmp = Path(tempfile.mkdtemp())
    embedder = RandomEmbedder()
    dense = DenseIndex(embedder, path=tmp / "chroma", check_model=False)
    ids, texts, metas, restricted = [], [], [], {}
    for d in range(N // 50):
        doc = f"doc{d}"
        nets = [] if d % 2 == 0 else [NETWORKS[d % 10]]
        if nets:
            restricted[doc] = frozenset(nets)
        for o in range(50):
            ids.append(f"{doc}@v1#{o}")
            texts.append(" ".join(rng.sample(sentences, 2)))
            metas.append({"document_id": doc, "version": 1, **index_metadata(nets)})
    vectors = np.random.default_rng(1).normal(size=(len(ids), 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    for s in range(0, len(ids), 1000):
        dense.collection.upsert(ids=[f"{i}::0" for i in ids[s:s + 1000]], embeddings=vectors[s:s + 1000],
                                metadatas=[{**m, "passage_id": i} for i, m in zip(ids[s:s + 1000], metas[s:s + 1000])])
    lexical = LexicalIndex()
    lexical.build(ids, texts)
    query_embedder = embedder
    if MODEL == "e5":
        from bot.settings import DEFAULT_EMBEDDING_MODEL
        from retrieval.embeddings import make_embedder

        query_embedder = make_embedder(DEFAULT_EMBEDDING_MODEL)
    searcher = HybridSearcher(query_embedder, dense, lexical, restricted_documents=lambda: restricted)
    print(f"{len(ids)} passages, {Q} queries, query embedder: {MODEL}")
    queries = [" ".join(rng.sample(sentences, 1))[:120] for _ in range(Q)]
    scopes = {"unscoped": Scope.everything(), "1 network": Scope.of(NETWORKS[:1]),
              "3 networks": Scope.of(NETWORKS[:3]), "10 networks": Scope.of(NETWORKS)}
    for q in queries[:5]:  # warm up
        searcher.search(q, 20)
    for name, scope in scopes.items():
        times = []
        for q in queries:
            started = time.perf_counter()
            searcher.search(q, 20, scope=scope)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{name:<12} p50 {statistics.median(times):6.1f} ms  p95 {times[int(0.95 * len(times)) - 1]:6.1f} ms")
    if "--where-nin" in sys.argv:
        compare_filters(dense, embedder, queries, scopes, restricted)


def compare_filters(dense, embedder, queries, scopes, restricted) -> None:
    """The dense query alone: the `$or` filter in use against `document_id $nin` hidden documents."""
    from retrieval.dense_index import scope_where

    for name, scope in scopes.items():
        if scope.unrestricted:
            continue
        hidden = sorted(d for d, nets in restricted.items() if not scope.sees(nets))
        for label, where in (("$or", scope_where(scope)), ("$nin", {"document_id": {"$nin": hidden}} if hidden else None)):
            times = []
            for q in queries:
                vector = embedder.embed_queries([q])
                started = time.perf_counter()
                dense.collection.query(query_embeddings=vector, n_results=40, where=where)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            print(f"dense only, {name:<11} {label:<5} p50 {statistics.median(times):6.1f} ms  "
                  f"p95 {times[int(0.95 * len(times)) - 1]:6.1f} ms")


if __name__ == "__main__":
    main()
