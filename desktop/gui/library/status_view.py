"""Puts the library's state on screen: its folders in the sidebar, the photo-model banner, the
counts and the running job in the status bar, and what a finished job did."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLabel

from desktop.core.common.records import IndexSummary, LibraryStatus
from desktop.gui.library.clip_banner import ClipBanner
from desktop.gui.library.indexer import Indexer, WriteJob
from desktop.gui.library.sidebar import Sidebar
from desktop.gui.library.status_watcher import StatusWatcher, counts_text, removed_text, summary_text


class JobDisplay(Protocol):
    """Where the running job shows (the status bar's progress and Cancel)."""

    def start(self, title: str) -> None: ...
    def finish(self) -> None: ...


class LibraryStatusView(QObject):
    message = Signal(str, int)  # a note for the status bar, and for how many ms
    error = Signal(object, str)  # exception, what was being done

    def __init__(self, sidebar: Sidebar, banner: ClipBanner, counts: QLabel, job: JobDisplay, indexer: Indexer,
                 status: StatusWatcher, can_download: Callable[[], bool], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.sidebar, self.banner, self.counts, self.job = sidebar, banner, counts, job
        self.indexer, self.status, self.can_download = indexer, status, can_download
        self.last: LibraryStatus | None = None
        indexer.queue_changed.connect(lambda _n: self.show_folders())

    def show_folders(self) -> None:
        """The sidebar from the last status and the indexer's queue (a queued folder shows at once)."""
        if self.last is not None:
            self.sidebar.set_folders(list(self.last.folders), self.indexer.folders_being_indexed(),
                                     self.indexer.waiting_folders())

    def show_status(self, status: LibraryStatus) -> None:
        self.last = status
        self.show_folders()
        self.sidebar.set_skipped(sum(1 for s in status.skipped if s.status == "skipped"))
        waiting = status.counts.get("waiting_model", 0)
        self.banner.show_problem(status.clip_problem, waiting, can_download=self.can_download())
        self.counts.setText(counts_text(status))

    def job_started(self, job: WriteJob) -> None:
        self.job.start(job.describe())
        self.status.tick(True)
        self.status.refresh()

    def job_finished(self, job: WriteJob, result: int | IndexSummary | None) -> None:
        self._job_ended()
        text = summary_text(result) if isinstance(result, IndexSummary) else removed_text(int(result or 0))
        self.message.emit(text, 10000)

    def job_failed(self, job: WriteJob, error: BaseException) -> None:
        self._job_ended()
        self.error.emit(error, f"while {job.describe().lower()}")

    def _job_ended(self) -> None:
        if not self.indexer.queue:
            self.job.finish()
            self.status.tick(False)
        self.status.refresh()
