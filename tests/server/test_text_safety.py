"""Text PostgreSQL refuses (NUL, lone surrogates) is made storable on the way in, for every writer and
every query, one character for one (server/text_safety.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select, text

from desktop.core.catalog import Chunk, FileRecord, Folder
from desktop.core.library import Library
from desktop.core.server.text_safety import storable
from tests.conftest import index
from tests.corpus import write_documents


def test_storable_keeps_length_and_leaves_clean_text_alone() -> None:
    clean = "crème brûlée, plain"
    assert storable(clean) is clean
    assert storable("a\x00b\udce9c") == "a\ufffdb\ufffdc"
    assert len(storable("\x00" * 5 + "\ud800x")) == 7


def test_every_statement_on_a_server_library_takes_nul_and_surrogates(server_url: str, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", ["bicycle.txt"])
    with Library.open(server_url) as lib:
        index(lib, tmp_path / "docs")
        catalog = lib.workspace.catalog
        with catalog.session() as session:  # the ORM, as the index job writes
            folder = session.scalars(select(Folder)).one()
            record = FileRecord(folder_id=folder.id, path=str(tmp_path / "docs" / "x.txt"), kind="text", size=1,
                                mtime=0.0, status="indexed", title="Title\x00padded", reason="bad \udcff byte")
            session.add(record)
            session.flush()
            session.add(Chunk(file_id=record.id, seq=0, start=0, end=9, text="ab\x00cd\udce9fgh"))
            session.execute(text("INSERT INTO chunk_fts(rowid, title, body) VALUES (:id, :t, :b)"),  # raw SQL too
                            [{"id": 10**6, "t": "t\x00", "b": "nul\x00here"}])
        with catalog.session() as session:
            title, reason = session.execute(select(FileRecord.title, FileRecord.reason)
                                            .where(FileRecord.id == record.id)).one()
            passage = session.scalars(select(Chunk.text).where(Chunk.file_id == record.id)).one()
            body = session.execute(text("SELECT body FROM chunk_fts WHERE rowid = 1000000")).scalar_one()
        assert (title, reason) == ("Title\ufffdpadded", "bad \ufffd byte")
        assert passage == "ab\ufffdcd\ufffdfgh" and len(passage) == 9  # offsets into the document stay right
        assert body == "nul\ufffdhere"
        assert lib.search_documents("fix my bike\x00")[0].path.endswith("bicycle.txt")  # a query, too
