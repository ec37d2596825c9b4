"""The fast paths of issue 6: keyword query planning and one-thread queries (int8: test_int8.py)."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from desktop.core.catalog import keyword_index, reads
from desktop.core.embed.text import one_torch_thread
from desktop.core.library import Library
from desktop.core.retrieval import keywords

# ---- keyword query planning ----------------------------------------------------------------


def test_query_words_are_distinct_lowercase_and_inert() -> None:
    assert keywords.query_words('Parse "ARGV" argv a 7 OR NEAR(x') == ["parse", "argv", "7", "near"]
    # Stop words go, unless the query is nothing else.
    assert keywords.query_words("how do I read a file") == ["read", "file"]
    assert keywords.query_words("to be or not to be") == ["to", "be", "or", "not"]
    assert keyword_index.any_word(["a", "b"]) == '"a" OR "b"'
    assert keyword_index.all_words(["a", "b"]) == '"a" AND "b"'
    assert keywords.query_words("!!") == []


def _fts(tmp_path: Path, bodies: list[str]) -> Library:
    lib = Library.open(tmp_path / "lib")
    with lib.workspace.catalog.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO chunk_fts (rowid, title, body) VALUES (?, '', ?)", list(enumerate(bodies, start=1))
        )
    return lib


def _ranked(lib: Library, query: str, limit: int) -> list[int]:
    with lib.workspace.catalog.reader() as reader:
        return keywords.ranked_chunk_ids(lib.workspace.keywords(reader), query, limit)


def test_rows_with_every_word_come_first_then_any_word(tmp_path: Path) -> None:
    lib = _fts(tmp_path, ["zebra only", "zebra and yak together", "yak only", "nothing here"])
    try:
        ranked = _ranked(lib, "zebra yak", 10)
        assert ranked[0] == 2
        assert sorted(ranked[1:]) == [1, 3]
        assert _ranked(lib, "zebra yak", 1) == [2]
        assert _ranked(lib, "", 10) == []
    finally:
        lib.close()


def test_common_words_leave_the_or_fill_when_rarer_ones_remain(tmp_path: Path, monkeypatch) -> None:
    bodies = [f"common filler {i}" for i in range(8)] + ["rare word here"]
    lib = _fts(tmp_path, bodies)
    try:
        monkeypatch.setattr(keyword_index, "COMMON_ROWS", 3)
        # Nothing holds both words: the fill uses "rare" alone, so no "common" row is ranked.
        assert _ranked(lib, "common rare", 10) == [9]
        # Only common words and nothing holds them all: the longest word stands in.
        assert len(_ranked(lib, "common zz", 5)) == 5
    finally:
        lib.close()


def test_keyword_ranking_equals_plain_or_on_a_small_library(tmp_path: Path) -> None:
    bodies = ["apple pie recipe", "apple tree", "pie chart", "banana bread", "apple pie and pie"]
    lib = _fts(tmp_path, bodies)
    try:
        with lib.workspace.catalog.session() as session:
            plain = [
                int(r)
                for r in session.execute(
                    text(reads.RANKED_CHUNKS), {"m": keyword_index.any_word(["apple", "pie"]), "n": 10, "cap": 100}
                ).scalars()
            ]
        ranked = _ranked(lib, "apple pie", 10)
        both = {1, 5}
        assert set(ranked[:2]) == both and ranked[2:] == [r for r in plain if r not in both]
    finally:
        lib.close()


def test_ranking_of_very_common_words_is_bounded(tmp_path: Path, monkeypatch) -> None:
    lib = _fts(tmp_path, [f"python {'python ' * i}" for i in range(6)])
    try:
        assert len(_ranked(lib, "python", 10)) == 6
        monkeypatch.setattr(keyword_index, "RANK_ROWS", 2)
        assert sorted(_ranked(lib, "python", 10)) == [1, 2]  # only the first rows get ranked
    finally:
        lib.close()


# ---- one thread per query ------------------------------------------------------------------------


def test_one_torch_thread_restores_the_count_and_is_per_thread() -> None:
    import torch

    before = torch.get_num_threads()
    seen: list[int] = []

    def other() -> None:
        seen.append(torch.get_num_threads())

    with one_torch_thread():
        assert torch.get_num_threads() == 1
        worker = threading.Thread(target=other)
        worker.start()
        worker.join()
    assert torch.get_num_threads() == before
    assert seen and seen[0] >= 1
