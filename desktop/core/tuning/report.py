"""A tuning run's outcome in plain words, for the wizard and the command line."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.core.tuning.rounds import Candidate


MARGIN = 0.005  # nDCG@10 differences smaller than this are noise on a handful of held-out searches


def outcome(candidate: Candidate) -> str:
    """"better", "worse" or "same": the one judgement every sentence and button follows."""
    b, a = candidate.before, candidate.after
    if a.ndcg > b.ndcg + MARGIN and a.top3 >= b.top3:
        return "better"
    if a.ndcg < b.ndcg - MARGIN or a.top3 < b.top3:
        return "worse"
    return "same"


VERDICTS = {
    "better": "Better: the new model ranks the right results higher. Keep the new model.",
    "worse": "Worse: the new model ranks the right results lower. Keep the current model.",
    "same": "No measurable change: keep the current model.",
}


def verdict(candidate: Candidate) -> str:
    return VERDICTS[outcome(candidate)]


def sentences(candidate: Candidate) -> list[str]:
    """The verdict first, in one sentence; then the numbers it rests on (issue 13: the page read as
    several verdicts that contradicted each other)."""
    b, a = candidate.before, candidate.after
    how = (
        "that training never saw"
        if candidate.folds == 1
        else f"each left out of training in turn ({candidate.folds} rounds)"
    )
    tested = "search" if a.queries == 1 else "searches"
    return [
        verdict(candidate),
        f"Tested on {a.queries} marked {tested} {how}: the right result is in the top 3 for {a.top3} of "
        f"{a.queries} with the new model and {b.top3} of {a.queries} with the current one.",
        learned(candidate),
    ]


def examples_words(examples: int, searches: int) -> str:
    """How the estimate (estimate.py) and the results both name what training learns from: one wording."""
    return (f"{examples} example{'s' if examples != 1 else ''} (right results you marked) from {searches} "
            f"search{'es' if searches != 1 else ''}")


def learned(candidate: Candidate) -> str:
    """What the kept model learned from, counted and worded as the wizard's estimate was (estimate.py)."""
    if candidate.folds == 1:  # the held-out searches tested it and taught it nothing
        trained = candidate.queries - candidate.after.queries
        return (f"Learned from {examples_words(candidate.data_size, trained)}, in {candidate.seconds:.0f} seconds; "
                f"the other {candidate.after.queries} of your {candidate.queries} marked searches were held back "
                f"to test it.")
    return f"Learned from {examples_words(candidate.data_size, candidate.queries)}, in {candidate.seconds:.0f} seconds."


def figures(candidate: Candidate) -> list[tuple[str, float, float]]:
    """(metric, current, new) rows; triplet accuracy only where there were 👎 pairs to order."""
    b, a = candidate.before, candidate.after
    rows = [("nDCG@10", b.ndcg, a.ndcg), ("MRR@10", b.mrr, a.mrr), ("Recall@10", b.recall, a.recall)]
    if b.triplet_accuracy is not None and a.triplet_accuracy is not None:
        rows.append(("Triplet accuracy", b.triplet_accuracy, a.triplet_accuracy))
    return rows
