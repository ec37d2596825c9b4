"""The keyword evidence that fusion adds to a passage's cosine, on a real FTS5 table."""

from __future__ import annotations

import sqlite3

import pytest

from desktop.core.catalog.keyword_index import Fts5Keywords
from desktop.core.catalog.reader import SqliteReader
from desktop.core.retrieval.fusion import passage_scores
from desktop.core.retrieval.keywords import coverage, keyword_evidence, ranked_chunks
from desktop.core.retrieval.query_syntax import parse

PASSAGES = {
    1: "the pipe buffer size can be changed with fcntl",
    2: "the buffer holds data until it is read",
    3: "a pipe connects two processes",
    **{10 + n: f"this passage talks about the buffer number {n}" for n in range(30)},  # "buffer" is common
}


@pytest.fixture()
def connection():
    """The reads on sqlite3, as a search on a folder library runs them (catalog/reader.py)."""
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE chunk_fts USING fts5(title, body, "
                 "tokenize='porter unicode61 remove_diacritics 2')")
    conn.executemany("INSERT INTO chunk_fts(rowid, title, body) VALUES (?, '', ?)", PASSAGES.items())
    reader = SqliteReader(conn, damaged=ValueError)
    yield Fts5Keywords(reader)  # a folder library's keyword index (Workspace.keywords)
    reader.close()
    conn.close()


def test_coverage_is_the_idf_weighted_share_of_query_words(connection):
    share = coverage(connection, "pipe buffer size", [1, 2, 3, 10])
    assert share[1] == pytest.approx(1.0)  # holds every word
    assert 0.0 < share[2] < share[3] < share[1]  # "buffer" is common, "pipe" rarer: it weighs more
    assert share[10] == pytest.approx(share[2])
    assert coverage(connection, "pipes", [3])[3] == pytest.approx(1.0)  # stemmed as FTS5 stems


def test_the_best_keyword_hit_gets_full_marks_only_if_it_holds_the_query(connection):
    # A query sharing one common word with the library: bm25 relative to the best would give
    # the best row 1.0; its evidence stays small, so the cut-off can hide it.
    rows = ranked_chunks(connection, "kernel buffer tuning", 10)
    evidence = dict(keyword_evidence(connection, "kernel buffer tuning", rows))
    assert rows and max(evidence.values()) < 0.3
    full = dict(keyword_evidence(connection, "pipe buffer size", ranked_chunks(connection, "pipe buffer size", 10)))
    assert full[1] == pytest.approx(1.0)
    assert passage_scores({1: 0.5, 2: 0.5}, full.items(), 0.2)[1] == pytest.approx(0.7)


def test_a_minus_before_a_number_is_not_an_exclusion():
    parsed = parse("Why does -22 // 10 return -3?")
    assert parsed.excluded == () and "-22" in parsed.text
    assert parse("beach -people").excluded == ("people",)


def test_quotes_nobody_holds_are_emphasis_among_other_words(tmp_path):
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "imports.txt").write_text("Put imports at the top of a module, one per line, standard library first.\n")
    (folder / "cake.txt").write_text("A chocolate cake needs cocoa, butter, sugar and eggs.\n")
    lib = Library.open(tmp_path / "lib")
    try:
        run_job(lib.index([folder]))
        names = [h.path.rsplit("/", 1)[-1] for h in lib.search_documents(
            'What are the "best practices" for using import in a module?')]
        assert names and names[0] == "imports.txt"
        assert lib.search_documents('"best practices"') == []  # a phrase alone stays exact
        assert [h.path.rsplit("/", 1)[-1] for h in lib.search_documents('"chocolate cake" eggs')] == ["cake.txt"]
    finally:
        lib.close()


def test_cli_min_score_hides_weak_documents(tmp_path, capsys):
    from desktop.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "cake.txt").write_text("A chocolate cake needs cocoa, butter, sugar and eggs.\n")
    (folder / "taxes.txt").write_text("File the tax return before the end of April.\n")
    lib = str(tmp_path / "lib")
    assert main(["--library", lib, "index", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--library", lib, "--json", "search", "baking a chocolate cake", "--kind", "text"]) == 0
    everything = capsys.readouterr().out
    assert "cake.txt" in everything and "taxes.txt" in everything
    assert main(["--library", lib, "search", "baking a chocolate cake", "--kind", "text", "--min-score", "0.42"]) == 0
    shown = capsys.readouterr()
    assert "cake.txt" in shown.out and "taxes.txt" not in shown.out and "hidden" in shown.err
    assert main(["--library", lib, "search", "cake", "--min-score", "2"]) == 2
