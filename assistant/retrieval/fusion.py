"""Merging the dense and keyword rankings into one."""

from __future__ import annotations


def reciprocal_rank(rankings: list[list[str]], k: int, weights: list[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion, scaled so that an item ranked first everywhere scores 1.0.

    RRF uses only ranks, so cosine similarities and BM25 scores, which live on unrelated scales,
    need no calibration against each other.
    """
    weights = weights or [1.0] * len(rankings)
    best = sum(w / (k + 1) for w in weights) or 1.0
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights):
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank + 1)
    return {item: score / best for item, score in fused.items()}


def relative_score(scored: list[dict[str, float]], weights: list[float] | None = None) -> dict[str, float]:
    """Relative score fusion: each ranking's scores min-max scaled to 0..1, then a weighted sum,
    scaled so that an item best everywhere scores 1.0.

    Unlike RRF it keeps margins: a chunk whose BM25 score is far ahead of the rest stays ahead even
    when the dense ranking puts it tenth. An item missing from a ranking scores 0 there.
    """
    weights = weights or [1.0] * len(scored)
    total = sum(weights) or 1.0
    fused: dict[str, float] = {}
    for scores, weight in zip(scored, weights):
        if not scores:
            continue
        low, high = min(scores.values()), max(scores.values())
        span = high - low
        for item, score in scores.items():
            scaled = (score - low) / span if span > 0 else 1.0
            fused[item] = fused.get(item, 0.0) + weight * scaled
    return {item: score / total for item, score in fused.items()}
