from retrieval.fusion import reciprocal_rank_fusion, weighted_score_fusion


def test_rrf_rewards_items_ranked_well_by_both_lists():
    dense = ["a", "b", "c"]
    lexical = ["c", "b", "d"]
    scores = reciprocal_rank_fusion([dense, lexical], k=60)
    ranked = sorted(scores, key=scores.get, reverse=True)
    # b is second in both lists, so it beats a and d that appear only once
    assert ranked[0] in {"b", "c"}
    assert scores["b"] > scores["a"] and scores["b"] > scores["d"]
    assert set(scores) == {"a", "b", "c", "d"}


def test_rrf_weights_shift_the_balance():
    dense, lexical = ["a", "x"], ["b", "y"]
    dense_heavy = reciprocal_rank_fusion([dense, lexical], weights=[1.5, 0.5])
    lexical_heavy = reciprocal_rank_fusion([dense, lexical], weights=[0.5, 1.5])
    assert dense_heavy["a"] > dense_heavy["b"]
    assert lexical_heavy["b"] > lexical_heavy["a"]


def test_rrf_smaller_k_favours_top_ranks_more():
    sharp = reciprocal_rank_fusion([["a", "b"]], k=1)
    flat = reciprocal_rank_fusion([["a", "b"]], k=1000)
    assert sharp["a"] / sharp["b"] > flat["a"] / flat["b"]


def test_weighted_fusion_normalises_each_list():
    dense = [("a", 0.9), ("b", 0.5)]
    lexical = [("b", 30.0), ("c", 10.0)]
    fused = weighted_score_fusion([dense, lexical], [0.5, 0.5])
    # a: 0.5*1 ; b: 0.5*0 + 0.5*1 ; c: 0.5*0
    assert fused["a"] == 0.5 and fused["b"] == 0.5 and fused["c"] == 0.0


def test_weighted_fusion_with_one_empty_list():
    fused = weighted_score_fusion([[("a", 2.0), ("b", 1.0)], []], [0.3, 0.7])
    assert fused["a"] > fused["b"]
