"""The tuning wizard's time estimate (issue 13, item 13) is made from speeds measured on this
computer: training steps/s recorded by the last run, passages/s recorded by the last run or else
by the encoder check, and a stated slow constant only when nothing was measured."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.common.jobs import Job, Progress
from desktop.core.embed import encoder_choice as choice
from desktop.core.embed.encoder_choice import INT8, TORCH
from desktop.core.library import Library
from desktop.core.tuning import estimate as est
from desktop.core.tuning import rates
from desktop.core.tuning.examples import splits
from desktop.core.tuning.rounds import marks_needed
from desktop.core.tuning.text_train import TrainProgress, model_source
from tests.conftest import index

TOPICS = {
    "bicycle": "Fixing a flat bicycle tyre: take the wheel off, find the puncture, patch the tube.",
    "bread": "Baking sourdough bread at home needs a starter, flour, water, salt and a hot oven.",
    "boiler": "The gas boiler is serviced every autumn before the heating season starts.",
    "tax": "The tax return for the revenue office is due by the end of January.",
    "kitten": "Looking after a kitten: food four times a day, a warm bed and a litter tray.",
    "garden": "Tomatoes in the garden want sun, deep watering and a stake to climb.",
    "dentist": "The dentist appointment is on Tuesday at nine; bring the insurance card.",
    "car": "Changing the car's engine oil every ten thousand kilometres keeps it healthy.",
    "wedding": "The wedding invitations go out in March; the venue holds a hundred guests.",
    "running": "A beginner's running plan alternates one minute running and two walking.",
    "piano": "Practising piano scales slowly with a metronome builds even fingers.",
    "camping": "Pack the tent, a sleeping bag, a stove and water for a weekend of camping.",
}
QUERIES = [("repairing a punctured wheel", "bicycle", "car"), ("making a loaf", "bread", "garden"),
           ("heating checked", "boiler", "dentist"), ("paying taxes", "tax", "wedding"),
           ("caring for a young cat", "kitten", "camping"), ("growing vegetables", "garden", "bread"),
           ("teeth check-up", "dentist", "boiler"), ("motor maintenance", "car", "bicycle"),
           ("marriage party", "wedding", "tax"), ("jogging for starters", "running", "piano")]


@pytest.fixture(scope="module")
def notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("notes")
    for name, text in TOPICS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def own_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Record files of their own (tuning rates, encoder check); the OpenVINO models stay shared."""
    monkeypatch.setattr(rates, "_path", lambda: tmp_path / rates.RATES_FILE)
    monkeypatch.setattr(choice, "_record_path", lambda: tmp_path / choice.RECORD_FILE)
    choice._MEMO.clear()
    yield tmp_path
    choice._MEMO.clear()


def marked(lib: Library, notes: Path, count: int) -> Library:
    index(lib, notes)
    for query, right, wrong in QUERIES[:count]:
        lib.mark(query, notes / f"{right}.txt", True)
        lib.mark(query, notes / f"{wrong}.txt", False)
    return lib


def source_of(lib: Library) -> str:
    return model_source(lib.workspace.versions.active_text_model()[0])


def record_run(lib: Library, target: str, encoder: str | None, steps_per_s: float, passages_per_s: float,
               round_s: float = 20.0) -> None:
    """What a finished run leaves behind: its clock saved with these speeds (4 rounds, 25 steps each)."""
    clock = rates.RunClock()
    clock.rounds, clock.steps, clock.train_seconds = 4, 100, 100 / steps_per_s + 4 * round_s
    clock.timed_steps, clock.step_seconds = 96, 96 / steps_per_s
    clock.passages, clock.measure_seconds = 1000, 1000 / passages_per_s
    clock.save(target, source_of(lib) if target == "text" else lib.workspace.settings.get("clip_model"), encoder)


def record_encoder_check(lib: Library, figures: dict[str, float]) -> None:
    choice._write_record(source_of(lib), {
        "cpu": "test CPU", "chosen": INT8, "passages": 256, "batch": 16, "measured_at": "2026-12-02 06:00:00",
        "figures": [{"encoder": name, "passages_per_second": speed, "mean_cosine": 1.0, "min_cosine": 1.0,
                     "within_bounds": True, "note": ""} for name, speed in figures.items()]})


def expected_seconds(lib: Library, steps_per_s: float, passages_per_s: float, encoder: str,
                     round_s: float) -> float:
    """The estimate worked out by hand from the run's shape (k-fold: 3 rounds + a final one)."""
    marks = marks_needed(lib.workspace, "text")
    parts = splits(marks)
    steps = sum(math.ceil(sum(len(m.positives) for m in p.train) / est.BATCH) for p in parts)
    if len(parts) > 1:
        steps += math.ceil(sum(len(m.positives) for m in marks) / est.BATCH)
    measured = est.estimate(lib.workspace, "text", 1).measured
    copy = est.INT8_COPY_SECONDS if encoder == INT8 else 0.0
    rounds = len(parts) + (1 if len(parts) > 1 else 0)
    return est.SETUP_SECONDS + rounds * round_s + steps / steps_per_s + measured * len(parts) / passages_per_s + copy


