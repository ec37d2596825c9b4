"""Keyword ranking on PostgreSQL full-text search: a server library's KeywordIndex
(catalog/keyword_index.py; the folder library's is FTS5 there).

The same plan as the FTS5 one: passages holding *all* the words first, ranked; then, if that left
room, passages holding *any* of them, whose scores are held below the all-words ones. Each word's
`ts_rank` (length-normalised, title weighted double as bm25(chunk_fts, 2.0, 1.0)) times its idf,
summed, stands in for bm25;
fusion divides by the best score of the query, so only the order and the ratios matter.
Each expression ranks at most `cap` matching rows, the same bound on latency FTS5 has.
"""

from __future__ import annotations

from desktop.core.catalog.reader import Reader
from desktop.core.common.cjk import tsquery_parts
from desktop.core.common.keyword_fill import fill_up, word_idf

WEIGHTS = "{0.1, 0.2, 0.5, 1.0}"  # D, C, B (body), A (title)
RANK_ROWS = 5000
DF_ROWS = 20000  # rows counted for a word's idf, as retrieval/keywords counts them: beyond, idf is low anyway


def parts(word: str) -> tuple[str, str]:
    """A query word's (phrase text, prefix character) (common/cjk.tsquery_parts: CJK text as its
    bigrams); ('', '') asks for nothing."""
    return tsquery_parts(word) or ("", "")


def tsquery_sql(phrase: str, prefix: str) -> str:
    """SQL of a query word's tsquery from two SQL text expressions: its phrase, read as the documents
    are (server/schema.py: runs of letters and digits; user input is data, never tsquery syntax),
    then, when `prefix` is not '', a token beginning with that character (one CJK letter)."""
    words = f"phraseto_tsquery('semdesk', regexp_replace({phrase}, '[^[:alnum:]]+', ' ', 'g'))"
    # Never ':*' alone, even in the branch not taken: the planner may fold a constant call.
    begins = f"to_tsquery('semdesk', coalesce(nullif({prefix}, ''), 'x') || ':*')"
    return (f"(CASE WHEN {prefix} = '' THEN {words} WHEN {phrase} = '' THEN {begins} "
            f"ELSE tsquery_phrase({words}, {begins}) END)")


def _arrays(words: list[str]) -> dict[str, list[str]]:
    """The words' phrases and prefixes as two arrays, for unnest(CAST(:phrases ...), CAST(:prefixes ...))."""
    pairs = [parts(w) for w in words]
    return {"phrases": [p for p, _ in pairs], "prefixes": [c for _, c in pairs]}


def _tsquery(words: list[str], joiner: str) -> tuple[str, dict[str, str]]:
    """A tsquery per word, joined by && or ||."""
    params: dict[str, str] = {}
    for i, word in enumerate(words):
        params[f"w{i}"], params[f"p{i}"] = parts(word)
    return f" {joiner} ".join(tsquery_sql(f":w{i}", f":p{i}") for i in range(len(words))), params


# Read as the documents are (server/schema.py, common/cjk.py): runs of letters and digits, CJK text as bigrams.
PHRASE = tsquery_sql(":w", ":p")
UNNEST = "unnest(CAST(:words AS text[]), CAST(:phrases AS text[]), CAST(:prefixes AS text[])) AS t(w, q, p)"


