"""Long work is a generator yielding Progress and checking a CancelToken between batches.

Tests iterate such generators directly; the GUI runs them on a worker thread and the
CLI prints them to stderr. Nothing here knows about threads or Qt.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import TypeVar

from desktop.core.common.errors import Cancelled

T = TypeVar("T")


@dataclass(frozen=True)
class Progress:
    phase: str  # short word: "scanning", "indexing", "saving", ...
    done: int = 0
    total: int = 0  # 0 when unknown
    message: str = ""
    rate: float = 0.0  # items per second
    eta_seconds: float | None = None

    @property
    def fraction(self) -> float | None:
        return None if self.total <= 0 else min(1.0, self.done / self.total)

    def describe(self) -> str:
        parts = [self.phase]
        if self.total:
            parts.append(f"{self.done}/{self.total}")
        elif self.done:
            parts.append(str(self.done))
        if self.rate:
            parts.append(f"{self.rate:.1f}/s")
        if self.eta_seconds is not None:
            parts.append(f"ETA {format_duration(self.eta_seconds)}")
        if self.message:
            parts.append(self.message)
        return "  ".join(parts)


def format_duration(seconds: float) -> str:
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class CancelToken:
    """Set from any thread; the job checks it between batches. It also carries a pause: a job calls
    `hold()` between items, which waits while the token is paused (and returns at once when cancelled)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._running = threading.Event()
        self._running.set()

    def cancel(self) -> None:
        self._event.set()
        self._running.set()  # a paused job wakes up to stop

    def pause(self) -> None:
        if not self._event.is_set():
            self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def hold(self) -> None:
        """Wait here while paused: the work in flight is finished, nothing new is started."""
        self._running.wait()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()


@dataclass
class RateMeter:
    """Items/s and ETA over the run so far (stable enough for a progress bar)."""

    total: int = 0
    started: float = field(default_factory=time.monotonic)

    def progress(self, phase: str, done: int, message: str = "") -> Progress:
        elapsed = max(1e-6, time.monotonic() - self.started)
        rate = done / elapsed if done else 0.0
        eta = (self.total - done) / rate if rate and self.total else None
        return Progress(phase, done, self.total, message, rate, eta)


Job = Generator[Progress, None, T]


def run_job(job: Job[T], on_progress: Callable[[Progress], None] | None = None) -> T:
    """Drive a job to the end, passing each Progress to `on_progress`; return its result."""
    while True:
        try:
            progress = next(job)
        except StopIteration as stop:
            return stop.value
        if on_progress is not None:
            on_progress(progress)
