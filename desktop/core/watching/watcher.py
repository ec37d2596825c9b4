"""Watching every folder of a library: the system's change notices where they work, a cheap
periodic scan where they do not, all feeding one change buffer.

`watchdog` gives inotify on Linux (FSEvents, ReadDirectoryChangesW elsewhere). A folder it
cannot cover (the system's limit of watched folders is reached, a network file system, a
removable drive, a folder not there) is said so in `coverage()` and scanned every
`watch_poll_seconds` instead. Events inside the library's own data folder are ignored (the
catalog's own writes would otherwise wake the watcher forever), and so is whatever a scan
would skip (hidden files such as an editor's swap file, exclude patterns, unknown kinds).
This object only listens; the indexing of a batch is the caller's (see `loop.run_watch`).
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import threading
import time
from typing import Any

from sqlalchemy import select
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)

from desktop.core.catalog import Folder
from desktop.core.common.records import FolderWatch
from desktop.core.ingest.kinds import kind_of
from desktop.core.ingest.scan import skipped_by_walk
from desktop.core.watching.buffer import ChangeBuffer, ChangeSet
from desktop.core.watching.coverage import unwatchable_reason
from desktop.core.watching.poller import Snapshot, differences, snapshot
from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)

# Opened / closed-without-writing events and a folder's "modified" (any child changed) are noise.
EVENTS = [FileCreatedEvent, FileModifiedEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
          DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
NOT_FOUND = "the folder is not there (is the drive connected?)"
TICK_SECONDS = 2.0  # how often watched folders are checked for still being there
WATCHDOG_LOG = "watchdog.observers.inotify_c"
OVERFLOW_MESSAGE = "Inotify queue overflowed; filesystem events were lost"  # watchdog 7's wording


def os_reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the system's limit of watched folders is reached (raise fs.inotify.max_user_watches)"
    if error.errno == errno.EMFILE:
        return "the system's limit of change-notice users is reached (fs.inotify.max_user_instances)"
    if error.errno == errno.ENOENT:
        return NOT_FOUND
    return f"change notices are not available here ({(error.strerror or str(error)).lower()})"


class FolderWatcher:
    def __init__(self, ws: Workspace, *, settle: float = 0.5, max_hold: float = 30.0) -> None:
        self.ws = ws
        self.buffer = ChangeBuffer(settle, max_hold)
        self._data_dir = str(ws.path)
        self._lock = threading.RLock()
        self._roots: list[str] = []
        self._watches: dict[str, Any] = {}  # folder -> watchdog ObservedWatch
        self._polled: dict[str, Snapshot | None] = {}  # folder -> its last scan round
        self._reasons: dict[str, str] = {}
        self._due: dict[str, float] = {}  # folder -> when its next scan round is due
        self._settings: dict[str, Any] = {}
        self._observer: Any = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._handler = _Handler(self)
        self._overflow = _Overflow(self)

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        from watchdog.observers import Observer

        logging.getLogger(WATCHDOG_LOG).addHandler(self._overflow)
        self._observer = Observer()
        self._observer.daemon = True
        self._observer.start()
        self.sync_folders()
        self._thread = threading.Thread(target=self._poll_loop, name="semdesk-watch-poll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        logging.getLogger(WATCHDOG_LOG).removeHandler(self._overflow)
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FolderWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what is watched ---------------------------------------------------------------------

    def sync_folders(self) -> None:
        """Follow the library's folder list (a folder added or removed since the last call)."""
        with self.ws.catalog.session() as session:
            folders = [f.path for f in session.scalars(select(Folder).order_by(Folder.path))]
        settings = self.ws.settings.all()
        with self._lock:
            self._settings = settings
            self._roots = folders
            for path in [p for p in (*self._watches, *self._polled) if p not in folders]:
                self._forget(path)
            for path in folders:
                if path not in self._watches and path not in self._polled:
                    self._cover(path)

    def _cover(self, path: str) -> None:
        reason: str | None
        if self._settings["watch_polling"]:
            reason = "set to be checked by scanning (watch_polling)"
        elif not os.path.isdir(path):
            reason = NOT_FOUND
        else:
            reason = unwatchable_reason(path)
        if reason is None and self._observer is not None:
            try:
                self._watches[path] = self._observer.schedule(self._handler, path, recursive=True, event_filter=EVENTS)
                self._reasons.pop(path, None)
                return
            except OSError as error:
                reason = os_reason(error)
                log.warning("cannot watch %s: %s", path, error)
        self._reasons[path] = reason or "not watched"
        self._polled[path] = self._snapshot(path)
        self._due[path] = time.monotonic() + float(self._settings["watch_poll_seconds"])

    def _forget(self, path: str) -> None:
        watch = self._watches.pop(path, None)
        if watch is not None and self._observer is not None:
            with contextlib.suppress(KeyError, OSError):  # its folder went away and took the watch with it
                self._observer.unschedule(watch)
        self._polled.pop(path, None)
        self._reasons.pop(path, None)

    def coverage(self) -> tuple[FolderWatch, ...]:
        with self._lock:
            every = self._settings.get("watch_poll_seconds", 60)
            return tuple(
                FolderWatch(path, True) if path in self._watches
                else FolderWatch(path, False, f"Not watched: {self._reasons.get(path, '')}; checked every {every} s.")
                for path in self._roots
            )

    def pending(self) -> int:
        return self.buffer.pending()

    def take(self, timeout: float) -> ChangeSet | None:
        return self.buffer.take(timeout)

    def put_back(self, changes: ChangeSet) -> None:
        self.buffer.put_back(changes)

    # -- hearing -----------------------------------------------------------------------------

    def wanted(self, path: str, is_dir: bool) -> bool:
        """Whether a scan would look at this path (so a change there may matter)."""
        if path == self._data_dir or path.startswith(self._data_dir + os.sep):
            return False
        with self._lock:
            root = next((r for r in self._roots if path == r or path.startswith(r.rstrip(os.sep) + os.sep)), None)
            settings = self._settings
        if root is None or path == root:
            return False
        if skipped_by_walk(root, path, exclude=settings["exclude"], include_hidden=settings["include_hidden"]):
            return False
        return is_dir or kind_of(os.path.basename(path)) is not None

    def heard(self, event: FileSystemEvent) -> None:
        src = os.fsdecode(event.src_path)
        if isinstance(event, FileMovedEvent | DirMovedEvent):
            dest = os.fsdecode(event.dest_path)
            src_ok, dest_ok = self.wanted(src, event.is_directory), self.wanted(dest, event.is_directory)
            if src_ok and dest_ok:
                self.buffer.move(src, dest)
            elif src_ok or dest_ok:
                self.buffer.touch(src if src_ok else dest)  # moved out of sight, or into it
        elif self.wanted(src, event.is_directory):
            self.buffer.touch(src)

    def events_lost(self) -> None:
        """The kernel's event queue overflowed: every watched folder is looked at again (the indexer
        walks it and reads only what changed), since we cannot know what was missed."""
        with self._lock:
            roots = list(self._watches)
        for root in roots:
            self.buffer.touch(root)

    # -- the periodic scan -------------------------------------------------------------------

    def _snapshot(self, root: str) -> Snapshot | None:
        s = self._settings
        return snapshot(root, exclude=s["exclude"], include_hidden=s["include_hidden"],
                        follow_symlinks=s["follow_symlinks"], skip_dirs=[self._data_dir])

    def _poll_loop(self) -> None:
        while not self._stop.wait(min(TICK_SECONDS, float(self._settings.get("watch_poll_seconds", 60)))):
            try:
                self._poll_round(time.monotonic())
            except Exception:  # a scan that fails must not end the watching of the other folders
                log.exception("periodic folder scan failed")

    def _poll_round(self, now: float) -> None:
        with self._lock:
            every = float(self._settings["watch_poll_seconds"])
            for path in [p for p in self._watches if not os.path.isdir(p)]:
                self._forget(path)  # unplugged or deleted: its watch is gone; scan for its return
                self._reasons[path] = NOT_FOUND
                self._polled[path] = None
            polled = list(self._polled)
        for path in polled:
            if now < self._due.get(path, 0.0):
                continue
            self._due[path] = now + every
            after = self._snapshot(path)
            with self._lock:
                if path not in self._polled:
                    continue  # removed from the library meanwhile
                before = self._polled[path]
                self._polled[path] = after
                came_back = before is None and after is not None and self._reasons.get(path) == NOT_FOUND
            for changed in differences(path, before, after):
                self.buffer.touch(changed)
            if came_back and not self._settings["watch_polling"]:
                with self._lock:  # back again: listen to it rather than scan it, if we can
                    self._polled.pop(path, None)
                    self._cover(path)


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self.watcher.heard(event)
        except Exception:  # an odd path must not stop the observer thread
            log.exception("could not take in %r", event)


class _Overflow(logging.Handler):
    """watchdog says that inotify dropped events only in its log (it re-adds its watches itself)."""

    def __init__(self, watcher: FolderWatcher) -> None:
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == OVERFLOW_MESSAGE:
            self.watcher.events_lost()
