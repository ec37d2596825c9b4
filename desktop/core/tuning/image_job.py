"""Tuning the photos' side: CLIP's text tower against the stored photo vectors."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.embed.tuned_clip import make_clip_encoder
from desktop.core.tuning.clip_tower import save_tower, train_clip_text
from desktop.core.tuning.evaluate import Metrics, Space, stored_space
from desktop.core.tuning.examples import QueryMarks
from desktop.core.tuning.rates import RunClock
from desktop.core.tuning.rounds import Candidate, collect_rounds, marks_needed, run_folds
from desktop.core.tuning.text_train import TrainSettings
from desktop.core.workspace import Workspace


def tune_image(ws: Workspace, work: Path, settings: TrainSettings, cancel: CancelToken) -> Job[Candidate]:
    started = time.monotonic()
    problem = ws.encoders.clip_problem()
    if problem is not None:
        raise SemdeskError(problem)
    image_version = ws.versions.active_id("image")
    current = ws.encoders.clip()
    marks = marks_needed(ws, "image")
    yield Progress("preparing", message="reading your marks and the photo vectors")
    photos = stored_space(ws, "image", image_version, current.dim)
    before_queries = current.encode_texts([m.query for m in marks]) if marks else photos.vectors[:0]
    clip_settings, tower = ws.settings.all(), ws.versions.active_clip_tower()
    pairs: list[int] = []
    clock = RunClock()  # this run's training speed, for the next run's estimate (rates.py)

    def fit(train: list[QueryMarks], mined: dict[str, int]) -> Job[tuple[Any, Space, Any]]:
        # A private copy to train: the shared encoder keeps answering searches meanwhile.
        # PyTorch only: a compiled text side would not follow the training's weight updates.
        encoder = make_clip_encoder({**clip_settings, "clip_openvino": False}, tower)
        encoder.load()
        pairs.append(sum(len(m.positives) for m in train))
        yield from clock.training(train_clip_text(encoder, photos, train, settings, cancel))
        return encoder, photos, encoder.encode_texts

    olds, news, shown, losses, encoder, _ = yield from run_folds(
        ws, "image", marks, photos, before_queries, fit, cancel
    )
    if len(olds) > 1:
        yield Progress("training", message="final round on all your marks")
        encoder, _, _ = yield from collect_rounds(fit(marks, {}), losses, len(olds) + 1, len(olds) + 1)
    clock.save("image", clip_settings["clip_model"], None)
    yield Progress("saving")
    save_tower(encoder, work)
    return Candidate(
        target="image", folder=str(work), base_model=str(image_version), dim=current.dim,
        before=Metrics.mean(olds), after=Metrics.mean(news), folds=len(olds), data_size=pairs[-1],
        queries=len(marks), settings=settings, losses=tuple(losses), comparisons=tuple(shown),
        seconds=time.monotonic() - started,
    )
