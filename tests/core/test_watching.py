"""Watched folders with a real watcher on a real temp folder: new, changed, deleted, renamed and
copied-in files reach the library in seconds; a killed watcher loses nothing; a folder that
change notices cannot cover is scanned instead. Every wait polls with a deadline."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord
from desktop.core.common.jobs import CancelToken
from desktop.core.common.records import WatchReport
from desktop.core.library import Library
from desktop.core.workspace.lock import WriteLock
from tests.conftest import index

TEXTS = {
    "plumber.txt": "The plumber fixed the leaking kitchen sink and sent a receipt for the new copper pipes.",
    "garden.txt": "Tomatoes and courgettes grow best in the sunny corner of the vegetable garden.",
}


def wait_for(condition: Callable[[], object], timeout: float = 5.0, what: str = "") -> float:
    """Seconds it took for `condition` to hold; fails after `timeout`."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"not within {timeout} s: {what}")
        time.sleep(0.05)
    return time.monotonic() - start


@dataclass
class Watching:
    lib: Library
    docs: Path
    reports: list[WatchReport] = field(default_factory=list)

    def batches(self) -> list[WatchReport]:
        return [r for r in list(self.reports) if r.kind == "indexed"]

    def batches_with(self, path: Path) -> list[WatchReport]:
        """The batches the watcher has said it indexed with `path` in them. The catalog commits inside
        the batch and the report follows it, so a row seen in the catalog can be ahead of its report."""
        return [r for r in self.batches() if str(path) in r.paths]

    def found(self, query: str, name: str) -> bool:
        """`name` is the best answer to `query`, and its passage says so (not just any of few files)."""
        hits = self.lib.search_documents(query, top=5)
        word = query.split()[0].lower()
        return bool(hits) and Path(hits[0].path).name == name and word in hits[0].snippet.lower()

    def listed(self, query: str, name: str) -> bool:
        return any(Path(h.path).name == name for h in self.lib.search_documents(query, top=5))

    def row(self, path: Path) -> tuple[int, list[int], list[bytes], float | None] | None:
        with self.lib.workspace.catalog.session() as session:
            record = session.scalar(select(FileRecord).where(FileRecord.path == str(path)))
            if record is None:
                return None
            chunks = list(session.scalars(select(Chunk.id).where(Chunk.file_id == record.id).order_by(Chunk.id)))
            vectors = list(session.scalars(select(ChunkVector.vector).where(ChunkVector.chunk_id.in_(chunks))
                                           .order_by(ChunkVector.chunk_id)))
            return record.id, chunks, vectors, record.indexed_at


def start_watching(lib: Library, docs: Path, settle: float = 0.3) -> tuple[Watching, Callable[[], None]]:
    w = Watching(lib, docs)
    stop = CancelToken()
    thread = threading.Thread(target=lib.watch, args=(stop, w.reports.append), kwargs={"settle": settle}, daemon=True)
    thread.start()
    wait_for(lambda: any(r.kind == "watching" for r in w.reports), 30, "the watcher to start")

    def end() -> None:
        stop.cancel()
        thread.join(10)
        assert not thread.is_alive()

    return w, end


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in TEXTS.items():
        (folder / name).write_text(text)
    return folder


@pytest.fixture
def watching(library: Library, docs: Path) -> Iterator[Watching]:
    index(library, docs)
    library.search_documents("warm up")  # the query model loads before any timing starts
    w, end = start_watching(library, docs)
    yield w
    end()


def test_a_new_file_is_searchable_and_a_deleted_one_gone_within_five_seconds(watching: Watching) -> None:
    new = watching.docs / "cake.txt"
    new.write_text("A recipe for lemon drizzle cake with fresh lemons, butter and sugar.")
    took = wait_for(lambda: watching.found("lemon cake recipe", "cake.txt"), 5, "the new file in search")
    print(f"written -> searchable in {took:.2f} s")
    new.unlink()
    wait_for(lambda: not watching.listed("lemon cake recipe", "cake.txt") and watching.row(new) is None, 5,
             "the deleted file out of search")
    assert watching.row(watching.docs / "plumber.txt") is not None  # nothing else went with it


