"""Fusing ranked lists from the dense and the lexical index."""

from __future__ import annotations

from collections.abc import Sequence


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[str]], *, k: int = 60, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """score(d) = Σ w_i / (k + rank_i(d)), ranks starting at 1 (Cormack et al., 2009)."""
    weights = weights or [1.0] * len(rankings)
    scores: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return scores


def weighted_score_fusion(
    scored: Sequence[Sequence[tuple[str, float]]], weights: Sequence[float]
) -> dict[str, float]:
    """Min-max normalise each list's scores to 0..1, then take the weighted sum.

    An item missing from a list contributes 0 for that list.
    """
    fused: dict[str, float] = {}
    for items, weight in zip(scored, weights):
        if not items:
            continue
        values = [s for _, s in items]
        lo, hi = min(values), max(values)
        span = hi - lo
        for item, score in items:
            norm = (score - lo) / span if span > 0 else 1.0
            fused[item] = fused.get(item, 0.0) + weight * norm
    return fused
