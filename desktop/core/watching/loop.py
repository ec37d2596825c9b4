"""The watch loop: catch up once, then index each settled batch of changes until stopped.

Used by `semdesk watch` (and any headless caller); the window drives the same steps from its
own worker instead. The library's one-writer lock is respected: when another process is
writing, the batch waits in the buffer and is tried again, never dropped, never a crash.
What the loop must do with a batch comes from the facade (`apply`, `catch_up`, `save`), so
this room needs no other capability.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from desktop.core.common.errors import LibraryBusy, describe
from desktop.core.common.jobs import CancelToken, Job, Progress, run_job
from desktop.core.common.records import IndexSummary, WatchReport
from desktop.core.watching.buffer import ChangeSet
from desktop.core.watching.watcher import FolderWatcher

log = logging.getLogger(__name__)

Apply = Callable[[ChangeSet, CancelToken], Job[IndexSummary]]
RETRY_SECONDS = 2.0  # a busy library is asked again this often
SAVE_AFTER_IDLE = 60.0  # the HNSW caches are written once changes have stopped for this long


def run_watch(
    watcher: FolderWatcher,
    apply: Apply,
    *,
    catch_up: Callable[[CancelToken], Job[IndexSummary]] | None,
    save: Callable[[], None],
    stop: CancelToken,
    report: Callable[[WatchReport], None],
    progress: Callable[[Progress], None] | None = None,
) -> None:
    """Until `stop` is cancelled. The watcher must be started (so nothing is missed while catching up)."""
    while catch_up is not None and not stop.cancelled:
        try:
            summary = run_job(catch_up(stop), progress)
        except LibraryBusy as busy:
            report(WatchReport("busy", message=str(busy)))
            _pause(stop, RETRY_SECONDS)
            continue
        if summary.cancelled:
            return  # stopped while catching up: the next start goes on from there
        report(WatchReport("caught up", summary=summary))
        break
    cover = watcher.coverage()
    report(WatchReport("watching", paths=tuple(w.path for w in cover),
                       message="\n".join(f"{w.path}: {w.reason}" for w in cover if not w.watched)))
    unsaved_since: float | None = None
    try:
        while not stop.cancelled:
            changes = watcher.take(timeout=0.5)
            if changes is None:
                if unsaved_since is not None and time.monotonic() - unsaved_since > SAVE_AFTER_IDLE:
                    unsaved_since = None if _save(save, report) else time.monotonic()
                continue
            try:
                summary = run_job(apply(changes, stop), progress)
            except LibraryBusy as busy:
                watcher.put_back(changes)
                report(WatchReport("busy", paths=tuple(changes.paths), message=str(busy)))
                _pause(stop, RETRY_SECONDS)
                continue
            except Exception as error:  # e.g. a full disk: keep the changes, say why, try later
                log.exception("indexing changes failed")
                watcher.put_back(changes)
                report(WatchReport("failed", paths=tuple(changes.paths),
                                   message=describe(error, "while indexing changes")))
                _pause(stop, 10 * RETRY_SECONDS)
                continue
            unsaved_since = unsaved_since or time.monotonic()
            if summary.cancelled:  # stopped mid-batch: the catalog keeps them pending for the next start
                report(WatchReport("stopped", paths=tuple(changes.paths), summary=summary,
                                   message=f"Stopped; {len(changes)} change{'s are' if len(changes) != 1 else ' is'} "
                                           "indexed at the next start."))
                break
            report(WatchReport("indexed", paths=tuple(changes.paths), summary=summary))
    finally:
        if unsaved_since is not None:
            _save(save, report)


def _save(save: Callable[[], None], report: Callable[[WatchReport], None]) -> bool:
    try:
        save()
    except LibraryBusy:
        return False  # the other writer saves its own; ours waits for the next quiet moment
    except Exception as error:
        report(WatchReport("failed", message=describe(error, "while saving the search index")))
        return False
    return True


def _pause(stop: CancelToken, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stop.cancelled and time.monotonic() < deadline:
        time.sleep(0.1)
