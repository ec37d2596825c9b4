"""The tuning job: marks -> examples -> train -> measure before/after -> a candidate to keep or discard.

Everything is trained into a temporary folder under models/; the active model, its vectors
and the marks are only read. A failed, cancelled or disk-full run removes the folder and
leaves the library exactly as it was. Keeping renames the folder into place and switches
to it (see versions.py); discarding deletes it.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.errors import DiskFull, SemdeskError, is_disk_full
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.tuning import versions
from desktop.core.tuning.evaluate import Metrics, Shown, Space, describe, measure
from desktop.core.tuning.examples import QueryMarks, check_enough, photo_marks, splits, text_marks
from desktop.core.tuning.text_train import TrainProgress, TrainSettings
from desktop.core.workspace import Workspace
from desktop.core.workspace.versions import CLIP_TEXT, INT8_SUFFIX

TEMP_PREFIX = ".tune-"
DEFAULTS = {
    "text": TrainSettings(epochs=1, learning_rate=5e-5, batch_size=16),
    # The text tower sees a handful of pairs per epoch; it needs more passes to move at all.
    "image": TrainSettings(epochs=30, learning_rate=1e-4, batch_size=16),
}


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


def tune_job(
    ws: Workspace, target: str = "text", *, settings: TrainSettings | None = None, cancel: CancelToken | None = None
) -> Job[Candidate]:
    if target not in DEFAULTS:
        raise SemdeskError(f"Tuning can improve 'text' (documents) or 'image' (photos), not {target!r}.")
    cancel = cancel or CancelToken()
    settings = settings or DEFAULTS[target]
    models = ws.paths.models
    for stale in models.glob(f"{TEMP_PREFIX}*"):  # left by a run that was killed
        if time.time() - stale.stat().st_mtime > 24 * 3600:
            shutil.rmtree(stale, ignore_errors=True)
    try:
        work = Path(tempfile.mkdtemp(prefix=TEMP_PREFIX, dir=models))
    except OSError as error:
        raise _disk_error(error) from error
    try:
        if target == "text":
            from desktop.core.tuning.text_job import tune_text

            return (yield from tune_text(ws, work, settings, cancel))
        from desktop.core.tuning.image_job import tune_image

        return (yield from tune_image(ws, work, settings, cancel))
    except OSError as error:
        shutil.rmtree(work, ignore_errors=True)
        raise _disk_error(error) from error
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def _disk_error(error: OSError) -> Exception:
    if is_disk_full(error):
        return DiskFull(
            "The disk is full, so the new model could not be saved. Nothing was changed: search keeps "
            "using the current model and all your marks are kept. Free some space and try again."
        )
    return SemdeskError(f"The new model could not be saved ({error.strerror or error}). Nothing was changed.")


def keep_job(ws: Workspace, candidate: Candidate, *, cancel: CancelToken | None = None) -> Job[versions.ModelInfo]:
    """Install the candidate as a new version and make it active (text: after re-embedding)."""
    if not candidate.undecided:
        raise SemdeskError("This tuned model was already kept or discarded.")
    space = "text" if candidate.target == "text" else CLIP_TEXT
    from desktop.core.embed.tuned_clip import TOWER_FILE

    version = versions.install(
        ws, space, Path(candidate.folder),
        name=_version_name(ws, candidate),
        base_model=candidate.base_model, dim=candidate.dim, data_size=candidate.data_size,
        metrics=candidate.metrics_json(), weights_file=TOWER_FILE if space == CLIP_TEXT else None,
    )
    return (yield from versions.activate_job(ws, version, cancel=cancel, vectors=candidate.vectors))


def _version_name(ws: Workspace, candidate: Candidate) -> str:
    if candidate.target != "text":
        return ws.settings.get("clip_model")
    # The suffix is what tells text_model_of to run the model in int8, as for the base model.
    return ws.settings.get("text_model") + (INT8_SUFFIX if candidate.int8 else "")


def discard(candidate: Candidate) -> None:
    shutil.rmtree(candidate.folder, ignore_errors=True)


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
        yield Progress("preparing", n, len(parts), f"round {n} of {len(parts)}" if len(parts) > 1 else "")
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
