"""The BEIR evaluation scores a tiny corpus, and with a cache a second run embeds nothing."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval.beir import evaluate_beir
from tests.fakes import HashingEmbedder


def _tiny_beir(root: Path) -> Path:
    docs = [
        ("d1", "Joint investigation teams", "A joint investigation team is set up by agreement."),
        ("d2", "Smuggling of migrants", "Smuggling of migrants is a crime under the protocol."),
        ("d3", "Victim assistance", "Victims of trafficking receive shelter and legal aid."),
    ]
    (root / "qrels").mkdir(parents=True)
    (root / "corpus.jsonl").write_text(
        "\n".join(json.dumps({"_id": i, "title": t, "text": x}) for i, t, x in docs))
    (root / "queries.jsonl").write_text("\n".join([
        json.dumps({"_id": "q1", "text": "how is a joint investigation team set up"}),
        json.dumps({"_id": "q2", "text": "shelter for trafficking victims"}),
    ]))
    (root / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td3\t1\n")
    return root


def test_cached_run_scores_the_same_without_embedding_the_corpus_again(tmp_path):
    corpus = _tiny_beir(tmp_path / "beir")
    first_embedder = HashingEmbedder()
    first = evaluate_beir(corpus, first_embedder, cache_dir=tmp_path / "cache")
    assert first["hybrid"]["ndcg@10"] == 1.0  # each query's one relevant abstract ranks first

    second_embedder = HashingEmbedder()
    second = evaluate_beir(corpus, second_embedder, cache_dir=tmp_path / "cache")
    # only the two queries of each mode were embedded: the corpus came from the cache
    assert second_embedder.calls < first_embedder.calls
    assert {m: second[m]["ndcg@10"] for m in ("dense", "bm25", "hybrid")} == \
        {m: first[m]["ndcg@10"] for m in ("dense", "bm25", "hybrid")}
