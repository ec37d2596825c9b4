"""What the commands print besides their answers: JSON, and a progress line on stderr while a
core job runs (Ctrl-C cancels it)."""

from __future__ import annotations

import json
import sys
import time
from types import TracebackType
from typing import Any, TypeVar

from desktop.core.common.jobs import CancelToken, Job, Progress, run_job

T = TypeVar("T")


def print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=True))


class ProgressLine:
    """One self-overwriting line on a terminal; plain lines every few seconds otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if self.tty:
            sys.stderr.write("\r\x1b[K" + progress.describe()[:160])
            sys.stderr.flush()
        elif now - self.last > 5:
            print(progress.describe(), file=sys.stderr)
            self.last = now

    def finish(self) -> None:
        if self.tty:
            sys.stderr.write("\r\x1b[K")


class ShownJobs:
    """Core jobs run to the end with one progress line, the one way every command runs them:

        with ShownJobs() as jobs:
            summary = jobs(library.index(paths, cancel=jobs.cancel))

    Ctrl-C sets `cancel` (a job still running stops at its next check) and goes on to main(),
    which says "stopped" and exits 130; the line is cleared however the block ends.
    """

    def __init__(self) -> None:
        self.cancel = CancelToken()
        self._show = ProgressLine()

    def __call__(self, job: Job[T]) -> T:
        return run_job(job, self._show)

    def __enter__(self) -> ShownJobs:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if kind is not None and issubclass(kind, KeyboardInterrupt):
            self.cancel.cancel()
        self._show.finish()
