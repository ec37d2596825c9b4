"""A search's reads (catalog/reads.py) run on sqlite3 for a folder library and on a SQLAlchemy session
everywhere else: the same SQL, the same rows; and a library opened only to search makes no engine."""

from __future__ import annotations

from pathlib import Path

from desktop.core.catalog import reads
from desktop.core.catalog.reader import SessionReader, expand
from desktop.core.library import Library
from tests.conftest import index


def _library(tmp_path: Path) -> Path:
    docs = tmp_path / "docs" / "Notes"
    docs.mkdir(parents=True)
    (docs / "files.txt").write_text("To read a file line by line, open it and loop over the file object.\n")
    (docs / "cats.md").write_text("# Cats\n\nCats sleep most of the day and purr when content.\n")
    with Library.open(tmp_path / "lib") as library:
        index(library, tmp_path / "docs")
    return tmp_path / "lib"


def test_a_library_opened_to_search_makes_no_sqlalchemy_engine(tmp_path: Path) -> None:
    with Library.open(_library(tmp_path)) as library:
        hits = library.search("cats purr", filters=None)
        assert Path(hits[0].path).name == "cats.md"
        assert library.folder_names() == ["docs", "Notes"]
        assert library.workspace.catalog._engine is None  # settings, versions, stamps, keywords: all sqlite3
        library.set_setting("clip_model", "ViT-B-32")  # a write makes it, and reads still agree
        assert library.workspace.catalog._engine is not None
        assert Path(library.search("cats purr")[0].path).name == "cats.md"


def test_sqlite3_and_a_session_read_the_same_rows(tmp_path: Path) -> None:
    with Library.open(_library(tmp_path)) as library:
        catalog = library.workspace.catalog
        notes = str(tmp_path / "docs" / "Notes")
        wanted = reads.FileFilter(kind="text", statuses=("indexed",), folder=notes, since=0.0,
                                  path_patterns=(("%.md", "%.TXT"), ("%/notes/%",)))

        def everything(reader) -> list:
            files = reads.filtered_files(reader, wanted)
            chunks = reads.chunks_of(reader, files)
            return [files, chunks, reads.passage_rows(reader, sorted(chunks)), reads.file_rows(reader, files),
                    reads.settings(reader), reads.active_version(reader, "text"), reads.index_stamp(reader, "text"),
                    reads.vector_signature(reader, "text"), reads.files_named(reader, '"cats"'),
                    reads.indexed_paths_with_folders(reader)]

        with catalog.reader() as reader:
            plain = everything(reader)
        with catalog.session() as session:
            through_sqlalchemy = everything(SessionReader(session))
    assert plain == through_sqlalchemy
    assert len(plain[0]) == 2 and plain[3][min(plain[0])][1].startswith(notes)  # both notes, paths as str
    assert {Path(p[5]).name for p in plain[2]} == {"files.txt", "cats.md"}


def test_in_lists_are_numbered_parameters() -> None:
    assert expand("f", [3, 4]) == (":f0,:f1", {"f0": 3, "f1": 4})
    assert expand("f", []) == ("NULL", {})  # "IN (NULL)" matches nothing, on both databases
