"""Watched folders in the window: the library's folders are watched while it is open.

The core's FolderWatcher listens (its own threads); this object takes each settled batch on a
timer and indexes it on the `writes` pool, the window's one writer, so a batch never runs
beside the window's own indexing and the UI thread never waits. On opening a library it first
catches up (the incremental scan) with what changed while the window was closed. When another
process holds the library's write lock, the batch goes back into the buffer and is tried again
a little later. It says "Up to date" / "n changes pending" / "Indexing…" / "n to index", and which
folders are not watched: "Up to date" only when it is (not while the window indexes, nor beside
files a cancelled run left to index).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from desktop.core.common.errors import LibraryBusy, describe
from desktop.core.common.jobs import CancelToken, run_job
from desktop.core.common.records import ChangeSet, FolderWatch
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import FolderWatching, Watching

TICK_MS = 300
# Settings that change what is watched or how: a change restarts the watching.
WATCH_SETTINGS = ("watch_folders", "watch_polling", "watch_poll_seconds", "exclude", "include_hidden",
                  "follow_symlinks")
RETRY_SECONDS = 2.0  # a library busy in another process is asked again this often
SAVE_AFTER_IDLE = 60.0  # search-index caches are written once changes pause this long


def tr(text: str) -> str:
    return QCoreApplication.translate("LibraryWatch", text)


def widest_text() -> str:
    """The status label keeps this width, so the bar does not jump."""
    return pending_text(99_999)


def pending_text(pending: int, *, indexing: bool = False, unindexed: int = 0) -> str:
    """pending: watched changes not applied yet; indexing: the window's own job runs; unindexed: files
    the catalog still has to index (a cancelled run leaves them)."""
    if pending == 1:
        return tr("1 change pending")
    if pending:
        return tr("{count} changes pending").format(count=f"{pending:,}")
    if indexing:
        return tr("Indexing…")
    if unindexed:
        return tr("{count} to index").format(count=f"{unindexed:,}")
    return tr("Up to date")


class LibraryWatch(QObject):
    state_changed = Signal(str)  # the status-bar text
    notes_changed = Signal(object)  # {folder path: why it is not watched}
    library_changed = Signal()  # a batch (or the catch-up) changed what search finds
    problem = Signal(str)  # a sentence, when indexing changes failed for another reason than a busy library

    def __init__(self, workers: Workers, library: Callable[[], Watching | None], busy: Callable[[], bool],
                 parent: QObject | None = None, *, unindexed: Callable[[], int] = lambda: 0) -> None:
        super().__init__(parent)
        self.workers, self.library, self.busy, self.unindexed = workers, library, busy, unindexed
        self.watcher: FolderWatching | None = None
        self.catching_up = False
        self.applying: ChangeSet | None = None  # the change set being indexed
        self._token = CancelToken()
        self._retry_at = 0.0
        self._unsaved_since: float | None = None
        self._text = ""
        self._settings: tuple[str, ...] | None = None
        self._generation = 0  # which start() a watcher that has just started belongs to
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self.tick)

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Watch the library on screen (if its watch_folders setting is on)."""
        self.stop()
        library = self.library()
        self._settings = None if library is None else self._watch_settings(library)
        if library is None or not library.get_setting("watch_folders"):
            self._show("")
            return
        self._token = CancelToken()
        self._generation += 1
        generation = self._generation
        watcher = library.watcher()
        self.catching_up = True
        self._show(self.tr("Catching up…"))

        def begin() -> list[FolderWatch]:
            watcher.start()  # schedules a watch per folder: may take a moment on a big tree
            return list(watcher.coverage())

        def started(coverage: list[FolderWatch]) -> None:
            if self.library() is not library or generation != self._generation:
                watcher.stop()  # another library was opened, or watching restarted, meanwhile
                return
            self.watcher = watcher
            self._notes(coverage)
            self.timer.start()
            self._catch_up(library)

        self.workers.submit(self.workers.catalog, begin, done=started,
                            failed=lambda error: self._failed_to_start(watcher, error))

    def stop(self) -> None:
        self._generation += 1
        self.timer.stop()
        self._token.cancel()
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None
        self.applying = None
        self.catching_up = False

    def settings_saved(self) -> None:
        """The Settings dialog saved: start again if what is watched, or how, has changed."""
        library = self.library()
        if library is not None and self._watch_settings(library) != self._settings:
            self.start()

    @staticmethod
    def _watch_settings(library: Watching) -> tuple[str, ...]:
        settings = library.settings()
        return tuple(str(settings.get(key)) for key in WATCH_SETTINGS)

    def folders_changed(self) -> None:
        """A folder was added or removed: watch the library's folders as they are now."""
        watcher = self.watcher
        if watcher is None:
            return

        def sync() -> list[FolderWatch]:
            watcher.sync_folders()
            return list(watcher.coverage())

        self.workers.submit(self.workers.catalog, sync, done=self._notes)

    @property
    def pending(self) -> int:
        if self.watcher is None:
            return 0
        return self.watcher.pending() + (len(self.applying) if self.applying is not None else 0)

    def _state(self) -> str:
        return pending_text(self.pending, indexing=self.busy(), unindexed=self.unindexed())

    # -- the work ----------------------------------------------------------------------------

    def _catch_up(self, library: Watching) -> None:
        if not library.folders():
            self.catching_up = False
            self._show(self._state())
            return
        token = self._token
        self.workers.submit(self.workers.writes, lambda: run_job(library.index(None, cancel=token)),
                            done=lambda _summary: self._caught_up(), failed=self._catch_up_failed)

    def _caught_up(self) -> None:
        self.catching_up = False
        self.library_changed.emit()
        self.tick()

    def _catch_up_failed(self, error: BaseException) -> None:
        library = self.library()
        if isinstance(error, LibraryBusy) and library is not None and self.watcher is not None:
            QTimer.singleShot(int(RETRY_SECONDS * 1000), lambda: self._catch_up(library))
            self._show(self.tr("Waiting: another program is writing to the library"))
            return
        self.catching_up = False
        if not self._token.cancelled:
            self.problem.emit(describe(error, "while catching up with changes"))

    def tick(self) -> None:
        watcher, library = self.watcher, self.library()
        if watcher is None or library is None:
            return
        if self.catching_up or self.applying is not None:
            self._show(self.tr("Catching up…") if self.catching_up else self._state())
            return
        if self.busy() or time.monotonic() < self._retry_at:
            self._show(self._state())  # the window's own job runs first; changes wait
            return
        changes = watcher.take(timeout=0)
        if changes is None:
            self._show(self._state())
            if self._unsaved_since is not None and time.monotonic() - self._unsaved_since > SAVE_AFTER_IDLE:
                self._unsaved_since = None
                self.workers.submit(self.workers.writes, library.save_indexes, failed=lambda _e: None)
            return
        self.applying = changes
        self._show(self._state())
        token = self._token
        self.workers.submit(self.workers.writes, lambda: run_job(library.apply_changes(changes, token)),
                            done=lambda _summary: self._applied(),
                            failed=lambda error: self._apply_failed(changes, error))

    def _applied(self) -> None:
        self.applying = None
        self._unsaved_since = self._unsaved_since or time.monotonic()
        self.library_changed.emit()
        self.tick()

    def _apply_failed(self, changes: ChangeSet, error: BaseException) -> None:
        self.applying = None
        if self.watcher is None:
            return
        self.watcher.put_back(changes)  # nothing is dropped: tried again later
        self._retry_at = time.monotonic() + (RETRY_SECONDS if isinstance(error, LibraryBusy) else 30.0)
        if not isinstance(error, LibraryBusy):
            self.problem.emit(describe(error, "while indexing changed files"))
        self.tick()

    def _failed_to_start(self, watcher: FolderWatching, error: BaseException) -> None:
        watcher.stop()
        self.catching_up = False
        self._show(self.tr("Not watching folders"))
        self.problem.emit(describe(error, "while starting to watch the folders"))

    # -- showing -----------------------------------------------------------------------------

    def _notes(self, coverage: list[FolderWatch]) -> None:
        self.notes_changed.emit({c.path: c.reason for c in coverage if not c.watched})

    def _show(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self.state_changed.emit(text)