def test_an_edited_file_is_indexed_again_once(watching: Watching) -> None:
    target = watching.docs / "garden.txt"
    before = watching.row(target)
    # An editor's save: write a hidden temporary file, then rename it over the document.
    temp = watching.docs / ".goutputstream-X1Y2"
    temp.write_text("The bicycle chain needs oil and the brakes need new pads before winter.")
    os.replace(temp, target)
    wait_for(lambda: watching.found("bicycle brakes", "garden.txt") and watching.batches_with(target), 5,
             "the edited text in search")
    after = watching.row(target)
    assert before is not None and after is not None
    assert after[0] == before[0] and after[1] != before[1]  # same file row, new passages
    changes = watching.batches_with(target)
    assert len(changes) == 1 and changes[0].summary is not None and changes[0].summary.indexed == 1
    assert all(str(temp) not in r.paths for r in watching.reports)  # the hidden temp file was never a change


def test_a_renamed_file_and_a_moved_folder_keep_their_vectors(watching: Watching) -> None:
    old, new = watching.docs / "plumber.txt", watching.docs / "receipts" / "plumber-2024.txt"
    before = watching.row(old)
    assert before is not None
    new.parent.mkdir()
    os.rename(old, new)
    # Settled, not the moment the new path is first recorded (a scan records it before the
    # content-hash match re-points the old row onto it).
    wait_for(lambda: watching.row(old) is None and bool((watching.row(new) or (0, []))[1])
             and watching.batches_with(new), 5, "the row to follow the rename")
    after = watching.row(new)
    assert after == before  # same id, same chunk ids, the same vector bytes, not indexed again
    assert watching.row(old) is None
    moved = watching.batches_with(new)[-1].summary
    assert moved is not None and moved.moved == 1 and moved.indexed == 0
    assert watching.found("plumber receipt copper pipes", "plumber-2024.txt")

    # A whole folder moved: every file in it follows, nothing is embedded again.
    count = len(watching.batches())
    os.rename(watching.docs / "receipts", watching.docs / "paid")
    moved_to = watching.docs / "paid" / "plumber-2024.txt"
    wait_for(lambda: watching.row(moved_to) is not None and watching.batches_with(moved_to), 5,
             "the rows to follow the folder")
    assert watching.row(moved_to) == before
    assert all(r.summary is not None and r.summary.indexed == 0 for r in watching.batches()[count:])


def test_a_thousand_files_copied_in_at_once_are_one_batch(library: Library, docs: Path, tmp_path: Path) -> None:
    index(library, docs)
    outside = tmp_path / "outside" / "notes"
    outside.mkdir(parents=True)
    for i in range(1000):
        (outside / f"note{i:04}.txt").write_text(f"Note {i}: meeting about invoice number {i * 7}.")
    w, end = start_watching(library, docs, settle=1.0)  # a copy stalled by a busy machine is still one
    try:
        shutil.copytree(outside, docs / "notes")
        wait_for(lambda: sum(r.summary.indexed for r in w.batches() if r.summary) >= 1000, 120,
                 "the 1000 copied files to be indexed")
        batches = w.batches()
        assert len(batches) == 1, [len(b.paths) for b in batches]
        assert batches[0].summary is not None and batches[0].summary.indexed == 1000
        assert library.status().counts.get("indexed") == 1002
    finally:
        end()


