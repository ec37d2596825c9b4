"""Running core calls off the UI thread.

Every call that may touch a model, the disk or the catalog runs as a `Task` on a
`QThreadPool`; its result or exception comes back to the UI thread through queued
signals. Three pools keep the kinds of work from starving each other:

* `reads`  - one thread: warm-up, search, similar (everything that needs a model). One thread
  because queries are short and the encoders are not worth sharing between threads;
  a stale query still queued is skipped (see SearchController).
* `catalog` - one thread: status, previews' text, marks. Catalog reads only, so the
  sidebar fills at once even while the first query waits for the models to load.
* `writes` - one thread: indexing and removing. The core allows one writer per library.
* `thumbs` - a few threads decoding thumbnails, so scrolling a photo grid never waits
  behind a query.

Long jobs a window runs for minutes (a map layout, training, re-embedding) get a one-thread
pool of their own from `own_pool`, owned by that window: they must not hold up searches or
indexing, and closing the window waits for its job alone. Every pool is made here
(tests/test_architecture_ports.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal


class TaskSignals(QObject):
    done = Signal(object)
    failed = Signal(object)  # the exception, traceback attached
    progress = Signal(object)


class Task(QRunnable):
    """fn(*args) on a pool thread; with `wants_progress`, fn gets a `report` callable first."""

    def __init__(self, fn: Callable[..., Any], *args: Any, wants_progress: bool = False) -> None:
        super().__init__()
        self.fn = fn
        self.args = args
        self.wants_progress = wants_progress
        self.signals = TaskSignals()
        self.setAutoDelete(False)  # Python keeps the object alive (Workers._live) until it reports

    def run(self) -> None:
        try:
            result = self.fn(self.signals.progress.emit, *self.args) if self.wants_progress else self.fn(*self.args)
        except BaseException as error:  # everything goes back to the UI thread to be explained
            self.signals.failed.emit(error)
            return
        self.signals.done.emit(result)


class Workers(QObject):
    """The application's thread pools and the tasks still in flight."""

    def __init__(self, parent: QObject | None = None, *, thumb_threads: int = 2) -> None:
        super().__init__(parent)
        self.reads = QThreadPool(self)
        self.reads.setMaxThreadCount(1)
        self.catalog = QThreadPool(self)
        self.catalog.setMaxThreadCount(1)
        self.writes = QThreadPool(self)
        self.writes.setMaxThreadCount(1)
        self.thumbs = QThreadPool(self)
        self.thumbs.setMaxThreadCount(thumb_threads)
        self._live: set[Task] = set()

    def own_pool(self, owner: QObject) -> QThreadPool:
        """A one-thread pool for `owner`'s long jobs, deleted with it (see the module's note)."""
        pool = QThreadPool(owner)
        pool.setMaxThreadCount(1)
        return pool

    def submit(
        self,
        pool: QThreadPool,
        fn: Callable[..., Any],
        *args: Any,
        done: Callable[[Any], None] | None = None,
        failed: Callable[[BaseException], None] | None = None,
        progress: Callable[[Any], None] | None = None,
    ) -> Task:
        task = Task(fn, *args, wants_progress=progress is not None)
        self._live.add(task)
        # Connected to bound methods of QObjects living on the UI thread, so delivery is queued.
        task.signals.done.connect(lambda result: self._finish(task, done, result))
        task.signals.failed.connect(lambda error: self._finish(task, failed, error))
        if progress is not None:
            task.signals.progress.connect(progress)
        pool.start(task)
        return task

    def _finish(self, task: Task, callback: Callable[[Any], None] | None, value: Any) -> None:
        self._live.discard(task)
        if callback is not None:
            callback(value)

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every pool is idle (closing the window or switching libraries)."""
        deadline = time.monotonic() + msecs / 1000
        ok = True
        for pool in (self.writes, self.reads, self.catalog, self.thumbs):
            pool.clear()  # queued work that has not started is dropped
            remaining = max(0, int((deadline - time.monotonic()) * 1000))
            ok = pool.waitForDone(remaining) and ok
        return ok


class Throttle:
    """Pass on at most one progress report per interval (plus every phase change).

    Used inside worker threads: the core may yield hundreds of Progress records a second
    while scanning, and a label does not need to be repainted that often.
    """

    def __init__(self, report: Callable[[Any], None], interval: float = 0.08) -> None:
        self.report = report
        self.interval = interval
        self._last = 0.0
        self._phase: str | None = None

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        phase = getattr(progress, "phase", None)
        if phase != self._phase or now - self._last >= self.interval:
            self._phase, self._last = phase, now
            self.report(progress)
