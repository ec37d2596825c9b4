"""The GUI's single writer: indexing and removing folders, one job at a time, in order.

Drops that arrive while a job runs are queued (and merged), so a user can drag three
folders in a row without being told to wait. Searches are not affected: they only read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop.core.common.jobs import CancelToken, Progress, run_job
from desktop.core.common.records import IndexSummary
from desktop.gui.common.workers import Throttle, Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import Indexing


@dataclass(frozen=True)
class WriteJob:
    action: str  # "index", "remove" or "rebuild" (re-index after a catalog rebuild, then restore marks)
    paths: tuple[Path, ...] = ()  # index: () means "re-scan every folder"

    def describe(self) -> str:
        def tr(text: str) -> str:
            return QCoreApplication.translate("Indexer", text)

        if self.action == "remove":
            return tr("Removing {name}").format(name=self.paths[0].name)
        if self.action == "rebuild":
            return tr("Rebuilding the library")
        if not self.paths:
            return tr("Re-scanning all folders")
        names = ", ".join(p.name or str(p) for p in self.paths[:3]) + ("…" if len(self.paths) > 3 else "")
        return tr("Indexing {names}").format(names=names)


class Indexer(QObject):
    started = Signal(object)  # WriteJob
    progress = Signal(object)  # Progress
    finished = Signal(object, object)  # WriteJob, IndexSummary | int (files removed)
    failed = Signal(object, object)  # WriteJob, exception
    queue_changed = Signal(int)

    def __init__(self, workers: Workers, library: Callable[[], Indexing | None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.library = library
        self.queue: list[WriteJob] = []
        self.current: WriteJob | None = None
        self.token: CancelToken | None = None

    @property
    def running(self) -> bool:
        return self.current is not None

    def folders_being_indexed(self) -> set[str] | None:
        """The folders the running job indexes: None for all of them, an empty set for none."""
        job = self.current
        if job is None or job.action != "index":
            return set()
        return None if not job.paths else {str(p) for p in job.paths}

    def waiting_folders(self) -> list[str]:
        """Folders added by the user that wait in the queue or are being indexed now, in order: the
        sidebar shows them at once, before the job has written a row for them."""
        jobs = ([self.current] if self.current is not None else []) + self.queue
        return list(dict.fromkeys(str(p) for job in jobs if job.action == "index" for p in job.paths))

    def add(self, paths: list[Path]) -> None:
        paths = [Path(p) for p in paths]
        # Merge with a queued index job so several drops become one run.
        for i, job in enumerate(self.queue):
            if job.action == "index" and job.paths:
                merged = tuple(dict.fromkeys([*job.paths, *paths]))
                self.queue[i] = WriteJob("index", merged)
                break
        else:
            self.queue.append(WriteJob("index", tuple(paths)))
        self._next()

    def rescan(self) -> None:
        if not any(job == WriteJob("index") for job in self.queue):
            self.queue.append(WriteJob("index"))
        self._next()

    def rebuild(self) -> None:
        """Finish a catalog rebuild (desktop.core.recovery.rebuild): index every folder, tie the marks back."""
        self.queue.insert(0, WriteJob("rebuild"))
        self._next()

    def remove(self, path: Path) -> None:
        self.queue.append(WriteJob("remove", (Path(path),)))
        self._next()

    def cancel(self) -> None:
        """Stop the running job between batches and forget the queued ones."""
        self.queue.clear()
        self.queue_changed.emit(0)
        if self.token is not None:
            self.token.cancel()

    def pause(self, paused: bool) -> None:
        """Hold the running job between items (the photo or batch in flight is finished), or let it go on."""
        if self.token is not None:
            (self.token.pause if paused else self.token.resume)()

    def _next(self) -> None:
        self.queue_changed.emit(len(self.queue))
        if self.current is not None or not self.queue:
            return
        library = self.library()
        if library is None:
            return
        job = self.queue.pop(0)
        self.current = job
        self.token = token = CancelToken()
        self.started.emit(job)

        if job.action == "remove":
            def work(report: Callable[[Progress], None]) -> int | IndexSummary:
                report(Progress("removing", message=str(job.paths[0])))
                return library.remove(job.paths[0])
        elif job.action == "rebuild":
            def work(report: Callable[[Progress], None]) -> int | IndexSummary:
                return run_job(library.finish_rebuild(token), Throttle(report))
        else:
            def work(report: Callable[[Progress], None]) -> int | IndexSummary:
                paths = list(job.paths) or None
                return run_job(library.index(paths, cancel=token), Throttle(report))

        self.workers.submit(
            self.workers.writes, work,
            progress=self.progress.emit,
            done=lambda result: self._end(job, result, None),
            failed=lambda error: self._end(job, None, error),
        )

    def _end(self, job: WriteJob, result: int | IndexSummary | None, error: BaseException | None) -> None:
        self.current, self.token = None, None
        if error is not None:
            self.failed.emit(job, error)
        else:
            self.finished.emit(job, result)
        self._next()
