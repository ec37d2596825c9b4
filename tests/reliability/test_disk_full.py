"""A full disk while saving: one plain error line, and what was saved before stays intact."""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event

from desktop.cli import main as cli_main
from desktop.core.common import atomic as marks_module  # marks.jsonl is written by common.atomic
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.core.vectors import hnsw_index as vector_store
from tests.corpus import write_documents, write_photos


def _no_space(*_args: object, **_kwargs: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_marks_export_on_a_full_disk(library: Library, tmp_path: Path, monkeypatch, capsys) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    run_job(library.index([docs]))
    library.mark("bake bread", docs / "bread.md", True)
    before = (library.path / "marks.jsonl").read_bytes()
    library.close()

    monkeypatch.setattr(marks_module.os, "fsync", _no_space)
    code = cli_main(["--library", str(library.path), "mark", "grow tomatoes", str(docs / "garden.txt"), "--relevant"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "no space left on device" in err and "marks.jsonl" in err
    assert (library.path / "marks.jsonl").read_bytes() == before  # the previous copy, whole
    assert not list(library.path.glob(".marks-*"))  # no temp file left behind
    monkeypatch.undo()
    with Library.open(library.path) as lib:
        assert sorted(m.query for m in lib.marks()) == ["bake bread", "grow tomatoes"]  # both in the catalog


def test_thumbnail_on_a_full_disk(clip_library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_photos(tmp_path / "photos", 2)
    real_write = Path.write_bytes

    def full_for_thumbs(self: Path, data: bytes) -> int:
        if "thumbs" in self.parts:
            _no_space()
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_for_thumbs)
    summary = run_job(clip_library.index([tmp_path / "photos"]))
    assert summary.indexed == 2 and summary.skipped == 0  # a cache failing costs no photo
    assert all(h.thumbnail is None for h in clip_library.search_photos("red"))
    assert not [p for p in (clip_library.path / "thumbs").rglob("*") if p.is_file()]
    monkeypatch.undo()
    run_job(clip_library.index())  # space again: the thumbnails are made
    assert all(h.thumbnail for h in clip_library.search_photos("red"))


def test_catalog_commit_on_a_full_disk(library: Library, tmp_path: Path) -> None:
    """SQLite's own SQLITE_FULL, from a page limit: the batch rolls back, earlier batches stay."""
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md"])
    run_job(library.index([docs]))
    for i in range(8):
        (docs / f"long{i:02d}.txt").write_text(f"Long report {i}. " + "Words about many things. " * 100)

    pages = sqlite3.connect(library.path / "catalog.sqlite").execute("PRAGMA page_count").fetchone()[0]

    def limit(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages + 8}")

    event.listen(library.workspace.catalog.engine, "connect", limit)
    library.workspace.catalog.engine.dispose()  # new connections get the limit
    with pytest.raises(SemdeskError, match="The disk is full") as full:
        run_job(library.index([docs]))
    assert "\n" not in str(full.value)

    event.remove(library.workspace.catalog.engine, "connect", limit)
    library.workspace.catalog.engine.dispose()
    assert library.workspace.catalog.integrity_problems() == []
    assert library.search_documents("sourdough")[0].path.endswith("bread.md")  # earlier work intact
    states = library.status().counts
    assert states.get("pending", 0) > 0  # the failed batch is still to do, not half-stored
    summary = run_job(library.index([docs]))
    assert library.status().counts == {"indexed": 9} and summary.indexed == states["pending"]


def test_index_save_on_a_full_disk(library: Library, tmp_path: Path, monkeypatch, capsys) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    library.close()
    monkeypatch.setattr(vector_store, "write_atomically", _no_space)
    code = cli_main(["--library", str(library.path), "index", str(docs)])
    captured = capsys.readouterr()
    assert code == 1 and captured.err.splitlines()[-1].startswith("semdesk: The disk is full, so semdesk stopped")
    monkeypatch.undo()
    with Library.open(library.path) as lib:  # the catalog has the work; the cache is rebuilt from it
        assert lib.status().counts == {"indexed": 2}
        assert lib.search_documents("tomatoes")[0].path.endswith("garden.txt")
        assert lib.workspace.indexes.get("text").last_load == "rebuilt"
