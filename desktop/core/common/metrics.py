"""Ranking-quality metrics over ranked relevance lists (pure functions, no I/O).

Every function takes one list per query: the relevance of that query's results in rank
order, best first. Relevance is a bool (binary) or a non-negative number (graded, for
nDCG). Each returns the mean over queries, in [0, 1].

Where a metric needs to know about relevant items the ranking did not return (recall,
the ideal ordering of nDCG), pass `n_relevant` (binary: how many relevant items the
query has in all) or, for nDCG, `ideal` (every relevance grade the query has). Without
them only the ranked list is known, so items missed entirely cannot count against it.

A query with no relevant item scores 0 on every metric (it cannot be answered); leave
such queries out if they should not pull the mean down.

    >>> mrr_at_k([[False, True], [True]], 10)
    0.75
"""

from __future__ import annotations

import math
from collections.abc import Sequence

Relevance = bool | float
Ranked = Sequence[Sequence[Relevance]]


def _check(ranked: Ranked, k: int, n_relevant: Sequence[int] | None = None) -> None:
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    if not ranked:
        raise ValueError("no queries to average over")
    if n_relevant is not None and len(n_relevant) != len(ranked):
        raise ValueError(f"{len(n_relevant)} relevant counts for {len(ranked)} queries")


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _hits(ranking: Sequence[Relevance], k: int) -> int:
    return sum(1 for r in ranking[:k] if r)


def reciprocal_rank(ranking: Sequence[Relevance], k: int) -> float:
    """1 / rank of the first relevant result within the top k; 0 when there is none."""
    for rank, relevant in enumerate(ranking[:k], start=1):
        if relevant:
            return 1.0 / rank
    return 0.0


def mrr_at_k(ranked: Ranked, k: int = 10) -> float:
    """Mean reciprocal rank of the first relevant result, counting only the top k."""
    _check(ranked, k)
    return _mean([reciprocal_rank(r, k) for r in ranked])


def precision_at_k(ranked: Ranked, k: int) -> float:
    """Mean fraction of the top k positions holding a relevant result (a short list still divides by k)."""
    _check(ranked, k)
    return _mean([_hits(r, k) / k for r in ranked])


def hit_rate_at_k(ranked: Ranked, k: int) -> float:
    """Fraction of queries with at least one relevant result in the top k (success@k).

    With binary relevance hit_rate_at_k(ranked, 1) == precision_at_k(ranked, 1).
    """
    _check(ranked, k)
    return _mean([1.0 if _hits(r, k) else 0.0 for r in ranked])


def recall_at_k(ranked: Ranked, k: int, n_relevant: Sequence[int] | None = None) -> float:
    """Mean fraction of each query's relevant items found in the top k.

    `n_relevant[i]` is how many relevant items query i has in all; without it, the
    relevant items present anywhere in its ranked list.
    """
    _check(ranked, k, n_relevant)
    scores = []
    for i, ranking in enumerate(ranked):
        total = n_relevant[i] if n_relevant is not None else _hits(ranking, len(ranking))
        scores.append(_hits(ranking, k) / total if total > 0 else 0.0)
    return _mean(scores)


def dcg(gains: Sequence[Relevance], k: int) -> float:
    """Discounted cumulative gain: sum of gain / log2(rank + 1) over the top k (linear gain)."""
    return sum(float(g) / math.log2(rank + 1) for rank, g in enumerate(gains[:k], start=1))


def ndcg_at_k(
    ranked: Ranked,
    k: int = 10,
    *,
    n_relevant: Sequence[int] | None = None,
    ideal: Sequence[Sequence[Relevance]] | None = None,
) -> float:
    """Mean normalised DCG: each query's DCG@k over the best DCG@k possible for it.

    The best ordering comes from `ideal[i]` (all of query i's relevance grades), else
    `n_relevant[i]` ones (binary), else the ranked list's own grades sorted.
    """
    _check(ranked, k, n_relevant)
    if ideal is not None and len(ideal) != len(ranked):
        raise ValueError(f"{len(ideal)} ideal lists for {len(ranked)} queries")
    scores = []
    for i, ranking in enumerate(ranked):
        if ideal is not None:
            best: Sequence[Relevance] = ideal[i]
        elif n_relevant is not None:
            best = [1.0] * n_relevant[i]
        else:
            best = ranking
        best_dcg = dcg(sorted((float(g) for g in best), reverse=True), k)
        scores.append(dcg(ranking, k) / best_dcg if best_dcg > 0 else 0.0)
    return _mean(scores)


__all__ = [
    "dcg",
    "hit_rate_at_k",
    "mrr_at_k",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
]
