"""The speeds a tuning run's time estimate is made from, measured on this computer.

Issue 13: the estimate used fixed rates, so on a slower or faster CPU it was wrong by the same
factor. Three figures matter: training steps per second, a round's start-up before its steps, and
passages per second while measuring (re-embedding passages with the trained model). Each run
times them and records them here, keyed like the encoder check (CPU model and flags, the model's
shape: encoder_choice.record_key), so the next estimate starts from them. Before any run,
measuring uses the encoder check's passages/s for the encoder that measures; training, having
nothing measured, uses deliberately slow constants and the wizard says the estimate is rough.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.common.jobs import Job
from desktop.core.common.locations import cache_root
from desktop.core.embed import encoder_choice

RATES_FILE = "tuning-rates.json"
# Used only when nothing was measured; on the slow side so the real run comes in under them.
# (all-MiniLM-L6-v2 at batch 16 on two loaded CPU cores: 1.9 s a step, 23 passages/s in PyTorch.)
FALLBACK_STEPS_PER_SECOND = 0.4
FALLBACK_PASSAGES_PER_SECOND = 20.0
FALLBACK_ROUND_SECONDS = 30.0  # a round's start before its first step (the trainer's set-up)
MEASURED, ENCODER_CHECK, ASSUMED = "measured in an earlier run", "measured by the encoder check", "assumed"


@dataclass(frozen=True)
class Rates:
    steps_per_second: float
    round_seconds: float  # each round's start-up besides its steps
    passages_per_second: float
    training_from: str  # MEASURED or ASSUMED
    measuring_from: str  # MEASURED, ENCODER_CHECK or ASSUMED

    @property
    def measured(self) -> bool:
        return ASSUMED not in (self.training_from, self.measuring_from)


def _path() -> Path:
    return cache_root() / RATES_FILE


def _read_all() -> dict[str, Any]:
    from desktop.core.common.atomic import read_json_records

    return read_json_records(_path())


def _key(target: str, source: str) -> str:
    return f"{target}:{encoder_choice.record_key(source)}"


def _positive(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and value > 0 else None


def rates_for(target: str, source: str, measuring_encoder: str | None) -> Rates:
    """The best figures there are for a run on `target` with model `source` on this computer;
    `measuring_encoder` is the encoder_choice name of what re-embeds passages (None: nothing is)."""
    record = _read_all().get(_key(target, source))
    record = record if isinstance(record, dict) else {}
    steps = _positive(record.get("steps_per_second"))
    start_up = record.get("round_seconds")
    start_up = float(start_up) if steps and isinstance(start_up, (int, float)) and start_up >= 0 else None
    measuring = record.get("measuring")
    passages = _positive(measuring.get(measuring_encoder)) if isinstance(measuring, dict) else None
    measuring_from = MEASURED if passages else ASSUMED
    if passages is None and measuring_encoder is not None:
        check = encoder_choice.read_record(source)
        figures = check.get("figures", []) if check else []
        passages = next((_positive(f.get("passages_per_second")) for f in figures
                         if isinstance(f, dict) and f.get("encoder") == measuring_encoder), None)
        measuring_from = ENCODER_CHECK if passages else ASSUMED
    if measuring_encoder is None:
        measuring_from = MEASURED  # nothing to measure: nothing assumed
    return Rates(steps or FALLBACK_STEPS_PER_SECOND, FALLBACK_ROUND_SECONDS if start_up is None else start_up,
                 passages or FALLBACK_PASSAGES_PER_SECOND, MEASURED if steps else ASSUMED, measuring_from)


class RunClock:
    """Times a run's training and measuring; `save` records the rates for next time.

    A round's training is a fixed start (the trainer's set-up, its first step's warm-up) and then
    steps: the step rate comes from the time between the first and the last step, the rest of each
    round is its start-up, so a run of one step per round is not estimated as a run of long steps."""

    def __init__(self) -> None:
        self.rounds, self.steps, self.train_seconds = 0, 0, 0.0
        self.timed_steps, self.step_seconds = 0, 0.0  # steps after each round's first, and their time
        self.passages, self.measure_seconds = 0, 0.0

    def training(self, job: Job[Any]) -> Job[Any]:
        """Pass `job` through, counting the steps it reports (its last `done`) and their times."""
        started, done = time.monotonic(), 0
        first = last = 0.0
        while True:
            try:
                progress = next(job)
            except StopIteration as stop:
                self.rounds += 1
                self.steps += done
                self.train_seconds += time.monotonic() - started
                if done >= 2 and last > first:
                    self.timed_steps += done - 1
                    self.step_seconds += last - first
                return stop.value
            if progress.phase == "training" and progress.total and progress.done > done:
                done, last = progress.done, time.monotonic()
                first = first or last
            yield progress

    def steps_per_second(self) -> float | None:
        if self.timed_steps and self.step_seconds > 0:
            return self.timed_steps / self.step_seconds
        return self.steps / self.train_seconds if self.steps and self.train_seconds > 0 else None

    def round_seconds(self) -> float | None:
        """A round's time besides its steps: the trainer's start-up."""
        rate = self.steps_per_second()
        if not self.rounds or rate is None:
            return None
        return max(0.0, (self.train_seconds - self.steps / rate) / self.rounds)

    def measuring(self, job: Job[Any], passages: int) -> Job[Any]:
        started = time.monotonic()
        value = yield from job
        self.passages += passages
        self.measure_seconds += time.monotonic() - started
        return value

    def save(self, target: str, source: str, measuring_encoder: str | None) -> None:
        """Record what this run measured (a figure it did not measure keeps its earlier value)."""
        from desktop.core.common.atomic import write_text_atomically

        records = _read_all()
        record = records.get(_key(target, source))
        record = record if isinstance(record, dict) else {}
        rate, start_up = self.steps_per_second(), self.round_seconds()
        if rate is not None and start_up is not None:
            record["steps_per_second"], record["round_seconds"] = rate, start_up
        if measuring_encoder and self.passages >= 50 and self.measure_seconds > 0:  # a handful says little
            measuring = record.get("measuring")
            measuring = measuring if isinstance(measuring, dict) else {}
            measuring[measuring_encoder] = self.passages / self.measure_seconds
            record["measuring"] = measuring
        record["cpu"], record["at"] = encoder_choice.cpu_fingerprint()[0], time.strftime("%Y-%m-%d %H:%M:%S")
        records[_key(target, source)] = record
        path = _path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_text_atomically(path, json.dumps(records, indent=1), durable=False)
        except OSError:  # the estimate is a courtesy: a read-only cache must not fail a finished run
            pass


__all__ = ["ASSUMED", "ENCODER_CHECK", "MEASURED", "Rates", "RunClock", "rates_for"]
