"""Keyword ranking: a query's keyword words, the passages ranked by them, and how much of the
query each passage holds. The ranking itself is the library's keyword index (a KeywordIndex,
catalog/keyword_index.py: FTS5 in a folder library, PostgreSQL full-text search on a server),
which the workspace hands over (`Workspace.keywords`); nothing here asks which one it is.
"""

from __future__ import annotations

from desktop.core.catalog.keyword_index import KeywordIndex
from desktop.core.common import cjk
from desktop.core.common.keyword_fill import word_idf
from desktop.core.common.query_words import STOP_WORDS, query_words

DF_ROWS = 20000  # rows counted for a word's document frequency: beyond this a word is common, its idf low anyway

__all__ = ["DF_ROWS", "coverage", "keyword_evidence", "keyword_words", "query_words", "ranked_chunk_ids",
           "ranked_chunks"]


def keyword_words(index: KeywordIndex, query: str) -> list[str]:
    """`query_words`, where a CJK word that no passage holds whole (a question typed as one run of
    characters: "安装软件需要什么") stands for its bigrams, each a word of its own, as Lucene's
    CJK analyzer reads a query; a word that is there stays the exact phrase it asks for. One
    count per such word, and none for a query without CJK."""
    out: list[str] = []
    for word in query_words(query):
        tokens = cjk.query_tokens(word)
        if cjk.has_cjk(word) and tokens is not None and len(tokens.tokens) > 1 and not index.holds(word):
            out.extend(w for w in cjk.split_words(word) if w not in STOP_WORDS)
        else:
            out.append(word)
    return list(dict.fromkeys(out))


def ranked_chunk_ids(index: KeywordIndex, query: str, limit: int) -> list[int]:
    """Chunk ids best first by bm25 (title weighted double), at most `limit`."""
    return [rowid for rowid, _ in ranked_chunks(index, query, limit)]


def ranked_chunks(index: KeywordIndex, query: str, limit: int) -> list[tuple[int, float]]:
    """(chunk id, bm25 score, higher is better) best first, at most `limit`. Rows holding every
    word come first; the fill-up's scores are lower than theirs, so the order is the score order."""
    words = keyword_words(index, query)
    if not words or limit <= 0:
        return []
    return index.ranked_chunks(words, limit)


def keyword_evidence(index: KeywordIndex, query: str, ranked: list[tuple[int, float]]) -> list[tuple[int, float]]:
    """(chunk id, evidence in [0, 1]) best first: bm25 relative to the query's best, times the share
    of the query's information (idf-weighted words) the passage holds.

    bm25 relative to the best alone gives *some* passage full marks for every query, however poor
    its match: a FAQ question against the kernel docs got the whole keyword bonus for a passage
    that shared one word with it, and the relevance cut-off could not hide it (24% of such queries
    showed nothing above it; with coverage 56%, the right answers kept the same). Measured on the
    quality sets, the ranking is as good or better on each (scripts/bench --only quality).
    """
    if not ranked:
        return []
    best = max(score for _, score in ranked)
    share = coverage(index, query, [cid for cid, _ in ranked])
    out = [(cid, (score / best if best > 0 else 0.0) * share.get(cid, 0.0)) for cid, score in ranked]
    return sorted(out, key=lambda item: -item[1])


def coverage(index: KeywordIndex, query: str, chunk_ids: list[int]) -> dict[int, float]:
    """chunk id -> idf-weighted share of the query's words that the passage holds (stemmed as FTS does)."""
    words = keyword_words(index, query)
    ids = sorted(set(chunk_ids))
    if not words or not ids:
        return {}
    total, frequency, holding = index.word_statistics(words, ids, DF_ROWS)
    idf = {w: word_idf(total, frequency[w]) for w in words}
    whole = sum(idf.values()) or 1.0
    return {cid: sum(idf[w] for w in words if cid in holding[w]) / whole for cid in ids}