class ServerKeywords:
    """catalog/keyword_index.KeywordIndex on PostgreSQL full-text search, for one reading session
    (a server library's Workspace.keywords makes one per reader)."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self._counts: dict[tuple[str, int], int] = {}
        self._total = 0

    def word_rows(self, words: list[str], cap: int = DF_ROWS) -> tuple[int, dict[str, int]]:
        """Passages in all (the highest rowid), and the rows holding each word, counted up to `cap`.

        Counted once per reading session: one search ranks (all words, then the fill-up) and then
        weighs coverage, and each of them counting every word again was most of a server search's
        time (p50 62 ms at 100k passages; the counts are the GIN index walks). A session is one search."""
        missing = [w for w in dict.fromkeys(words) if (w, cap) not in self._counts]
        if missing:  # "total" comes with the first count, so it is there whenever a word is
            rows = self.reader.rows(
                "SELECT t.w, (SELECT count(*) FROM (SELECT 1 FROM chunk_fts "
                f"WHERE tsv @@ {tsquery_sql('t.q', 't.p')} LIMIT :cap) s), "
                f"(SELECT coalesce(max(rowid), 0) FROM chunk_fts) FROM {UNNEST}",
                {"words": missing, **_arrays(missing), "cap": cap})
            for word, count, total in rows:
                self._counts[(word, cap)] = int(count)
                self._total = int(total)
        return self._total, {w: self._counts[(w, cap)] for w in words}

    def holds(self, word: str) -> bool:
        return self.word_rows([word])[1][word] > 0

    def _ranked(self, words: list[str], joiner: str, limit: int, cap: int) -> list[tuple[int, float]]:
        """Each word's `ts_rank` weighted by its idf, summed: bm25's shape. One `ts_rank` over the whole
        query has no idf, so a rare word counted no more than "file" or "data", and the kernel set's
        nDCG@10 fell 0.018 below the folder library's (scripts/bench --only server)."""
        query, params = _tsquery(words, joiner)
        total, rows = self.word_rows(words)
        # MATERIALIZED: the per-word queries are read inside a per-row subquery; made once, not per row.
        sql = (
            f"WITH idf AS MATERIALIZED (SELECT {tsquery_sql('t.q', 't.p')} AS q, t.idf "
            "FROM unnest(CAST(:phrases AS text[]), CAST(:prefixes AS text[]), CAST(:idfs AS float8[])) "
            "AS t(q, p, idf)), "
            f"q AS (SELECT {query} AS q) "
            f"SELECT rowid, (SELECT sum(idf.idf * ts_rank('{WEIGHTS}', m.tsv, idf.q, 1)) FROM idf) AS score FROM "
            "(SELECT rowid, tsv FROM chunk_fts, q WHERE tsv @@ q.q LIMIT :cap) AS m "
            "ORDER BY score DESC, rowid LIMIT :n"
        )
        idfs = [word_idf(total, rows[w]) for w in words]
        found = self.reader.rows(sql, {**params, **_arrays(words), "idfs": idfs, "cap": cap, "n": limit})
        return [(int(rowid), float(score)) for rowid, score in found]

    def ranked_chunks(self, words: list[str], limit: int) -> list[tuple[int, float]]:
        """(chunk id, score, higher is better) best first, at most `limit`."""
        if not words or limit <= 0:
            return []
        ranked = self._ranked(words, "&&", limit, RANK_ROWS)
        if len(ranked) >= limit or len(words) == 1:
            return ranked
        return fill_up(ranked, self._ranked(words, "||", limit + len(ranked), RANK_ROWS), limit)

    def ranked_photos(self, words: list[str], limit: int) -> list[int]:
        """Photos whose file name or title holds any of the words, best first."""
        if not words:
            return []
        query, params = _tsquery(words, "||")
        sql = (
            f"WITH q AS (SELECT {query} AS q) "
            "SELECT file_fts.rowid FROM file_fts JOIN files ON files.id = file_fts.rowid, q "
            "WHERE file_fts.tsv @@ q.q AND files.kind = 'image' AND files.status IN ('indexed', 'waiting_model') "
            "ORDER BY ts_rank(file_fts.tsv, q.q, 1) DESC, file_fts.rowid LIMIT :n"
        )
        return [int(r[0]) for r in self.reader.rows(sql, {**params, "n": limit})]

    def word_statistics(
        self, words: list[str], chunk_ids: list[int], cap: int
    ) -> tuple[int, dict[str, int], dict[str, set[int]]]:
        """For retrieval/keywords.coverage: passages in all, rows holding each word (counted up to
        `cap`, shared with the ranking by word_rows), and which of `chunk_ids` hold each word, in one
        round trip for all the words: on a server each statement costs a millisecond or more."""
        total, frequency = self.word_rows(words, cap)
        rows = self.reader.rows(
            "SELECT t.w, ARRAY(SELECT rowid FROM chunk_fts WHERE rowid = ANY(:ids) "
            f"AND tsv @@ {tsquery_sql('t.q', 't.p')}) FROM {UNNEST}",
            {"words": list(words), **_arrays(words), "ids": list(chunk_ids)})
        holding = {word: {int(i) for i in held} for word, held in rows}
        return total, frequency, holding

    def files_with_phrase(self, words: str) -> set[int]:
        """Documents with a passage (or title) holding `words` in this order (retrieval/constraints.py)."""
        phrase, prefix = parts(words)
        if not (phrase or prefix):
            return set()
        rows = self.reader.rows(
            "SELECT DISTINCT chunks.file_id FROM chunk_fts JOIN chunks ON chunks.id = chunk_fts.rowid "
            f"WHERE chunk_fts.tsv @@ {PHRASE}", {"w": phrase, "p": prefix})
        return {int(r[0]) for r in rows}

    def files_named(self, words: str) -> set[int]:
        phrase, prefix = parts(words)
        if not (phrase or prefix):
            return set()
        rows = self.reader.rows(f"SELECT rowid FROM file_fts WHERE tsv @@ {PHRASE}", {"w": phrase, "p": prefix})
        return {int(r[0]) for r in rows}
