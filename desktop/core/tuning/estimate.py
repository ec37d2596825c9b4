"""How long a tuning run will take, said before it starts (issue 13: a run announced nothing and
took half an hour). The run's shape (rounds, training steps, passages to measure) times the
speeds measured on this computer (rates.py): training steps/s from the last run, passages/s from
the last run or else the encoder check. The figure is a range in words, never a promise, and says
when a speed was assumed because nothing was measured yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import func, select

from desktop.core.catalog import Chunk, FileRecord, FileStatus
from desktop.core.embed.encoder_choice import INT8, TORCH
from desktop.core.tuning.evaluate import POOL
from desktop.core.tuning.examples import QueryMarks, example_count, kept_training, splits
from desktop.core.tuning.rates import Rates, rates_for
from desktop.core.tuning.report import examples_words
from desktop.core.tuning.rounds import marks_needed
from desktop.core.tuning.text_train import model_source
from desktop.core.workspace import Workspace

SETUP_SECONDS = 15.0  # reading marks and vectors, saving
BATCH = 16  # the trainer's batch (job.DEFAULTS); a step trains this many examples
INT8_COPY_SECONDS = 15.0  # measuring in int8 first makes the trained model's int8 copy


@dataclass(frozen=True)
class Estimate:
    seconds: float
    rounds: int
    examples: int  # right results marked on the searches the kept model learns from (examples.kept_training)
    measured: int  # passages embedded per round to measure it
    rates: Rates  # the speeds it was worked out with, and where they came from
    searches: int = 0  # the marked searches it learns from
    held_out: int = 0  # marked searches kept back to test it (one held-out split)

    def sentence(self) -> str:
        low, high = self.seconds * 0.6, self.seconds * 1.8
        rounds = f"{self.rounds} rounds" if self.rounds != 1 else "one round"
        measured = f"; each round is measured on {self.measured:,} passages" if self.measured else ""
        if self.rates.measured:
            basis = "an estimate from speeds measured on this computer"
        elif self.rates.training_from == self.rates.measuring_from:
            basis = "a rough estimate: nothing measured on this computer yet"
        else:
            basis = "a rough estimate: training speed not measured on this computer yet"
        held = (f"; {self.held_out} other marked {'searches are' if self.held_out != 1 else 'search is'} held "
                f"back to test it" if self.held_out else "")
        return (f"Expected to take {_duration(low)}–{_duration(high)} ({basis}): {rounds} of training on "
                f"{examples_words(self.examples, self.searches)}{held}{measured}.")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(10, round(seconds / 10) * 10):.0f} s"
    return f"{round(seconds / 60):.0f} min"


def _steps(marks: list[QueryMarks] | tuple[QueryMarks, ...], epochs: int) -> int:
    examples = example_count(marks)
    return math.ceil(examples / BATCH) * epochs if examples else 0


def estimate(ws: Workspace, target: str, epochs: int) -> Estimate:
    marks = marks_needed(ws, target)
    parts = splits(marks) if marks else []
    k_fold = len(parts) > 1
    rounds = len(parts) + (1 if k_fold else 0)  # k-fold adds a final round on every mark
    steps = sum(_steps(p.train, epochs) for p in parts) + (_steps(marks, epochs) if k_fold else 0)
    if target == "text":
        with ws.catalog.session() as session:
            passages = session.scalar(
                select(func.count()).select_from(Chunk).join(FileRecord, FileRecord.id == Chunk.file_id)
                .where(FileRecord.status == FileStatus.INDEXED)) or 0
        tests = max((len(p.test) for p in parts), default=0)
        # One held-out split measures the whole library (its vectors serve Keep), in int8 when the
        # library runs in int8; k-fold rounds measure only each held-out query's nearest passages
        # (evaluate.candidate_pool) with the model as trained (PyTorch). Mirrors text_job.tune_text.
        measured = passages if not k_fold else min(passages, tests * POOL + 2 * tests)
        encoder = INT8 if not k_fold and parts and ws.versions.text_int8_enabled() else TORCH
        rates = rates_for("text", model_source(ws.versions.active_text_model()[0]), encoder)
        measuring = measured * len(parts) / rates.passages_per_second + (INT8_COPY_SECONDS if encoder == INT8 else 0)
    else:  # photo vectors stay; only the queries are embedded again
        measured, measuring = 0, 0.0
        rates = rates_for("image", ws.settings.get("clip_model"), None)
    training = max(1, rounds) * rates.round_seconds + steps / rates.steps_per_second
    kept = kept_training(marks)
    return Estimate(SETUP_SECONDS + training + measuring, max(1, rounds), example_count(kept), measured, rates,
                    searches=len(kept), held_out=len(marks) - len(kept))