def test_k_fold_estimate_uses_the_last_runs_speeds(library: Library, notes: Path, own_records: Path) -> None:
    lib = marked(library, notes, 4)  # fewer than 8 searches: k-fold, measured with PyTorch
    record_run(lib, "text", TORCH, steps_per_s=0.5, passages_per_s=10.0)
    record_encoder_check(lib, {TORCH: 99.0, INT8: 500.0})  # a run's own figure comes first
    slow = est.estimate(lib.workspace, "text", 1)
    assert slow.rates.training_from == slow.rates.measuring_from == rates.MEASURED
    assert slow.rates.passages_per_second == pytest.approx(10.0)
    assert slow.rates.round_seconds == pytest.approx(20.0)
    assert slow.seconds == pytest.approx(expected_seconds(lib, 0.5, 10.0, TORCH, 20.0))
    assert "estimate from speeds measured on this computer" in slow.sentence()
    record_run(lib, "text", TORCH, steps_per_s=5.0, passages_per_s=100.0, round_s=2.0)  # a faster computer
    fast = est.estimate(lib.workspace, "text", 1)
    assert fast.seconds == pytest.approx(expected_seconds(lib, 5.0, 100.0, TORCH, 2.0))
    assert fast.seconds < slow.seconds


def test_before_any_run_measuring_uses_the_encoder_check(library: Library, notes: Path, own_records: Path) -> None:
    lib = marked(library, notes, 9)  # 8 or more: one held-out split over the whole library, in int8
    record_encoder_check(lib, {TORCH: 23.3, INT8: 78.8})
    first = est.estimate(lib.workspace, "text", 1)
    assert first.measured == len(TOPICS)  # the whole library
    assert first.rates.measuring_from == rates.ENCODER_CHECK
    assert first.rates.passages_per_second == pytest.approx(78.8)  # the encoder that measures: int8
    assert first.rates.training_from == rates.ASSUMED
    assert first.rates.steps_per_second == rates.FALLBACK_STEPS_PER_SECOND
    assert first.seconds == pytest.approx(expected_seconds(lib, rates.FALLBACK_STEPS_PER_SECOND, 78.8, INT8,
                                                           rates.FALLBACK_ROUND_SECONDS))
    assert "rough estimate: training speed not measured" in first.sentence()


def test_nothing_measured_falls_back_to_the_stated_constants(library: Library, notes: Path,
                                                             own_records: Path) -> None:
    lib = marked(library, notes, 4)
    guess = est.estimate(lib.workspace, "text", 1)
    assert guess.rates == rates.Rates(rates.FALLBACK_STEPS_PER_SECOND, rates.FALLBACK_ROUND_SECONDS,
                                      rates.FALLBACK_PASSAGES_PER_SECOND, rates.ASSUMED, rates.ASSUMED)
    assert "rough estimate: nothing measured on this computer yet" in guess.sentence()
    # Another CPU's figures are not this one's: the record is keyed by CPU model and flags.
    record_run(lib, "text", TORCH, steps_per_s=5.0, passages_per_s=100.0)
    assert est.estimate(lib.workspace, "text", 1).rates.measured
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(choice, "cpu_fingerprint", lambda: ("Other CPU", "0123456789abcdef"))
        assert not est.estimate(lib.workspace, "text", 1).rates.measured


def fake_training(steps: int, start_up: float, step: float) -> Job[str]:
    time.sleep(start_up)  # the trainer's set-up
    for done in range(1, steps + 1):
        time.sleep(step)
        yield TrainProgress("training", done, steps, loss=1.0 / done)
    return "model"


def fake_measuring(passages: int) -> Job[str]:
    yield Progress("measuring", passages, passages)
    return "space"


def test_a_run_records_its_speeds_and_keeps_what_it_did_not_measure(own_records: Path) -> None:
    source = "/models/some-model"
    clock = rates.RunClock()
    seen = []
    job = clock.training(fake_training(7, start_up=0.3, step=0.02))
    while True:
        try:
            seen.append(next(job))
        except StopIteration as stop:
            assert stop.value == "model"
            break
    assert len(seen) == 7 and clock.steps == 7 and clock.rounds == 1  # progress passed on untouched
    # Steps timed between the first and the last; the set-up is the round's start-up, not slow steps.
    assert 1 / clock.steps_per_second() == pytest.approx(0.02, abs=0.015)
    assert clock.round_seconds() == pytest.approx(0.3, abs=0.03)
    assert list(clock.measuring(fake_measuring(400), 400)) and clock.passages == 400
    clock.save("text", source, TORCH)
    first = rates.rates_for("text", source, TORCH)
    assert first.training_from == first.measuring_from == rates.MEASURED
    assert first.steps_per_second == pytest.approx(clock.steps_per_second())
    assert first.round_seconds == pytest.approx(clock.round_seconds())
    assert first.passages_per_second == pytest.approx(400 / clock.measure_seconds)
    # A photo run or a run that measured too little does not overwrite the documents' measuring figure.
    later = rates.RunClock()
    later.rounds, later.steps, later.train_seconds = 1, 10, 2.0
    later.passages, later.measure_seconds = 5, 1.0
    later.save("text", source, TORCH)
    second = rates.rates_for("text", source, TORCH)
    assert second.steps_per_second == pytest.approx(5.0)
    assert second.passages_per_second == pytest.approx(first.passages_per_second)
    assert rates.rates_for("text", source, INT8).measuring_from == rates.ASSUMED  # int8 never measured here
    assert rates.rates_for("image", source, None).training_from == rates.ASSUMED
