"""Sweep BM25 and fusion parameters on a BEIR split (SciFact *train*, never test).

    .venv/bin/python scripts/tune_fusion.py ../shared/bench/scifact --split train [--cache DIR]

The corpus is embedded once (with --cache, its vectors are kept, so `jitbot eval beir --split
test --cache DIR` reuses them); query vectors are memoised for the sweep only. BM25's k1/b are
swept only with --sweep-bm25 (they barely moved train nDCG@10: BENCHMARKS.md).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.settings import load_settings
from retrieval.beir import (
    BeirIndex,
    CachedPassageEmbedder,
    load_beir,
    run_queries,
    score_runs,
)
from retrieval.embeddings import make_embedder
from retrieval.search import FusionConfig


class MemoEmbedder:
    def __init__(self, inner):
        self.inner, self.name, self.memo = inner, inner.name, {}

        self.backend = inner.backend
        self.window_chars = inner.window_chars

    @property
    def dimension(self):
        return self.inner.dimension

    def embed_passages(self, texts, *, show_progress=False):
        return self.inner.embed_passages(texts, show_progress=show_progress)

    def embed_queries(self, texts):
        if len(texts) == 1 and texts[0] in self.memo:
            return self.memo[texts[0]][None, :]
        vectors = self.inner.embed_queries(texts)
        if len(texts) == 1:
            self.memo[texts[0]] = vectors[0]
        return vectors


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", type=Path)
    parser.add_argument("--split", default="train")
    parser.add_argument("--cache", type=Path, help="keep the corpus vectors here (see jitbot eval beir)")
    parser.add_argument("--sweep-bm25", action="store_true", help="also sweep BM25 k1 and b")
    args = parser.parse_args()
    if args.split == "test":
        sys.exit("tune on train; test is for reporting")
    settings = load_settings()
    inner = make_embedder(settings.embedding_model)
    if args.cache is not None:
        inner = CachedPassageEmbedder(inner, args.cache)
    embedder = MemoEmbedder(inner)
    data = load_beir(args.directory, args.split)
    index = BeirIndex(data, embedder)
    rows = []
    ids = list(data.corpus)
    texts = [data.corpus[i] for i in ids]
    grid = itertools.product((0.9, 1.2, 1.5), (0.4, 0.75)) if args.sweep_bm25 else [(0.9, 0.4)]
    for k1, b in grid:
        index.lexical.k1, index.lexical.b = k1, b
        index.lexical.build(ids, texts)
        configs = [FusionConfig("rrf", k, w) for k in (10, 30, 60, 100) for w in (0.3, 0.4, 0.5, 0.6, 0.7)]
        configs += [FusionConfig("weighted", 60, w) for w in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5,
                                                             0.55, 0.6, 0.7, 0.8)]
        base = index.searcher(FusionConfig())
        for mode in ("bm25",) + (("dense",) if (k1, b) == (0.9, 0.4) else ()):
            runs, _ = run_queries(base, data, mode)
            rows.append({"k1": k1, "b": b, "mode": mode, **score_runs(runs, data.qrels)})
            print(json.dumps(rows[-1]), flush=True)
        for cfg in configs:
            runs, _ = run_queries(index.searcher(cfg), data, "hybrid")
            rows.append({"k1": k1, "b": b, "mode": "hybrid", "fusion": cfg.method,
                         "rrf_k": cfg.rrf_k, "w": cfg.dense_weight, **score_runs(runs, data.qrels)})
            print(json.dumps(rows[-1]), flush=True)
    best = max((r for r in rows if r["mode"] == "hybrid"), key=lambda r: r["ndcg@10"])
    print("BEST", json.dumps(best))
    index.close()


if __name__ == "__main__":
    main()
