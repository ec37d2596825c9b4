"""The core end to end: index, incremental re-index, search, similar, bad input, caches."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.core.catalog import FileStatus
from desktop.core.common.errors import CatalogTooNew, LibraryBusy, SemdeskError
from desktop.core.library import Library
from tests.conftest import both_kinds, index
from tests.corpus import write_documents, write_photos


def top_path(lib: Library, query: str) -> str:
    hits = lib.search_documents(query, top=5)
    assert hits, f"no results for {query!r}"
    return Path(hits[0].path).name


def chunk_rows(lib: Library) -> list[tuple]:
    """(path, seq, start, end, text) of every passage, from either kind of library."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.path, Chunk.seq, Chunk.start, Chunk.end, Chunk.text)
            .join(FileRecord, FileRecord.id == Chunk.file_id).order_by(FileRecord.path, Chunk.seq)
        ).all()
    return [tuple(row) for row in rows]


@both_kinds
def test_index_and_search_by_meaning(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_documents(docs)
    summary = index(library, docs)
    assert summary.indexed == len(os.listdir(docs)) and summary.skipped == 0
    assert top_path(library, "my bike chain keeps slipping") == "bicycle.txt"
    assert top_path(library, "when must I file my income taxes") == "taxes.rst"
    assert top_path(library, "stargazing with binoculars") == "astronomy.html"
    hit = library.search_documents("how to make bread rise")[0]
    assert Path(hit.path).name == "bread.md" and 0 < hit.score <= 1
    assert hit.snippet and hit.start is not None and hit.end is not None and hit.start < hit.end
    status = library.status()
    assert status.counts == {FileStatus.INDEXED: len(os.listdir(docs))}


@both_kinds
def test_passage_offsets_point_into_document_text(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", ["astronomy.html", "garden.txt"])
    index(library, tmp_path / "docs")
    hit = library.search_documents("night sky planets")[0]
    text = library.document_text(hit.file_id)
    assert text[hit.start : hit.end] == hit.snippet
    assert "var x" not in text  # scripts are not text


@both_kinds
def test_keyword_hits_fuse_with_meaning(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs")
    index(library, tmp_path / "docs")
    hit = library.search_documents("zorblax")[0]
    assert Path(hit.path).name == "zorblax.txt"
    assert "keywords" in hit.why
    paraphrase = library.search_documents("growing vegetables outdoors")[0]
    assert Path(paraphrase.path).name == "garden.txt" and "meaning" in paraphrase.why


@both_kinds
def test_a_rare_word_outranks_a_common_one(library: Library, tmp_path: Path) -> None:
    """Keyword scores weigh each word by its rarity (bm25's idf) on both kinds: PostgreSQL's ts_rank
    alone has no idf, and ranked the passage saying "device" four times above the one rare word."""
    from desktop.core.retrieval.search import keyword_chunks

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(12):
        (docs / f"common{i}.txt").write_text(f"Notes {i} on a device and its device driver settings.\n")
    (docs / "loud.txt").write_text("The device, the device, the device: every device in one line.\n")
    (docs / "rare.txt").write_text("A zeppelin floated over the hangar at dawn, silver and slow.\n")
    index(library, docs)
    ranked = keyword_chunks(library.workspace, "device zeppelin", 5, None)
    with library.workspace.catalog.session() as session:
        from desktop.core.catalog import Chunk, FileRecord

        path = dict(session.query(Chunk.id, FileRecord.path).join(FileRecord, FileRecord.id == Chunk.file_id).all())
    assert Path(path[ranked[0][0]]).name == "rare.txt", [Path(path[c]).name for c, _ in ranked]


@both_kinds
def test_a_words_rarity_follows_the_library_from_one_search_to_the_next(library: Library, tmp_path: Path) -> None:
    """The server counts each word's rows once per search and shares the count between ranking and
    coverage; a count kept longer would go stale as files arrive and weigh words by an old library."""
    from desktop.core.catalog import Chunk, FileRecord
    from desktop.core.catalog.reader import reading
    from desktop.core.retrieval.keywords import coverage

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(12):
        (docs / f"common{i}.txt").write_text(f"Notes {i} on a device and its device driver settings.\n")
    (docs / "rare.txt").write_text("A zeppelin over the hangar at dawn.\n")
    index(library, docs)

    def rare_share() -> float:
        with library.workspace.catalog.session() as session:
            chunk = session.scalar(select(Chunk.id).join(FileRecord, FileRecord.id == Chunk.file_id)
                                   .where(FileRecord.path == str(docs / "rare.txt")))
        assert chunk is not None
        with reading(library.workspace.catalog) as reader:
            library.search_documents("device zeppelin")  # a search in between, as in the app
            return coverage(library.workspace.keywords(reader), "device zeppelin", [chunk])[chunk]

    before = rare_share()  # "zeppelin" is rare: nearly all of the query's information
    for i in range(30):
        (docs / f"airship{i}.txt").write_text(f"Zeppelin log {i}: the zeppelin flew north.\n")
    index(library, docs)
    after = rare_share()  # now "device" is the rarer word
    assert before > 0.9 and after < 0.5, (before, after)


@both_kinds
def test_incremental_add_modify_delete_rename(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "bicycle.txt", "taxes.rst"])
    assert index(library, docs).indexed == 3
    again = index(library, docs)
    assert (again.indexed, again.unchanged) == (0, 3)

    write_documents(docs, ["garden.txt"])
    added = index(library, docs)
    assert (added.indexed, added.unchanged) == (1, 3)

    (docs / "bread.md").write_text("# Pasta\n\nBoil salted water and cook the spaghetti al dente.\n")
    os.utime(docs / "bread.md", (1, 1))
    assert index(library, docs).indexed == 1
    assert top_path(library, "cooking spaghetti") == "bread.md"

    before = {row[1:] for row in chunk_rows(library) if row[0].endswith("bicycle.txt")}
    (docs / "bicycle.txt").rename(docs / "cycling-notes.txt")
    moved = index(library, docs)
    assert (moved.moved, moved.removed, moved.indexed) == (1, 0, 0)
    after = {row[1:] for row in chunk_rows(library) if row[0].endswith("cycling-notes.txt")}
    assert after == before and top_path(library, "bicycle chain") == "cycling-notes.txt"

    (docs / "taxes.rst").unlink()
    gone = index(library, docs)
    assert gone.removed == 1
    assert all(Path(h.path).name != "taxes.rst" for h in library.search_documents("income tax deadline"))


def test_rescan_all_folders_without_paths(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "a", ["bread.md"])
    write_documents(tmp_path / "b", ["garden.txt"])
    index(library, tmp_path / "a")
    index(library, tmp_path / "b")
    write_documents(tmp_path / "a", ["bicycle.txt"])
    summary = index(library)
    assert summary.indexed == 1 and {f.path for f in library.folders()} == {str(tmp_path / "a"), str(tmp_path / "b")}


def test_bad_input_is_recorded_and_skipped(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md"])
    (docs / "empty.txt").write_bytes(b"")
    (docs / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (docs / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"garbage" * 50)
    (docs / "latin1.txt").write_bytes("Crème brûlée recipe: caramelise the sugar on top.".encode("latin-1"))
    (docs / "utf16.md").write_text("# Schöne Grüße\n\nA letter of greetings.", encoding="utf-16")
    library.set_setting("max_text_mb", 1)
    (docs / "huge.txt").write_bytes(b"word " * 300_000)
    summary = index(library, docs)
    reasons = {Path(s.path).name: s.reason for s in library.skipped_files()}
    assert set(reasons) == {"empty.txt", "binary.txt", "broken.jpg", "huge.txt"}
    assert "empty" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "image" in reasons["broken.jpg"]
    assert "too large" in reasons["huge.txt"]
    assert summary.indexed == 3
    assert top_path(library, "caramelised sugar dessert") == "latin1.txt"


def test_vanishing_file_is_skipped_not_fatal(library: Library, tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    import desktop.core.ingest.prepared as prepare

    real = prepare.read_stable

    def vanish(path: str, **kwargs):
        if path.endswith("garden.txt"):
            os.unlink(path)
        return real(path, **kwargs)

    monkeypatch.setattr(prepare, "read_stable", vanish)
    summary = index(library, docs)
    assert summary.indexed == 1 and summary.skipped == 1
    assert "disappeared" in library.skipped_files()[0].reason


def test_unexpected_parser_error_costs_one_file(library: Library, tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    import desktop.core.ingest.prepared as prepare

    real = prepare.extract_text

    def explode(data: bytes, name: str):
        if name == "garden.txt":
            raise RuntimeError("parser bug")
        return real(data, name)

    monkeypatch.setattr(prepare, "extract_text", explode)
    summary = index(library, docs)
    assert summary.indexed == 1 and "parser bug" in library.skipped_files()[0].reason


def test_hnsw_file_deleted_or_corrupted_is_rebuilt(tmp_path: Path) -> None:
    write_documents(tmp_path / "docs")
    with Library.open(tmp_path / "lib") as lib:
        index(lib, tmp_path / "docs")
        expected = [h.path for h in lib.search_documents("bicycle repair")]
    hnsw = tmp_path / "lib" / "indexes" / "text.hnsw"
    assert hnsw.exists()
    hnsw.write_bytes(os.urandom(hnsw.stat().st_size))  # same size, garbage: must never be loaded
    with Library.open(tmp_path / "lib") as lib:
        assert [h.path for h in lib.search_documents("bicycle repair")] == expected
        assert lib.workspace.indexes.get("text").last_load == "rebuilt"
    hnsw.unlink()
    with Library.open(tmp_path / "lib") as lib:
        assert [h.path for h in lib.search_documents("bicycle repair")] == expected


def test_newer_catalog_is_refused(tmp_path: Path) -> None:
    Library.open(tmp_path / "lib").close()
    with sqlite3.connect(tmp_path / "lib" / "catalog.sqlite") as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(CatalogTooNew, match="newer version of semdesk"):
        Library.open(tmp_path / "lib")


def test_own_data_dir_is_never_indexed(tmp_path: Path) -> None:
    with Library.open(tmp_path / "lib") as lib, pytest.raises(SemdeskError, match="own data folder"):
        index(lib, tmp_path / "lib")


def test_second_writer_is_told_library_is_busy(tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", ["bread.md"])
    with Library.open(tmp_path / "lib") as first, Library.open(tmp_path / "lib") as second:
        first.workspace.write_lock.acquire("indexing")
        try:
            with pytest.raises(LibraryBusy, match="busy"):
                index(second, tmp_path / "docs")
        finally:
            first.workspace.write_lock.release()
        assert index(second, tmp_path / "docs").indexed == 1


@both_kinds
def test_cancel_then_resume_finishes_without_duplicates(library: Library, tmp_path: Path) -> None:
    from desktop.core.common.jobs import CancelToken

    docs = tmp_path / "docs"
    write_documents(docs)
    for i in range(40):
        (docs / f"note{i:02d}.txt").write_text(f"Meeting note {i}: we talked about item {i} and budget {i * 7}.")
    library.set_setting("text_batch_size", 4)
    cancel = CancelToken()
    job = library.index([docs], cancel=cancel)
    for progress in job:
        if progress.phase == "indexing" and progress.done >= 8:
            cancel.cancel()
    partial = library.status().counts.get(FileStatus.INDEXED, 0)
    assert 0 < partial < 47
    summary = index(library, docs)
    assert summary.indexed == 47 - partial
    fresh = Library.open(tmp_path / "fresh")
    index(fresh, docs)
    assert sorted(chunk_rows(library)) == sorted(chunk_rows(fresh))
    fresh.close()


@both_kinds
def test_remove_folder_forgets_its_files(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", ["bread.md", "garden.txt"])
    index(library, tmp_path / "docs")
    assert library.remove(tmp_path / "docs") == 2
    assert library.search_documents("bread") == []
    assert (tmp_path / "docs" / "bread.md").exists()


@both_kinds
def test_marks_are_stored_and_exported(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs")
    index(library, tmp_path / "docs")
    record = library.mark("fix my bike", tmp_path / "docs" / "bicycle.txt", True)
    library.mark("fix my bike", tmp_path / "docs" / "bread.md", False)
    assert record.relevant and "chain" in (record.passage or "")
    assert [(Path(m.path).name, m.relevant) for m in library.marks("fix my bike")] == [
        ("bicycle.txt", True),
        ("bread.md", False),
    ]
    exported = (library.path / "marks.jsonl").read_text().splitlines()
    assert len(exported) == 2 and '"content_hash"' in exported[0]
    library.unmark(record.mark_id)
    assert len(library.marks()) == 1


@both_kinds
def test_similar_documents_and_outside_file(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs")
    index(library, tmp_path / "docs")
    hits = library.similar(tmp_path / "docs" / "garden.txt", kind="text")
    assert hits and all(Path(h.path).name != "garden.txt" for h in hits)
    outside = tmp_path / "outside.txt"
    outside.write_text("Repairing a flat bicycle tyre and oiling the chain before a long ride.")
    assert Path(library.similar(outside, kind="text")[0].path).name == "bicycle.txt"


def test_photos_wait_for_clip_weights_while_text_works(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "mixed", ["bread.md"])
    write_photos(tmp_path / "mixed", 2)
    summary = index(library, tmp_path / "mixed")
    assert (summary.indexed, summary.waiting_model) == (1, 2)
    status = library.status()
    assert not status.clip_ready and "CLIP" in (status.clip_problem or "")
    assert top_path(library, "sourdough") == "bread.md"
    assert library.search_photos("red circle") == [] or all(h.why == "keywords" for h in library.search_photos("photo"))


@both_kinds
def test_photo_file_names_match_by_the_documents_word_rule(library: Library, tmp_path: Path) -> None:
    # Photo names are matched by the same rule as passages: stop words carry nothing, so "the" in
    # the query must not bring up every photo whose name holds "the".
    photos = write_photos(tmp_path / "named", 2)
    photos[0].rename(photos[0].with_name("the_old_mill.png"))
    photos[1].rename(photos[1].with_name("beach_at_dawn.jpg"))
    index(library, tmp_path / "named")
    assert [Path(h.path).name for h in library.search_photos("the beach")] == ["beach_at_dawn.jpg"]
    assert [Path(h.path).name for h in library.search_photos("the")] == ["the_old_mill.png"]  # nothing else left


@both_kinds
def test_tiny_clip_indexes_searches_and_finds_similar_photos(clip_library: Library, tmp_path: Path) -> None:
    photos = write_photos(tmp_path / "photos", 4)
    copy = tmp_path / "photos" / "copy_of_0.png"
    copy.write_bytes(photos[0].read_bytes())
    summary = index(clip_library, tmp_path / "photos")
    assert summary.indexed == 5 and summary.waiting_model == 0
    hits = clip_library.search_photos("a picture", top=10)
    assert len(hits) == 5 and all(h.thumbnail and Path(h.thumbnail).exists() for h in hits)
    similar = clip_library.similar(photos[0])
    assert Path(similar[0].path).name == "copy_of_0.png" and similar[0].score > 0.99
    assert all(Path(h.path) != photos[0] for h in similar)


def test_waiting_photos_are_indexed_once_weights_arrive(library: Library, tmp_path: Path, tiny_clip) -> None:
    write_photos(tmp_path / "photos", 2)
    assert index(library, tmp_path / "photos").waiting_model == 2
    library.set_setting("clip_model", str(tiny_clip[0]))
    library.set_setting("clip_weights", str(tiny_clip[1]))
    assert index(library, tmp_path / "photos").indexed == 2
    assert library.status().counts == {FileStatus.INDEXED: 2}


@both_kinds
def test_filters_by_folder_and_date(library: Library, tmp_path: Path) -> None:
    from desktop.core.common.records import Filters

    write_documents(tmp_path / "home", ["bicycle.txt"])
    write_documents(tmp_path / "work", ["garden.txt", "bread.md"])
    os.utime(tmp_path / "work" / "garden.txt", (1_000_000_000, 1_000_000_000))  # 2001
    index(library, tmp_path / "home")
    index(library, tmp_path / "work")
    only_work = library.search_documents("bicycle chain", filters=Filters(folder=str(tmp_path / "work")))
    assert only_work and all("/work/" in h.path for h in only_work)
    old = library.search_documents("food", filters=Filters(date_to=1_100_000_000))
    assert [Path(h.path).name for h in old] == ["garden.txt"]


@both_kinds
def test_non_utf8_and_newline_file_names_round_trip(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    odd = os.path.join(os.fsencode(docs), b"caf\xe9 menu.txt")
    with open(odd, "wb") as handle:
        handle.write(b"Espresso, cappuccino and croissants served until noon.")
    (docs / "line\nbreak.md").write_text("# Parking\n\nThe car park closes at midnight.")
    assert index(library, docs).indexed == 2
    hit = library.search_documents("coffee and pastries")[0]
    assert os.fsencode(hit.path) == odd and Path(hit.path).exists()
    assert library.search_documents("where to leave the car")[0].path.endswith("line\nbreak.md")
    assert index(library, docs).unchanged == 2
