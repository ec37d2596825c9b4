"""What the keyword plans of both kinds of library share (catalog/keyword_index.py on SQLite's FTS5,
server/keywords.py on PostgreSQL's full-text search): the fill-up and a word's idf. They live here,
on the floor both may import.

Passages holding *all* the query's words rank first. When they are fewer than asked for, passages
holding *any* of the words fill the list, each scored no higher than the weakest all-words one, so
the list stays in score order and fusion (which divides by the best score) never lets a one-word
match outscore a passage that holds them all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

Ranked = list[tuple[int, float]]  # (chunk id, score, higher is better), best first


def fill_up(ranked: Ranked, more: Iterable[tuple[int, float]], limit: int) -> Ranked:
    """`ranked` (the all-words rows), then rows of `more` not already in it, held below its scores,
    until `limit` rows. Extends and returns `ranked`."""
    seen = {rowid for rowid, _ in ranked}
    ceiling = min((score for _, score in ranked), default=float("inf"))
    if len(ranked) >= limit:
        return ranked
    for rowid, score in more:
        if rowid not in seen:
            seen.add(rowid)
            ranked.append((rowid, min(score, ceiling)))
            if len(ranked) >= limit:
                break
    return ranked


def word_idf(passages: int, holding: int) -> float:
    """A word's inverse document frequency: `holding` of `passages` rows hold it. Never negative: a
    word in most rows carries no information, not negative information."""
    return max(0.0, math.log((passages + 1.0) / (holding + 0.5)))
