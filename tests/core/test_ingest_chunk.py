from __future__ import annotations

import itertools
import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.core.ingest.chunk import Span, chunk_spans, simple_token_offsets


def tokens_in(span: Span, offsets: list[tuple[int, int]]) -> int:
    return sum(1 for s, e in offsets if s >= span.start and e <= span.end)


def check_invariants(text: str, spans: list[Span], max_tokens: int) -> None:
    offsets = simple_token_offsets(text)
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)
        piece = text[span.start:span.end]
        assert piece == piece.strip()
        assert tokens_in(span, offsets) <= max_tokens
    assert all(a.start < b.start for a, b in itertools.pairwise(spans))
    for s, e in offsets:  # every token lies inside some span
        assert any(span.start <= s and e <= span.end for span in spans), (s, e)


def test_simple_token_offsets() -> None:
    text = "Hi, there!  x"
    assert [text[s:e] for s, e in simple_token_offsets(text)] == ["Hi", ",", "there", "!", "x"]


def test_short_text_is_one_span() -> None:
    text = "  Just a short note.\n"
    assert chunk_spans(text, simple_token_offsets, max_tokens=50, overlap_tokens=10) == [Span(2, 20)]


def test_empty_and_whitespace() -> None:
    assert chunk_spans("", simple_token_offsets, max_tokens=5, overlap_tokens=1) == []
    assert chunk_spans(" \n\t ", simple_token_offsets, max_tokens=5, overlap_tokens=1) == []


def test_windows_overlap_by_about_overlap_tokens() -> None:
    text = " ".join(f"w{i}" for i in range(100))
    spans = chunk_spans(text, simple_token_offsets, max_tokens=10, overlap_tokens=3)
    pieces = [text[s.start:s.end].split() for s in spans]
    assert all(len(p) == 10 for p in pieces[:-1])
    assert all(a[-3:] == b[:3] for a, b in itertools.pairwise(pieces))
    check_invariants(text, spans, 10)


def test_prefers_paragraph_then_sentence_breaks() -> None:
    words = " ".join(["word"] * 12)
    text = f"{words} ends here.\n\nNext paragraph {words} more words and more words"
    spans = chunk_spans(text, simple_token_offsets, max_tokens=18, overlap_tokens=0)
    assert text[spans[0].start:spans[0].end].endswith("ends here.")
    sentences = f"{words}. Second sentence starts here {words}"
    spans = chunk_spans(sentences, simple_token_offsets, max_tokens=18, overlap_tokens=0)
    assert sentences[spans[0].start:spans[0].end].endswith("word.")
    check_invariants(sentences, spans, 18)


def test_break_too_early_in_the_window_is_ignored() -> None:
    text = "Short. " + " ".join(["word"] * 40)
    spans = chunk_spans(text, simple_token_offsets, max_tokens=12, overlap_tokens=0)
    assert len(text[spans[0].start:spans[0].end].split()) > 3


def test_zero_width_special_tokens_are_ignored() -> None:
    def with_specials(text: str) -> list[tuple[int, int]]:
        return [(0, 0), *simple_token_offsets(text), (0, 0)]

    assert chunk_spans("a b c", with_specials, max_tokens=2, overlap_tokens=0) == [Span(0, 3), Span(4, 5)]


def test_tokens_sharing_a_character_are_not_split() -> None:
    # Byte-level tokenizers give several tokens the same offsets for one emoji.
    def byte_pieces(text: str) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        for s, e in simple_token_offsets(text):
            out.extend([(s, e)] * (4 if text[s] == "😀" else 1))
        return out

    text = "a 😀 b c d e f"
    spans = chunk_spans(text, byte_pieces, max_tokens=3, overlap_tokens=1)
    assert all(a.start < b.start for a, b in itertools.pairwise(spans))
    assert spans[-1].end == len(text)


def test_bad_max_tokens() -> None:
    with pytest.raises(ValueError):
        chunk_spans("x", simple_token_offsets, max_tokens=0, overlap_tokens=0)


def test_large_text_is_linear() -> None:
    text = ("A sentence with some words in it. " * 12 + "\n\n") * 2500  # ~1 MB, ~250k tokens
    offsets = simple_token_offsets(text)
    started = time.perf_counter()
    spans = chunk_spans(text, lambda _t: offsets, max_tokens=256, overlap_tokens=32)
    assert time.perf_counter() - started < 2.0  # generous: a quadratic pass would take minutes
    assert spans[-1].end == len(text.rstrip())


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab .!?\n,\t")) | st.characters(), max_size=400),
    max_tokens=st.integers(1, 30),
    overlap=st.integers(0, 40),
)
def test_properties(text: str, max_tokens: int, overlap: int) -> None:
    spans = chunk_spans(text, simple_token_offsets, max_tokens=max_tokens, overlap_tokens=overlap)
    check_invariants(text, spans, max_tokens)
    if simple_token_offsets(text):
        assert spans


def _word_pieces(text: str) -> list[tuple[int, int]]:
    """Word pieces of at most 3 characters, as a WordPiece tokenizer splits long words ("ve", "##rit")."""
    pieces = []
    for start, end in simple_token_offsets(text):
        pieces.extend((s, min(s + 3, end)) for s in range(start, end, 3))
    return pieces


def test_passages_start_and_end_at_words() -> None:
    """Snippets started mid-word ("ve written…", issue 26): a window's edges fell inside a word's pieces."""
    sentences = [f"Sentence number {n} explains configuration, virtualisation and documentation." for n in range(40)]
    text = " ".join(sentences)
    spans = chunk_spans(text, _word_pieces, max_tokens=37, overlap_tokens=12)
    assert len(spans) > 10
    for span in spans:
        assert span.start == 0 or not text[span.start - 1].isalnum(), text[span.start - 5 : span.start + 10]
        assert span.end == len(text) or not text[span.end].isalnum(), text[span.end - 10 : span.end + 5]
# ---- text without spaces (issue 28) ------------------------------------------------------------

JAPANESE = ("東京都の図書館で日本語の本を読みました。" "カタカナのテキストも検索できます。" * 3) * 20


def test_a_cjk_character_counts_as_a_word() -> None:
    offsets = simple_token_offsets("使用Jaccard相似度。")
    assert offsets == [(0, 1), (1, 2), (2, 9), (9, 10), (10, 11), (11, 12), (12, 13)]
    spans = chunk_spans(JAPANESE, simple_token_offsets, max_tokens=60, overlap_tokens=8)
    assert len(spans) > 10 and all(span.end - span.start <= 60 for span in spans)  # not one endless "word"
    check_invariants(JAPANESE, spans, 60)


def test_passages_end_at_a_cjk_full_stop() -> None:
    def characters(text: str) -> list[tuple[int, int]]:
        return [(i, i + 1) for i, ch in enumerate(text) if not ch.isspace()]

    spans = chunk_spans(JAPANESE, characters, max_tokens=60, overlap_tokens=8)
    assert all(JAPANESE[span.end - 1] == "。" for span in spans[:-1])


def test_a_tokenizer_that_reads_a_kana_run_as_one_word_is_cut_per_character() -> None:
    """A model's tokenizer may give a run of kana one (unknown) token: the passage must not grow to
    the run's length for it."""
    def one_token_per_run(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]  # CJK runs whole, as \w+ reads them

    spans = chunk_spans(JAPANESE, one_token_per_run, max_tokens=60, overlap_tokens=8)
    assert max(span.end - span.start for span in spans) <= 60
