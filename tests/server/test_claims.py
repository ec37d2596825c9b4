"""Writers share a server library file by file (server/lock.py): a file another desktop has claimed is
left to it while it holds it, and taken once it lets go without indexing it; a file it indexed
meanwhile is not indexed again; the OCR phase leaves a picture another desktop is reading."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.core.catalog import FileRecord
from desktop.core.common.errors import LibraryBusy
from desktop.core.indexing.changes import save_indexes
from desktop.core.library import Library
from desktop.core.server.lock import ServerWriteLock
from tests.conftest import index
from tests.core.test_ocr_data import SENTENCES, needs_font, save_picture, text_picture
from tests.corpus import write_documents

HOLD = 1.5  # seconds the other desktop keeps its claim


def _ids(lib: Library) -> dict[str, int]:
    with lib.workspace.catalog.session() as session:
        return {Path(p).name: i for p, i in session.execute(select(FileRecord.path, FileRecord.id))}


def test_a_file_another_writer_holds_is_waited_for_and_taken_if_left(server_url: str, tmp_path: Path) -> None:
    docs = write_documents(tmp_path / "docs", ["bicycle.txt", "bread.md", "taxes.rst"])
    with Library.open(server_url) as lib:
        index(lib, tmp_path / "docs")
        docs["bicycle.txt"].write_text("Notes on fixing a puncture in a tubeless tyre, and truing a wheel.\n")
        other = ServerWriteLock(lib.workspace.catalog)  # another desktop, mid-batch on that file
        other.acquire("indexing", shared=True)
        assert other.claim([_ids(lib)["bicycle.txt"]])

        def let_go_without_indexing() -> None:
            time.sleep(HOLD)
            other.release()  # as if it died: its claims go with its connection

        threading.Thread(target=let_go_without_indexing).start()
        started = time.monotonic()
        summary = index(lib)
        assert time.monotonic() - started >= HOLD  # it waited for the holder, not past it
        assert summary.indexed == 1 and lib.search_documents("tubeless tyre puncture")[0].path == str(
            docs["bicycle.txt"])


def test_a_file_another_writer_indexed_meanwhile_is_not_indexed_again(server_url: str, tmp_path: Path) -> None:
    docs = write_documents(tmp_path / "docs", ["bicycle.txt", "bread.md"])
    with Library.open(server_url) as lib, Library.open(server_url) as other:  # two desktops
        index(lib, tmp_path / "docs")
        docs["bread.md"].write_text("Sourdough starter: feed it flour and water every day.\n")
        other.workspace.write_lock.acquire("indexing", shared=True)
        assert other.workspace.write_lock.claim([_ids(lib)["bread.md"]])  # it is about to read the file
        theirs: list[int] = []

        def index_it_then_let_go() -> None:
            time.sleep(HOLD)  # this desktop has planned by now, and found the file held
            theirs.append(index(other).indexed)  # re-enters its lock and claim, commits, lets go
            other.workspace.write_lock.release()

        worker = threading.Thread(target=index_it_then_let_go)
        worker.start()
        mine = index(lib).indexed
        worker.join()
        assert (mine, theirs) == (0, [1])  # indexed once, by the desktop that held it
        assert lib.search_documents("sourdough starter flour")[0].path == str(docs["bread.md"])


def test_indexers_share_the_writer_lock_and_other_writers_have_it_alone(server_url: str) -> None:
    with Library.open(server_url) as lib:
        catalog = lib.workspace.catalog
        first, second, alone = (ServerWriteLock(catalog) for _ in range(3))
        first.acquire("indexing", shared=True)
        second.acquire("indexing", shared=True, wait_seconds=0)  # two desktops index at once
        with pytest.raises(LibraryBusy, match=r"indexing on .* is writing"):
            alone.acquire("removing", wait_seconds=0)
        first.release()
        second.release()
        alone.acquire("removing", wait_seconds=0)
        with pytest.raises(LibraryBusy, match="removing on"):
            first.acquire("indexing", shared=True, wait_seconds=0)
        alone.release()


@needs_font
def test_ocr_leaves_a_picture_another_writer_holds(server_url: str, tmp_path: Path,
                                                   tiny_clip: tuple[Path, Path]) -> None:
    save_picture(text_picture([SENTENCES[0]], size=24), tmp_path / "shots" / "screenshot.png")
    with Library.open(server_url) as lib:
        lib.set_setting("clip_model", str(tiny_clip[0]))
        lib.set_setting("clip_weights", str(tiny_clip[1]))
        lib.set_setting("clip_openvino", False)
        lib.set_setting("ocr", "off")
        index(lib, tmp_path / "shots")  # the photo is searchable by CLIP, nothing read yet
        lib.set_setting("ocr", "all")
        other = ServerWriteLock(lib.workspace.catalog)  # another desktop, reading the picture right now
        other.acquire("indexing", shared=True)
        assert other.claim([_ids(lib)["screenshot.png"]])
        assert index(lib).text_in_pictures == 0  # left to the desktop that holds it
        other.release()
        assert index(lib).text_in_pictures == 1


def test_a_watcher_saving_indexes_does_not_wait_for_another_desktops_indexing(server_url: str) -> None:
    with Library.open(server_url) as lib:
        indexer = ServerWriteLock(lib.workspace.catalog)
        indexer.acquire("indexing", shared=True)
        saver = threading.Thread(target=save_indexes, args=(lib.workspace,))
        saver.start()
        saver.join(timeout=10)
        done = not saver.is_alive()
        indexer.release()
        saver.join()
        assert done
