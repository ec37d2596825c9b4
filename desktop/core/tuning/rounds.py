"""What a tuning run produces and how its rounds go: the Candidate record, the held-out splits
(train, then measure before/after on queries training never saw), hard negatives mined from
the current model. Shared by text_job (documents) and image_job (photos)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.tuning.evaluate import Metrics, Shown, Space, describe, measure
from desktop.core.tuning.examples import QueryMarks, check_enough, photo_marks, splits, text_marks
from desktop.core.tuning.text_train import TrainProgress, TrainSettings
from desktop.core.workspace import Workspace


@dataclass(frozen=True)
class Comparison:
    """A held-out query's top results from the current model and from the candidate."""

    query: str
    before: tuple[Shown, ...]
    after: tuple[Shown, ...]


@dataclass(frozen=True)
class Candidate:
    target: str  # "text" (documents) or "image" (photos)
    folder: str  # temporary folder holding the trained model until Keep or Discard
    base_model: str  # what it was trained from
    dim: int
    before: Metrics
    after: Metrics
    folds: int  # 1: one held-out split; more: k-fold (each query held out once)
    data_size: int  # training examples (query, 👍, 👎) built from the marks
    queries: int  # marked queries used
    settings: TrainSettings
    losses: tuple[float, ...]
    comparisons: tuple[Comparison, ...]
    seconds: float
    int8: bool = False  # kept as int8 (text_int8 on): its folder holds the int8 copy, measured with it
    vectors: Space | None = field(default=None, repr=False, compare=False)  # the library under the candidate

    @property
    def undecided(self) -> bool:
        """Neither kept nor discarded yet: Keep moves the folder into the library, Discard deletes it."""
        return Path(self.folder).is_dir()

    @property
    def improved(self) -> bool:
        return self.after.ndcg > self.before.ndcg

    def metrics_json(self) -> dict[str, Any]:
        return {"before": self.before.to_json(), "after": self.after.to_json(), "folds": self.folds,
                "settings": self.settings.to_json()}

    def to_json(self) -> dict[str, Any]:
        return {"target": self.target, "base_model": self.base_model, "data_size": self.data_size,
                "queries": self.queries, "improved": self.improved, "seconds": round(self.seconds, 1),
                "losses": list(self.losses), "int8": self.int8, **self.metrics_json()}


def marks_needed(ws: Workspace, target: str) -> list[QueryMarks]:
    """The marked queries a run on `target` would learn from (the wizard's first page)."""
    if target == "text":
        return text_marks(ws)
    return photo_marks(ws, ws.versions.active_id("image"))


def run_folds(
    ws: Workspace,
    kind: str,
    marks: list[QueryMarks],
    before: Space,
    before_queries: np.ndarray,
    fit: Any,
    cancel: CancelToken,
) -> Job[tuple[list[Metrics], list[Metrics], list[Comparison], list[float], Any, Space | None]]:
    """Train and measure on each split. `fit(train) -> Job[(model, after_space, encode_queries)]`.

    Returns metrics before/after per split, comparisons, the loss curve, the last model and its space.
    """
    check_enough(marks, "documents" if kind == "text" else "photos")
    mined = mine_negatives(before, before_queries, marks)
    row = {m.query: i for i, m in enumerate(marks)}
    olds, news, shown, losses = [], [], [], []
    model: Any = None
    after: Space | None = None
    parts = splits(marks)
    for n, split in enumerate(parts, 1):
        # Done counts the rounds finished: the first round's "Preparing" is at 0 %, not at 100 % (issue 24).
        yield Progress("preparing", n - 1, len(parts), f"round {n} of {len(parts)}" if len(parts) > 1 else "")
        model, after, encode_queries = yield from collect_rounds(fit(list(split.train), mined), losses, n, len(parts))
        cancel.raise_if_cancelled()
        tests = list(split.test)
        old_q = before_queries[[row[t.query] for t in tests]]
        new_q = encode_queries([t.query for t in tests])
        olds.append(measure(before, old_q, tests, mined))
        news.append(measure(after, new_q, tests, mined))
        old_rank, new_rank = before.rank(old_q), after.rank(new_q)
        shown += [Comparison(t.query, describe(ws, kind, old_rank[i], t), describe(ws, kind, new_rank[i], t))
                  for i, t in enumerate(tests)]
    return olds, news, shown, losses, model, after


def collect_rounds(job: Job[Any], losses: list[float], n: int, rounds: int) -> Job[Any]:
    """Pass training progress on, noting each loss for the curve and saying which round it is."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        if isinstance(progress, TrainProgress) and progress.loss is not None:
            losses.append(progress.loss)
            if rounds > 1:
                progress = TrainProgress(progress.phase, progress.done, progress.total, f"round {n} of {rounds}",
                                         progress.rate, progress.eta_seconds, progress.loss)
        yield progress


def mine_negatives(space: Space, query_vectors: np.ndarray, marks: list[QueryMarks]) -> dict[str, int]:
    """For queries without a 👎: the current model's best-ranked item that is not a 👍 (a hard negative)."""
    mined = {}
    rankings = space.rank(query_vectors, 20)
    for m, ranking in zip(marks, rankings, strict=True):
        if not m.negatives:
            wrong = next((i for i in ranking if i not in set(m.positives)), None)
            if wrong is not None:
                mined[m.query] = wrong
    return mined