def test_a_busy_library_makes_the_watcher_wait_not_fail(watching: Watching) -> None:
    other = WriteLock(watching.lib.workspace.paths.write_lock)  # what another semdesk process holds
    other.acquire("indexing")
    try:
        (watching.docs / "waiting.txt").write_text("A postcard from the seaside with a lighthouse on it.")
        wait_for(lambda: any(r.kind == "busy" for r in watching.reports), 10, "the watcher to say it waits")
        assert watching.row(watching.docs / "waiting.txt") is None
    finally:
        other.release()
    wait_for(lambda: watching.found("seaside lighthouse postcard", "waiting.txt"), 10, "the change after the wait")
    assert not any(r.kind == "failed" for r in watching.reports)


def test_nothing_is_lost_when_semdesk_watch_is_killed_with_changes_pending(library: Library, docs: Path) -> None:
    index(library, docs)
    command = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())",
               "--library", str(library.path), "watch"]
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    names = [f"late{i}.txt" for i in range(5)]
    other = WriteLock(library.workspace.paths.write_lock)
    try:
        assert watcher.stdout is not None
        lines: list[str] = []

        def read_until(prefix: str) -> None:
            while not any(line.startswith(prefix) for line in lines):
                line = watcher.stdout.readline()  # type: ignore[union-attr]
                assert line, f"semdesk watch ended early: {lines}"
                lines.append(line)

        read_until("Watching")
        other.acquire("indexing")  # another writer: the watcher must hold the changes, pending
        for i, name in enumerate(names):
            (docs / name).write_text(f"Late note {i}: the dentist appointment moved to Thursday.")
        read_until("Waiting")  # it heard them and could not write them yet
        os.kill(watcher.pid, signal.SIGKILL)
        watcher.wait(10)
    finally:
        other.release()
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == -signal.SIGKILL
    assert all(Path(p).name not in names for p in _indexed(library))  # they really were pending
    w, end = start_watching(library, docs)  # the next start catches up
    try:
        caught = next(r for r in w.reports if r.kind == "caught up")
        assert caught.summary is not None and caught.summary.indexed == len(names)
        assert set(names) <= {Path(p).name for p in _indexed(library)}
    finally:
        end()


def _indexed(library: Library) -> list[str]:
    with library.workspace.catalog.session() as session:
        return list(session.scalars(select(FileRecord.path).where(FileRecord.status == "indexed")))


