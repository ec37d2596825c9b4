"""The keyword fill-up both kinds of library share (common/keyword_fill.py)."""

from __future__ import annotations

from desktop.core.common.keyword_fill import fill_up


def test_any_word_rows_fill_below_the_all_words_ones_without_repeats() -> None:
    ranked = [(7, 3.0), (2, 1.5)]
    more = iter([(2, 9.0), (5, 4.0), (9, 0.5), (11, 0.4), (12, 0.3)])
    assert fill_up(ranked, more, 4) == [(7, 3.0), (2, 1.5), (5, 1.5), (9, 0.5)]
    assert next(more) == (11, 0.4)  # reads no further than the limit: the rest are never fetched


def test_nothing_matched_all_words_keeps_the_fill_scores() -> None:
    assert fill_up([], [(3, 2.0), (4, 1.0)], 5) == [(3, 2.0), (4, 1.0)]
