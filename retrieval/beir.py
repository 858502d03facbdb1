"""Retrieval evaluation on a BEIR-format corpus (corpus.jsonl, queries.jsonl, qrels/SPLIT.tsv).

The corpus goes into a fresh, temporary Chroma collection and BM25 index, so a regression
in indexing always shows. Only with `cache_dir` are passage vectors kept between runs (one
file per batch, keyed by model and texts): embedding SciFact with e5-small takes most of an
hour on two cores, and a run that is stopped half-way should not start again from zero.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .dense_index import DenseIndex
from .embeddings import Embedder
from .lexical_index import LexicalIndex
from .metrics import mrr_at_k, ndcg_at_k, percentile, recall_at_k
from .search import FusionConfig, HybridSearcher

Progress = Callable[[str, int], Callable[[int], None]]  # (label, total) -> advance(n)


@dataclass
class BeirData:
    corpus: dict[str, str]
    queries: dict[str, str]
    qrels: dict[str, dict[str, int]]


def load_beir(directory: Path, split: str) -> BeirData:
    directory = Path(directory)
    corpus: dict[str, str] = {}
    with open(directory / "corpus.jsonl", encoding="utf-8") as f:
        for line in f:
            doc = json.loads(line)
            corpus[str(doc["_id"])] = f"{doc.get('title', '')}. {doc.get('text', '')}".strip(". ")
    queries: dict[str, str] = {}
    with open(directory / "queries.jsonl", encoding="utf-8") as f:
        for line in f:
            q = json.loads(line)  # the 'metadata' field may hold gold evidence: never read it
            queries[str(q["_id"])] = q["text"]
    qrels: dict[str, dict[str, int]] = {}
    with open(directory / "qrels" / f"{split}.tsv", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t")
        next(reader, None)
        for row in reader:
            if len(row) >= 3:
                qrels.setdefault(row[0], {})[row[1]] = int(row[2])
    return BeirData(corpus, {q: queries[q] for q in qrels if q in queries}, qrels)


class CachedPassageEmbedder:
    """Wraps an embedder; passage batches already embedded are read back from `directory`."""

    def __init__(self, embedder: Embedder, directory: Path):
        self.inner = embedder
        self.name = embedder.name
        self.backend = embedder.backend
        self.window_chars = embedder.window_chars
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.hits = 0

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, *, show_progress: bool = False):
        import numpy as np

        digest = hashlib.sha256(self.name.encode())
        for text in texts:
            digest.update(hashlib.sha256(text.encode()).digest())
        path = self.directory / f"{digest.hexdigest()[:32]}.npy"
        if path.exists():
            self.hits += 1
            return np.load(path)
        vectors = self.inner.embed_passages(texts, show_progress=show_progress)
        partial = path.with_suffix(".tmp.npy")
        np.save(partial, vectors)
        os.replace(partial, path)  # a run killed mid-write leaves no half file behind
        return vectors


def _no_progress(label: str, total: int) -> Callable[[int], None]:
    return lambda n: None


class BeirIndex:
    """A throwaway dense + BM25 index over a BEIR corpus."""

    def __init__(self, data: BeirData, embedder: Embedder, progress: Progress = _no_progress):
        self.data = data
        self._tmp = tempfile.TemporaryDirectory(prefix="jitbot-beir-")
        ids = list(data.corpus)
        texts = [data.corpus[i] for i in ids]
        started = time.perf_counter()
        self.dense = DenseIndex(embedder, path=Path(self._tmp.name) / "chroma", collection="beir-eval")
        self.dense.add(ids, texts, [{"n": i} for i in range(len(ids))], batch_size=128,
                       progress=progress("embedding corpus", len(ids)))
        self.lexical = LexicalIndex(None)
        self.lexical.build(ids, texts)
        self.indexing_seconds = time.perf_counter() - started
        self.embedder = embedder

    def searcher(self, fusion: FusionConfig) -> HybridSearcher:
        return HybridSearcher(self.embedder, self.dense, self.lexical, fusion)

    def close(self) -> None:
        self._tmp.cleanup()


def run_queries(searcher: HybridSearcher, data: BeirData, mode: str, k: int = 100,
                progress: Callable[[int], None] | None = None) -> tuple[dict[str, list[str]], list[float]]:
    runs: dict[str, list[str]] = {}
    latencies: list[float] = []
    for qid, text in data.queries.items():
        started = time.perf_counter()
        result = searcher.search(text, k, mode=mode)  # type: ignore[arg-type]
        latencies.append((time.perf_counter() - started) * 1000)
        runs[qid] = [hit.passage_id for hit in result.hits]
        if progress:
            progress(1)
    return runs, latencies


def score_runs(runs: dict[str, list[str]], qrels: dict[str, dict[str, int]]) -> dict[str, float]:
    n = len(qrels)
    return {
        "ndcg@10": round(sum(ndcg_at_k(runs.get(q, []), rel, 10) for q, rel in qrels.items()) / n, 4),
        "recall@100": round(sum(recall_at_k(runs.get(q, []), rel, 100) for q, rel in qrels.items()) / n, 4),
        "mrr@10": round(sum(mrr_at_k(runs.get(q, []), rel, 10) for q, rel in qrels.items()) / n, 4),
    }


def evaluate_beir(
    directory: Path,
    embedder: Embedder,
    *,
    split: str = "test",
    fusion: FusionConfig = FusionConfig(),
    modes: Iterable[str] = ("dense", "bm25", "hybrid"),
    progress: Progress = _no_progress,
    cache_dir: Path | None = None,
) -> dict:
    data = load_beir(directory, split)
    if cache_dir is not None:
        embedder = CachedPassageEmbedder(embedder, cache_dir)
    index = BeirIndex(data, embedder, progress)
    try:
        report: dict = {}
        searcher = index.searcher(fusion)
        for mode in modes:
            runs, latencies = run_queries(searcher, data, mode,
                                          progress=progress(f"{mode} queries", len(data.queries)))
            report[mode] = {**score_runs(runs, data.qrels),
                            "latency_ms_p50": round(percentile(latencies, 50), 2),
                            "latency_ms_p95": round(percentile(latencies, 95), 2)}
        report["meta"] = {
            "split": split,
            "documents": len(data.corpus),
            "queries": len(data.queries),
            "fusion": fusion.method,
            "rrf_k": fusion.rrf_k,
            "dense_weight": fusion.dense_weight,
            "bm25_k1": index.lexical.k1,
            "bm25_b": index.lexical.b,
            "indexing_seconds": round(index.indexing_seconds, 1),
            "passages_per_second": round(len(data.corpus) / index.indexing_seconds, 1),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        return report
    finally:
        index.close()
