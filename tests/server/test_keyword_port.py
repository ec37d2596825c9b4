"""A server library's KeywordIndex (server/keywords.py ServerKeywords), chosen by its workspace: one per
search, so each word's rows are counted once a search, shared by the ranking and the coverage."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event

from desktop.core.catalog.keyword_index import Fts5Keywords
from desktop.core.catalog.reader import reading
from desktop.core.library import Library
from desktop.core.server.keywords import ServerKeywords
from tests.conftest import index

COUNTING = "SELECT 1 FROM chunk_fts WHERE tsv @@"  # server/keywords.py word_rows: a word's rows counted


def test_a_server_search_counts_each_words_rows_once(server_url: str, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(4):
        (docs / f"device{i}.txt").write_text(f"Notes {i} on a device and its driver settings.\n")
    (docs / "rare.txt").write_text("A zeppelin over the hangar at dawn, and a device.\n")
    lib = Library.open(server_url)
    try:
        index(lib, docs)
        with reading(lib.workspace.catalog) as reader:
            assert isinstance(lib.workspace.keywords(reader), ServerKeywords)
        counts: list[str] = []
        event.listen(lib.workspace.catalog.engine, "before_cursor_execute",
                     lambda _c, _cur, statement, *_a: counts.append(statement) if COUNTING in statement else None)
        hits = lib.search_documents("zeppelin device driver")
        assert hits and Path(hits[0].path).name == "rare.txt"
        # Ranking (all words, then any) and coverage each need the counts: one statement for all of them.
        assert len(counts) == 1, counts
    finally:
        lib.close()


def test_a_folder_library_keeps_fts5(tmp_path: Path) -> None:
    lib = Library.open(tmp_path / "library")
    try:
        with reading(lib.workspace.catalog) as reader:
            assert isinstance(lib.workspace.keywords(reader), Fts5Keywords)
    finally:
        lib.close()
