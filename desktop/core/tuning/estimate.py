"""How long a tuning run will take, said before it starts (issue 13: a run announced nothing and
took half an hour). A rough figure from the run's shape: examples, rounds, passages to measure.

The rates are this machine class's order of magnitude (all-MiniLM-L6-v2 on two CPU cores), so the
figure is given as a range in words, never as a promise.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from desktop.core.catalog import Chunk, FileRecord, FileStatus
from desktop.core.tuning.evaluate import POOL
from desktop.core.tuning.examples import splits
from desktop.core.tuning.rounds import marks_needed
from desktop.core.workspace import Workspace

TRAIN_SECONDS_PER_EXAMPLE = 0.12  # one example, one pass, forward and backward
EMBED_PASSAGES_PER_SECOND = 120.0  # measuring: passages embedded by a candidate model
SETUP_SECONDS = 15.0  # loading the model, reading marks, saving


@dataclass(frozen=True)
class Estimate:
    seconds: float
    rounds: int
    examples: int
    measured: int  # passages (or photos) embedded per round to measure it

    def sentence(self) -> str:
        low, high = self.seconds * 0.6, self.seconds * 1.8
        rounds = f"{self.rounds} rounds" if self.rounds != 1 else "one round"
        measured = f", each measured on {self.measured:,} passages" if self.measured else ""
        return (f"Expected to take {_duration(low)}–{_duration(high)}: {rounds} of training on {self.examples} "
                f"examples{measured}.")


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(10, round(seconds / 10) * 10):.0f} s"
    return f"{round(seconds / 60):.0f} min"


def estimate(ws: Workspace, target: str, epochs: int) -> Estimate:
    marks = marks_needed(ws, target)
    parts = splits(marks) if marks else []
    rounds = len(parts) + (1 if len(parts) > 1 else 0)  # k-fold adds a final round on every mark
    examples = sum(len(m.positives) * max(1, len(m.negatives)) for m in marks)
    if target == "text":
        with ws.catalog.session() as session:
            passages = session.scalar(
                select(func.count()).select_from(Chunk).join(FileRecord, FileRecord.id == Chunk.file_id)
                .where(FileRecord.status == FileStatus.INDEXED)) or 0
        tests = max((len(p.test) for p in parts), default=0)
        # One held-out split measures the whole library (its vectors serve Keep); k-fold rounds
        # measure only each held-out query's nearest passages (evaluate.candidate_pool).
        measured = passages if len(parts) <= 1 else min(passages, tests * POOL + 2 * tests)
        measuring = measured * len(parts) / EMBED_PASSAGES_PER_SECOND
    else:
        measured, measuring = 0, 0.0  # photo vectors stay; only the queries are embedded again
    training = rounds * examples * epochs * TRAIN_SECONDS_PER_EXAMPLE
    return Estimate(SETUP_SECONDS + training + measuring, max(1, rounds), examples, measured)
