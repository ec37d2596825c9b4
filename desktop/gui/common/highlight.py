"""Marking the query's words inside passages, for result rows (search/) and the preview (preview/).

The core says which passage matched; this only makes the words a reader looks for stand
out. Prefix matching ("receipt" lights up "receipts") is enough for the eye.
"""

from __future__ import annotations

import bisect
import html
import re
import unicodedata
from collections.abc import Callable

from desktop.core.common.cjk import CJK_CLASS, fold, has_cjk
from desktop.core.common.query_words import query_words


def query_terms(query: str) -> list[str]:
    """The words to mark: exactly the words the keyword search looks for (core/common/query_words.py),
    so what lights up is what matched. A Chinese or Japanese word of any length counts."""
    return query_words(query)


# A letter or digit of a script written with spaces: what a Latin word's edges are measured against,
# so "Jaccard" is marked inside "使用Jaccard相似度" (there \b sees no edge).
_SPACED = rf"[^\W{CJK_CLASS}]"


def terms_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # Full-width letters are matched as their ASCII forms, as the keyword index does: the texts are searched
    # folded too (common/cjk.fold keeps every position), so "json" marks "ＪＳＯＮ" and 图书馆 marks 圖書館.
    terms = [fold(t) for t in terms]
    # A light stem (drop a trailing s/es/ing) so "photos" also marks "photo" and "photographs".
    stems = sorted({re.sub(r"(ing|es|s)$", "", t) or t for t in terms if not has_cjk(t)}, key=len, reverse=True)
    # Words with CJK characters are marked exactly as typed, wherever they stand: no spaces mark their edges.
    exact = sorted({t for t in terms if has_cjk(t)}, key=len, reverse=True)
    # A line break may stand between two of its characters: text wrapped at a fixed width (the
    # keyword index reads such a run whole too, common/cjk.py).
    parts = [r"[^\S\n]*\n?[^\S\n]*".join(re.escape(ch) for ch in t) for t in exact]
    if stems:
        parts.append(rf"(?<!{_SPACED})(?:" + "|".join(re.escape(s) for s in stems) + rf"){_SPACED}*")
    return re.compile("|".join(parts), re.IGNORECASE)


def _width(char: str) -> int:
    """Columns a character takes: Chinese, Japanese and Korean ones are drawn twice as wide."""
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def excerpt(text: str, terms: list[str], max_chars: int = 320) -> str:
    """One line of text around the first query word, with ellipses where it was cut. `max_chars`
    counts columns: a CJK character takes two, so a Chinese snippet shows as much of the row as an
    English one and its matched word is not pushed out of the lines shown."""
    flat = " ".join(text.split())
    widths = [_width(ch) for ch in flat]
    if sum(widths) <= max_chars:
        return flat
    pattern = terms_pattern(terms)
    match = pattern.search(fold(flat)) if pattern else None
    start = 0
    if match is not None:
        start, before = match.start(), 0
        while start > 0 and before + widths[start - 1] <= max_chars // 4:
            start -= 1
            before += widths[start]
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    end, used = start, 0
    while end < len(flat) and used + widths[end] <= max_chars:
        used += widths[end]
        end += 1
    piece = flat[start:end]
    cut = piece.rfind(" ")
    if cut > len(piece) * 0.8:
        piece = piece[:cut]
    return ("… " if start else "") + piece + " …"


def highlight_html(text: str, terms: list[str], colour: str = "#fde68a") -> str:
    """HTML-escaped text with the query words in bold on a soft marker colour."""
    pattern = terms_pattern(terms)
    if pattern is None:
        return html.escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(fold(text)):
        out.append(html.escape(text[last : match.start()]))
        # Dark text on the marker, so it stays legible on a selected (dark) row too.
        marked = html.escape(text[match.start() : match.end()])
        out.append(f'<b style="background-color:{colour}; color:#1f2937">{marked}</b>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = terms_pattern(terms)
    return [] if pattern is None else [(m.start(), m.end()) for m in pattern.finditer(fold(text))]


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Map code-point offsets into `text` (what the core counts) to UTF-16 positions (what Qt counts).

    Every character outside the Basic Multilingual Plane (emoji, some CJK) takes two UTF-16 units,
    so each one before an offset pushes Qt's position one further along.
    """
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return lambda offset: offset
    return lambda offset: offset + bisect.bisect_left(astral, offset)
