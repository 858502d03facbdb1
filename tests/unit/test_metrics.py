import math

from retrieval.metrics import mrr_at_k, ndcg_at_k, percentile, recall_at_k


def test_ndcg_perfect_and_partial():
    rel = {"d1": 1, "d2": 1}
    assert ndcg_at_k(["d1", "d2", "x"], rel) == 1.0
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert abs(ndcg_at_k(["x", "d1"], rel) - expected) < 1e-9
    assert ndcg_at_k(["x", "y"], rel) == 0.0


def test_recall_and_mrr():
    rel = {"d1": 1, "d2": 1}
    assert recall_at_k(["d1", "x"], rel, 100) == 0.5
    assert mrr_at_k(["x", "x2", "d2"], rel, 10) == 1 / 3
    assert mrr_at_k(["x"] * 10 + ["d1"], rel, 10) == 0.0


def test_percentile_nearest_rank():
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 95) == 95
    assert percentile([], 95) == 0.0
