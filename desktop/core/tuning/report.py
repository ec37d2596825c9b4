"""A tuning run's outcome in plain words, for the wizard and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.core.tuning.rounds import Candidate


def sentences(candidate: Candidate) -> list[str]:
    b, a = candidate.before, candidate.after
    what = "searches" if candidate.queries != 1 else "search"
    how = (
        "that training never saw"
        if candidate.folds == 1
        else f"each left out of training in turn ({candidate.folds} rounds)"
    )
    change = "up from" if a.top3 > b.top3 else "down from" if a.top3 < b.top3 else "the same as"
    verdict = (
        "The new model ranks the right results higher: keeping it should help."
        if a.ndcg > b.ndcg + 0.005
        else "The new model ranks the right results lower: discarding it is wiser."
        if a.ndcg < b.ndcg - 0.005
        else "The new model ranks about as well as the current one."
    )
    return [
        f"Learned from {candidate.data_size} examples made from your marks on {candidate.queries} {what}, "
        f"in {candidate.seconds:.0f} seconds.",
        f"Tested on {a.queries} marked searches {how}.",
        f"The right result is in the top 3 for {a.top3} of {a.queries} of them, {change} {b.top3}.",
        verdict,
    ]


def figures(candidate: Candidate) -> list[tuple[str, float, float]]:
    """(metric, current, new) rows; triplet accuracy only where there were 👎 pairs to order."""
    b, a = candidate.before, candidate.after
    rows = [("nDCG@10", b.ndcg, a.ndcg), ("MRR@10", b.mrr, a.mrr), ("Recall@10", b.recall, a.recall)]
    if b.triplet_accuracy is not None and a.triplet_accuracy is not None:
        rows.append(("Triplet accuracy", b.triplet_accuracy, a.triplet_accuracy))
    return rows
