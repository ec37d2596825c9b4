"""Keeps the library's status (folders, counts, skipped files, photo model) fresh on screen.

One read at a time: a refresh asked for while one runs is done once it ends. While a job
writes to the library the status is read every 1.5 s, so folder counts move as it indexes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop.core.common.records import IndexSummary, LibraryStatus
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi

TICK_MS = 1500


def tr(text: str) -> str:
    return QCoreApplication.translate("StatusWatcher", text)


def plural(n: int, one: str, many: str) -> str:
    """`one` (a whole phrase for 1) or `many` with {count} filled in after translation."""
    return tr(one) if n == 1 else tr(many).format(count=f"{n:,}")


class StatusWatcher(QObject):
    changed = Signal(object)  # LibraryStatus of the library on screen
    failed = Signal(object)  # exception

    def __init__(self, workers: Workers, library: Callable[[], LibraryApi | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.library = library
        self.last: LibraryStatus | None = None
        self._pending = False
        self._again = False
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.refresh)

    def refresh(self) -> None:
        library = self.library()
        if library is None:
            return
        if self._pending:
            self._again = True
            return
        self._pending = True
        self.workers.submit(self.workers.catalog, library.status, done=self._status, failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        self._pending = False
        self.failed.emit(error)

    def _status(self, status: LibraryStatus) -> None:
        self._pending = False
        if self._again:
            self._again = False
            self.refresh()
        library = self.library()
        if library is None or str(library.path) != status.path:
            return  # an answer about a library that was closed meanwhile
        self.last = status
        self.changed.emit(status)

    def tick(self, on: bool) -> None:
        """Read the status every few seconds (on) while a job changes the library."""
        if on:
            self.timer.start()
        else:
            self.timer.stop()


def counts_text(status: LibraryStatus) -> str:
    kinds = status.kinds
    return " · ".join([plural(kinds.get("text", 0), "1 document", "{count} documents"),
                       plural(kinds.get("image", 0), "1 photo", "{count} photos"),
                       plural(status.chunks, "1 passage", "{count} passages")])


def summary_text(s: IndexSummary) -> str:
    if s.cancelled:
        return plural(s.indexed, "Indexing stopped after 1 file; the rest continues at the next re-scan.",
                      "Indexing stopped after {count} files; the rest continues at the next re-scan.")
    parts = [plural(s.indexed, "Indexed 1 file", "Indexed {count} files")]
    if s.unchanged:
        parts.append(tr("{count} unchanged").format(count=f"{s.unchanged:,}"))
    if s.skipped:
        parts.append(tr("{count} skipped").format(count=f"{s.skipped:,}"))
    if s.waiting_model:
        parts.append(plural(s.waiting_model, "1 photo waiting for the photo model",
                            "{count} photos waiting for the photo model"))
    if s.removed:
        parts.append(tr("{count} gone from disk").format(count=f"{s.removed:,}"))
    return tr("{parts} ({seconds} s).").format(parts=" · ".join(parts), seconds=f"{s.seconds:.0f}")


def removed_text(count: int) -> str:
    return plural(count, "Removed 1 file from the library.", "Removed {count} files from the library.")
