"""Keyword search as a port: what retrieval asks of a library's full-text index (`KeywordIndex`), and
its folder-library implementation on SQLite's FTS5 (`Fts5Keywords`). A server library's is
server/keywords.py's `ServerKeywords` (PostgreSQL full-text search); the workspace picks one when
the library is opened (`Workspace.keywords`), so retrieval never asks which database it runs on.

The FTS5 plan stays fast at 100k+ passages. FTS5 computes bm25 for every row an expression matches
before it can sort and cut to the top n, so a plain `w1 OR w2 OR ...` costs time in proportion to
every row holding *any* word: "in", "the" or "arguments" match a large share of a big library
(120 ms at 100k passages). The plan does the same ranking on far fewer rows:

1. rows holding *all* words first, by bm25 - an intersection, cheap however common the words;
2. if that leaves room, fill with `OR` over the words, but leave out words found in more than
   COMMON_ROWS rows when rarer ones remain: such words carry little bm25 weight, a row holding
   only them rarely makes the top n, and those rows are what make OR slow. (Within the fill the
   common words then add nothing to the score: an approximation.)

No expression ranks more than RANK_ROWS rows unless all of them hold a rare word.
On a small library no word is common, so step 2 is exactly the old OR ranking after the
all-words rows.
"""

from __future__ import annotations

from typing import Protocol

from desktop.core.catalog import reads
from desktop.core.catalog.reader import Reader
from desktop.core.common import cjk
from desktop.core.common.keyword_fill import fill_up

COMMON_ROWS = 3000  # rows a word may match and still join the OR fill-up (counting is capped there)
RANK_ROWS = 5000  # most rows bm25 is computed for when common words alone must be ranked

Ranked = list[tuple[int, float]]  # (chunk id, score, higher is better), best first


class KeywordIndex(Protocol):
    """One reading session's keyword index. `words` are a query's keyword words (retrieval/keywords.py
    keyword_words); a phrase is words in this order."""

    def holds(self, word: str) -> bool:
        """Whether any passage holds `word` whole."""
        ...

    def ranked_chunks(self, words: list[str], limit: int) -> Ranked:
        """Passages holding all the words first, then any of them, at most `limit`."""
        ...

    def word_statistics(
        self, words: list[str], chunk_ids: list[int], cap: int
    ) -> tuple[int, dict[str, int], dict[str, set[int]]]:
        """Passages in all (the highest id), the rows holding each word (counted up to `cap`), and which
        of `chunk_ids` hold each word."""
        ...

    def ranked_photos(self, words: list[str], limit: int) -> list[int]:
        """Photos whose name or title holds any of the words, best first."""
        ...

    def files_with_phrase(self, words: str) -> set[int]:
        """Documents with a passage (or title) holding `words` in this order."""
        ...

    def files_named(self, words: str) -> set[int]:
        """Files whose name or title holds `words` in this order."""
        ...


def phrase(word: str) -> str:
    """The FTS5 phrase of one query word (common/cjk.fts5_match): quoted, so FTS5 syntax in user
    input is inert; query_words keeps only words that have one."""
    return cjk.fts5_match(word) or '""'


def all_words(words: list[str]) -> str:
    return " AND ".join(phrase(w) for w in words)


def any_word(words: list[str]) -> str:
    return " OR ".join(phrase(w) for w in words)


class Fts5Keywords:
    """KeywordIndex on a folder library's FTS5 tables, read through `reader` (catalog/reads.py)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def holds(self, word: str) -> bool:
        return self._rows_up_to(word, 1) > 0

    def ranked_chunks(self, words: list[str], limit: int) -> Ranked:
        if not words or limit <= 0:
            return []
        # When the words are common (a one-word query like "python" in a big Python library) only
        # the first RANK_ROWS rows holding them all are ranked: the bound on latency, paid where the
        # keyword signal is weak anyway.
        ranked = self._ids(all_words(words), limit, RANK_ROWS)
        if len(ranked) >= limit or len(words) == 1:
            return ranked
        rows = {w: self._rows_up_to(w, COMMON_ROWS + 1) for w in words}
        present = [w for w in words if rows[w]]
        rare = [w for w in present if rows[w] <= COMMON_ROWS]
        # All words common: the OR would touch most rows; what matched them all is the honest answer
        # unless nothing did, then the rarest-looking word (the longest) stands in.
        fill_words = rare or ([max(present, key=len)] if present and not ranked else [])
        if fill_words:
            cap = COMMON_ROWS * len(fill_words) if rare else RANK_ROWS  # rare words: every row they hold
            fill_up(ranked, self._ids(any_word(fill_words), limit + len(ranked), cap), limit)
        return ranked

    def word_statistics(
        self, words: list[str], chunk_ids: list[int], cap: int
    ) -> tuple[int, dict[str, int], dict[str, set[int]]]:
        total = reads.max_chunk_rowid(self.reader)
        frequency = {w: self._rows_up_to(w, cap) for w in words}
        holding = {w: reads.chunks_matching(self.reader, phrase(w), chunk_ids) for w in words}
        return total, frequency, holding

    def ranked_photos(self, words: list[str], limit: int) -> list[int]:
        return reads.photos_named(self.reader, any_word(words), limit) if words else []

    def files_with_phrase(self, words: str) -> set[int]:
        match = cjk.fts5_match(words)  # one FTS5 phrase of letters and digits: user syntax stays inert
        return reads.files_with_passage(self.reader, match) if match else set()

    def files_named(self, words: str) -> set[int]:
        match = cjk.fts5_match(words)
        return reads.files_named(self.reader, match) if match else set()

    def _ids(self, match: str, limit: int, cap: int) -> Ranked:
        """Best `limit` by bm25 among the first `cap` rows (in rowid order) the expression matches."""
        rows = reads.ranked_chunks(self.reader, match, limit, cap)
        return [(rowid, -score) for rowid, score in rows]  # FTS5's bm25 is lower-is-better

    def _rows_up_to(self, word: str, cap: int) -> int:
        return reads.count_matches(self.reader, phrase(word), cap)
