"""Tuning the documents' text model: the sentence-transformers side of the tuning job."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.embed.encoder_choice import INT8, TORCH
from desktop.core.embed.int8 import LOCAL_DIR
from desktop.core.embed.ov_text import make_int8_copy
from desktop.core.tuning.evaluate import Metrics, Space, candidate_pool, chunk_inputs, encode_space, stored_space
from desktop.core.tuning.examples import QueryMarks, splits, triplets
from desktop.core.tuning.rates import RunClock
from desktop.core.tuning.rounds import Candidate, collect_rounds, marks_needed, mine_negatives, run_folds
from desktop.core.tuning.text_train import ModelEncoder, TrainSettings, load_model, model_source, train_text
from desktop.core.workspace import Workspace


def tune_text(ws: Workspace, work: Path, settings: TrainSettings, cancel: CancelToken) -> Job[Candidate]:
    started = time.monotonic()
    source = ws.versions.active_text_model()[0]
    encoder = ws.encoders.query()
    marks = marks_needed(ws, "text")
    yield Progress("preparing", message="reading your marks and the library")
    before = stored_space(ws, "text", ws.versions.active_id("text"), encoder.dim)
    before_queries = encoder.encode([m.query for m in marks])
    ids, texts = chunk_inputs(ws)
    text_of = {int(i): t for i, t in zip(ids, texts, strict=True)}
    sizes: list[int] = []
    int8 = ws.versions.text_int8_enabled()
    # With one held-out split, the model measured is the model kept: measured as it will run (int8),
    # its vectors serve Keep as they are. k-fold rounds train models that are never kept (fp32).
    measure_int8 = int8 and len(splits(marks)) == 1
    k_fold = len(splits(marks)) > 1
    row_of = {m.query: i for i, m in enumerate(marks)}
    clock = RunClock()  # this run's speeds, for the next run's estimate (rates.py)

    def fit(train: list[QueryMarks], mined: dict[str, int], measure: bool = True) -> Job[tuple[Any, Space, Any]]:
        model = load_model(source)
        rows = [(q, _text(train, q, p, text_of), _text(train, q, n, text_of)) for q, p, n in triplets(train, mined)]
        sizes.append(len(rows))
        yield from clock.training(train_text(model, rows, settings, cancel, work))
        shutil.rmtree(work / "trainer", ignore_errors=True)
        wrapped: Any = ModelEncoder(model)
        if measure and measure_int8:
            wrapped = yield from _saved_int8(model, work, cancel)
        if not measure:
            return model, before, wrapped.encode
        pick_ids, pick_texts = ids, texts
        if k_fold:  # a round's model is never kept: only the passages that can change its rankings
            trained = {m.query for m in train}
            tests = [m for m in marks if m.query not in trained]
            pool = candidate_pool(before, before_queries[[row_of[t.query] for t in tests]], tests, mined)
            keep = np.isin(ids, np.fromiter(pool, dtype=np.int64, count=len(pool)))
            pick_ids, pick_texts = ids[keep], [t for t, k in zip(texts, keep, strict=True) if k]
        space = yield from clock.measuring(encode_space(wrapped, pick_ids, pick_texts, cancel, "measuring"),
                                           len(pick_ids))
        return model, space, wrapped.encode

    olds, news, shown, losses, model, after = yield from run_folds(
        ws, "text", marks, before, before_queries, fit, cancel
    )
    if len(olds) > 1:
        # k-fold measured how well training on these marks generalises; the model to keep learns from all.
        yield Progress("training", message="final round on all your marks")
        model, after, _ = yield from collect_rounds(fit(marks, mine_negatives(before, before_queries, marks), False),
                                                    losses, len(olds) + 1, len(olds) + 1)
        after = None
    clock.save("text", model_source(source), INT8 if measure_int8 else TORCH)
    yield from _save(model, work, int8)
    return Candidate(
        target="text", folder=str(work), base_model=ws.settings.get("text_model"), dim=encoder.dim,
        before=Metrics.mean(olds), after=Metrics.mean(news), folds=len(olds), data_size=sizes[-1],
        queries=len(marks), settings=settings, losses=tuple(losses), comparisons=tuple(shown),
        seconds=time.monotonic() - started, int8=int8, vectors=after,
    )


def _save(model: Any, work: Path, int8: bool) -> Job[None]:
    """The model to keep, saved in `work` (with its int8 copy when the library runs int8)."""
    yield Progress("saving")
    if not (work / LOCAL_DIR).is_dir():  # else measuring in int8 already saved this model, copy and all
        model.save(str(work), create_model_card=False, safe_serialization=True)
        if int8:
            yield Progress("saving", message="with its fast int8 copy, about 15 s")
            make_int8_copy(work)


def _saved_int8(model: Any, folder: Path, cancel: CancelToken) -> Job[Any]:
    """The trained model saved in `folder` with its int8 copy beside it, as a loaded TextEncoder."""
    from desktop.core.embed import TextEncoder

    yield Progress("measuring", message="first making its fast int8 copy, about 15 s")
    model.save(str(folder), create_model_card=False, safe_serialization=True)
    make_int8_copy(folder)
    cancel.raise_if_cancelled()
    encoder = TextEncoder(str(folder), int8=True)
    encoder.load()
    return encoder


def _text(train: list[QueryMarks], query: str, item: int, text_of: dict[int, str]) -> str:
    for m in train:
        if m.query == query and item in m.texts:
            return m.texts[item]
    return text_of[item]
