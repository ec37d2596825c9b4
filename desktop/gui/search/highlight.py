"""Marking the query's words inside passages, for result rows and the preview.

The core says which passage matched; this only makes the words a reader looks for stand
out. Prefix matching ("receipt" lights up "receipts") is enough for the eye.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable

_WORD = re.compile(r"\w+", re.UNICODE)
_STOP_WORDS = (
    "a an and are as at be by for from has have how i in is it its of on or that the this to was what "
    "when where which who why with you your"
)
_STOP = frozenset(_STOP_WORDS.split())


def query_terms(query: str) -> list[str]:
    words = [w.lower() for w in _WORD.findall(query)]
    return list(dict.fromkeys(w for w in words if len(w) > 2 and w not in _STOP))


def terms_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    # A light stem (drop a trailing s/es/ing) so "photos" also marks "photo" and "photographs".
    stems = sorted({re.sub(r"(ing|es|s)$", "", t) or t for t in terms}, key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)


def excerpt(text: str, terms: list[str], max_chars: int = 320) -> str:
    """One line of text around the first query word, with ellipses where it was cut."""
    flat = " ".join(text.split())
    if len(flat) <= max_chars:
        return flat
    pattern = terms_pattern(terms)
    match = pattern.search(flat) if pattern else None
    start = 0 if match is None else max(0, match.start() - max_chars // 4)
    if start:
        space = flat.find(" ", start)
        start = space + 1 if 0 <= space < start + 20 else start
    piece = flat[start : start + max_chars]
    cut = piece.rfind(" ")
    if cut > max_chars * 0.8:
        piece = piece[:cut]
    return ("… " if start else "") + piece + " …"


def highlight_html(text: str, terms: list[str], colour: str = "#fde68a") -> str:
    """HTML-escaped text with the query words in bold on a soft marker colour."""
    pattern = terms_pattern(terms)
    if pattern is None:
        return html.escape(text)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        # Dark text on the marker, so it stays legible on a selected (dark) row too.
        out.append(f'<b style="background-color:{colour}; color:#1f2937">{html.escape(match.group(0))}</b>')
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def term_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    pattern = terms_pattern(terms)
    return [] if pattern is None else [(m.start(), m.end()) for m in pattern.finditer(text)]


def utf16_offsets(text: str) -> Callable[[int], int]:
    """Map code-point offsets into `text` (what the core counts) to UTF-16 positions (what Qt counts).

    Every character outside the Basic Multilingual Plane (emoji, some CJK) takes two UTF-16 units,
    so each one before an offset pushes Qt's position one further along.
    """
    astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]
    if not astral:
        return lambda offset: offset
    return lambda offset: offset + bisect.bisect_left(astral, offset)
