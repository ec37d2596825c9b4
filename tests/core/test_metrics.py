"""Ranking metrics against values worked out by hand."""

from __future__ import annotations

import doctest

import pytest

from desktop.core.common import metrics
from desktop.core.common.metrics import (
    dcg,
    hit_rate_at_k,
    mrr_at_k,
    ndcg_at_k,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
)

T, F = True, False


def test_reciprocal_rank_and_mrr() -> None:
    assert reciprocal_rank([F, F, T], 10) == pytest.approx(1 / 3)
    assert reciprocal_rank([F, F, T], 2) == 0.0  # first relevant is beyond k
    assert mrr_at_k([[F, T], [T]], 10) == pytest.approx(0.75)  # (1/2 + 1) / 2
    assert mrr_at_k([[F, T], [T]], 1) == pytest.approx(0.5)  # (0 + 1) / 2
    assert mrr_at_k([[F, F], []], 10) == 0.0


def test_precision_divides_by_k_even_for_short_lists() -> None:
    assert precision_at_k([[T, F, T, F]], 4) == pytest.approx(0.5)
    assert precision_at_k([[T, F, T, F]], 1) == 1.0
    assert precision_at_k([[T]], 5) == pytest.approx(0.2)
    assert precision_at_k([[T, F], [F, T]], 1) == pytest.approx(0.5)


def test_hit_rate() -> None:
    ranked = [[F, T], [F, F]]
    assert hit_rate_at_k(ranked, 1) == 0.0
    assert hit_rate_at_k(ranked, 2) == pytest.approx(0.5)
    assert hit_rate_at_k([[T, F], [F, T]], 1) == precision_at_k([[T, F], [F, T]], 1)


def test_recall_with_and_without_relevant_counts() -> None:
    assert recall_at_k([[T, F, T]], 3, n_relevant=[4]) == pytest.approx(0.5)  # 2 of 4
    assert recall_at_k([[T, F, T]], 1, n_relevant=[4]) == pytest.approx(0.25)
    assert recall_at_k([[T, F, T]], 1) == pytest.approx(0.5)  # 1 of the 2 in the list
    assert recall_at_k([[T], [F, F]], 10, n_relevant=[1, 0]) == pytest.approx(0.5)  # no relevant: 0


def test_dcg_by_hand() -> None:
    # 1/log2(2) + 0 + 1/log2(4) = 1 + 0.5
    assert dcg([T, F, T], 10) == pytest.approx(1.5)
    assert dcg([T, F, T], 2) == pytest.approx(1.0)


def test_ndcg_binary() -> None:
    # DCG = 1/log2(3) + 1/log2(4) = 0.630930 + 0.5; ideal = 1 + 1/log2(3) = 1.630930
    assert ndcg_at_k([[F, T, T]], 3) == pytest.approx(1.130930 / 1.630930, abs=1e-6)
    assert ndcg_at_k([[T, T, F]], 3) == pytest.approx(1.0)
    # Two more relevant items were never retrieved: ideal = 1 + 0.630930 + 0.5 + 1/log2(5) = 2.561606
    assert ndcg_at_k([[F, T, T]], 10, n_relevant=[4]) == pytest.approx(1.130930 / 2.561606, abs=1e-6)
    # k cuts the ideal too: ideal@1 = 1, DCG@1 = 0 and 1
    assert ndcg_at_k([[F, T], [T, F]], 1, n_relevant=[3, 3]) == pytest.approx(0.5)
    assert ndcg_at_k([[F, F]], 10) == 0.0


def test_ndcg_graded() -> None:
    # DCG = 2 + 3/log2(3) + 0 + 1/log2(5) = 2 + 1.892789 + 0.430677 = 4.323466
    # ideal [3, 2, 1, 0] = 3 + 2/log2(3) + 1/2 = 3 + 1.261860 + 0.5 = 4.761860
    assert ndcg_at_k([[2, 3, 0, 1]], 4) == pytest.approx(4.323466 / 4.761860, abs=1e-6)
    # An unretrieved grade-3 item raises the ideal: [3, 3, 2, 1] = 3 + 1.892789 + 1 + 0.430677
    assert ndcg_at_k([[2, 3, 0, 1]], 4, ideal=[[3, 3, 2, 1]]) == pytest.approx(4.323466 / 6.323466, abs=1e-6)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        mrr_at_k([], 10)
    with pytest.raises(ValueError):
        precision_at_k([[T]], 0)
    with pytest.raises(ValueError):
        recall_at_k([[T], [T]], 1, n_relevant=[1])
    with pytest.raises(ValueError):
        ndcg_at_k([[T]], 1, ideal=[[1], [1]])


def test_module_docstring_example() -> None:
    assert doctest.testmod(metrics).failed == 0