def test_a_file_moved_to_another_library_folder_keeps_its_vectors(library: Library, docs: Path,
                                                                   tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    archive.mkdir()
    index(library, docs, archive)
    w, end = start_watching(library, docs)
    try:
        before = w.row(docs / "garden.txt")
        os.rename(docs / "garden.txt", archive / "garden.txt")
        # Two folders are two watches: the move may come as a deletion and a creation, and the content
        # hash then ties the new path to the old row (as a full scan would).
        wait_for(lambda: (w.row(archive / "garden.txt") or (0, []))[1], 5, "the row to follow to the other folder")
        assert w.row(archive / "garden.txt") == before
        assert all(r.summary is not None and r.summary.indexed == 0 for r in w.batches())
        hits = library.search_documents("tomatoes garden", top=1, filters=None)
        assert hits and hits[0].path == str(archive / "garden.txt") and hits[0].folder == str(archive)
    finally:
        end()


def test_folders_the_watcher_cannot_cover_are_scanned_instead(library: Library, docs: Path) -> None:
    index(library, docs)
    library.set_setting("watch_polling", True)  # what a user sets for a file system without notices
    library.set_setting("watch_poll_seconds", 1)
    w, end = start_watching(library, docs)
    try:
        watcher_view = next(r for r in w.reports if r.kind == "watching")
        assert "watch_polling" in watcher_view.message
        (docs / "polled.txt").write_text("The violin lesson is on Saturday morning at ten.")
        wait_for(lambda: w.found("violin lesson", "polled.txt"), 5, "the scan to find the new file")
        (docs / "garden.txt").unlink()
        wait_for(lambda: w.row(docs / "garden.txt") is None, 5, "the scan to notice the deletion")
    finally:
        end()


def test_an_unplugged_folder_is_kept_scanned_for_and_watched_again_when_back(library: Library, docs: Path) -> None:
    index(library, docs)
    library.set_setting("watch_poll_seconds", 1)
    away = docs.with_name("docs-unplugged")
    docs.rename(away)  # the drive is unplugged: the watcher cannot schedule a folder that is not there
    watcher = library.watcher(settle=0.3)
    watcher.start()
    try:
        (cover,) = watcher.coverage()
        assert not cover.watched and "not there" in cover.reason
        assert library.status().counts.get("indexed") == 2  # an unplugged drive is no deletion
        away.rename(docs)
        (docs / "back.txt").write_text("The drive is back with the holiday itinerary for Lisbon.")
        changes = watcher.take(timeout=5)
        assert changes is not None and str(docs) in changes.touched  # the whole folder is looked at once
        wait_for(lambda: watcher.coverage()[0].watched, 5, "change notices to take over again")
    finally:
        watcher.stop()
    from desktop.core.common.jobs import run_job

    summary = run_job(library.apply_changes(changes))
    assert summary.indexed == 1 and summary.removed == 0


def test_watcher_stops_quickly_and_says_why_a_folder_is_not_watched(library: Library, docs: Path) -> None:
    index(library, docs)
    watcher = library.watcher()
    watcher.start()
    try:
        assert [c.watched for c in watcher.coverage()] == [True]
        library.remove(docs)
        watcher.sync_folders()
        assert watcher.coverage() == ()
    finally:
        started = time.monotonic()
        watcher.stop()
        assert time.monotonic() - started < 5



def test_semdesk_watch_says_when_there_is_nothing_to_watch(library: Library, capsys: pytest.CaptureFixture) -> None:
    from desktop.cli import main

    assert main(["--library", str(library.path), "watch"]) == 1
    assert "no folders to watch" in capsys.readouterr().err


def test_lost_events_make_the_watcher_look_at_its_folders_again(library: Library, docs: Path) -> None:
    import logging

    from desktop.core.watching.watcher import OVERFLOW_MESSAGE, WATCHDOG_LOG

    index(library, docs)
    watcher = library.watcher(settle=0.1)
    watcher.start()
    try:
        # What watchdog logs when the kernel's inotify queue overflowed (it says so nowhere else).
        logging.getLogger(WATCHDOG_LOG).warning(OVERFLOW_MESSAGE)
        changes = watcher.take(timeout=3)
        assert changes is not None and changes.touched == {str(docs)}
    finally:
        watcher.stop()


def test_the_library_inside_a_watched_folder_does_not_wake_the_watcher(tmp_path: Path, docs: Path) -> None:
    lib = Library.open(docs / "semdesk-library")  # its catalog writes happen inside the watched folder
    try:
        index(lib, docs)
        w, end = start_watching(lib, docs)
        try:
            (docs / "one.txt").write_text("One change: the car insurance renewal is due in March.")
            wait_for(lambda: w.batches(), 5, "the change")
            time.sleep(1.5)  # its own writes (catalog, WAL) must not become changes, batch after batch
            assert len(w.batches()) == 1 and w.batches()[0].paths == (str(docs / "one.txt"),)
        finally:
            end()
    finally:
        lib.close()


def test_semdesk_watch_stops_cleanly_on_sigterm(library: Library, docs: Path) -> None:
    index(library, docs)
    command = [sys.executable, "-c", "import sys; from desktop.cli import main; sys.exit(main())",
               "--library", str(library.path), "watch"]
    watcher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               cwd=Path(__file__).resolve().parents[2])
    try:
        assert watcher.stdout is not None
        lines: list[str] = []
        while not any(line.startswith("Watching") for line in lines):
            line = watcher.stdout.readline()
            assert line, f"semdesk watch ended early: {lines}"
            lines.append(line)
        watcher.send_signal(signal.SIGTERM)  # what `kill` or a service manager sends
        out, _ = watcher.communicate(timeout=30)
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0 and "Stopped watching." in out
    assert not library.workspace.write_lock.held
