"""Two processes on one library: a CLI `index` and a GUI-like Library beside it.

One writer at a time (the other is told the library is busy, in plain words), searches
keep answering while the other process indexes, and nothing ends up damaged.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.common.errors import LibraryBusy
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.reliability.helpers import ROOT, env, python, write_corpus


def _indexed(lib_path: Path) -> int:
    try:
        with sqlite3.connect(lib_path / "catalog.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM files WHERE status = 'indexed'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_cli_index_beside_a_gui_library(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path / "docs", notes=60)
    total = len(list(docs.iterdir()))
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as gui:
        gui.set_setting("text_batch_size", 2)  # slow, many batches: the two overlap for a while
        run_job(gui.index([docs / "bread.md"]))  # something to find from the start
        cli = subprocess.Popen(
            [sys.executable, "-m", "desktop", "--library", str(lib_path), "index", str(docs)],
            env=env(), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            deadline = time.monotonic() + 120
            while _indexed(lib_path) < 2 and cli.poll() is None and time.monotonic() < deadline:
                time.sleep(0.1)
            # Far from done (dozens of batches left), so the CLI surely still holds the write lock below.
            assert cli.poll() is None and _indexed(lib_path) < total - 20, "the CLI got too far to overlap with"

            with pytest.raises(LibraryBusy) as busy:  # the GUI's Index button while the CLI writes
                run_job(gui.index([docs]))
            assert "busy" in str(busy.value) and "(indexing)" in str(busy.value) and "\n" not in str(busy.value)

            searches, seen = 0, set()
            while cli.poll() is None:  # the GUI keeps searching while the CLI indexes
                hits = gui.search_documents("minutes of the meeting about the budget", top=50)
                seen.add(len(hits))
                searches += 1
            _out, err = cli.communicate(timeout=60)
        finally:
            if cli.poll() is None:
                cli.kill()
        assert cli.returncode == 0, err
        assert searches > 3 and len(seen) > 1  # results grew while the other process indexed
        print(f"\n{searches} searches answered during the CLI index; result counts seen: {sorted(seen)}")

        assert gui.workspace.catalog.integrity_problems() == []
        assert run_job(gui.index([docs])).indexed == 0  # the lock is free again; nothing left to do
        status = gui.status()
        assert status.counts == {"indexed": total}
        assert gui.workspace.indexes.ready("text").count == status.chunks


def test_gui_writing_makes_the_cli_say_busy(tmp_path: Path) -> None:
    docs = write_corpus(tmp_path / "docs", notes=0)
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as gui:
        gui.workspace.write_lock.acquire("indexing")  # what the GUI's index worker holds while it runs
        try:
            result = python("-m", "desktop", "--library", str(lib_path), "index", str(docs))
        finally:
            gui.workspace.write_lock.release()
    assert result.returncode == 3 and result.stdout == ""  # 3: busy (desktop/cli/conventions.py)
    assert result.stderr.count("\n") == 1 and "The library is busy" in result.stderr
    assert "Searching still works" in result.stderr
