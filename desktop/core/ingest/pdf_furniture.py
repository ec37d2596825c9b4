"""A PDF page's furniture: running heads and feet and page numbers, repeated on every page and read by nobody.

Two signs, either enough. The text: a box in a page's top or bottom band alike to one in the same band of a
page near it ("CHAPTER 4. COMPATIBILITY ISSUES 4.4. HOW SOURCE…" then "… 4.5. CAN I USE…"; "GNU grep 3.8 … 1"),
or a page number. The place: a page's outermost line standing apart from the rest of the page (a gap of more
than its own height and a half), at the very place where at least two other pages have theirs. That catches
the heads no neighbour repeats: DBLaTeX's "CHAPTER 2. GETTING AND INSTALLING …" is on one page only, its
chapter being two pages long with the first one bare. A document's first or last line of body text sits at a
place of its own too, but closer to the text after (or before) it, and is kept.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?(?:\d{1,5}|[ivxlcdm]{1,8})(?:\s*(?:/|of)\s*\d{1,5})?$|^[-–—]\s*\d{1,5}\s*[-–—]$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Furniture lives in a page's top and bottom bands (shares of its height).
_EDGE_BAND = 0.1
_HEAD_LIKENESS = 0.6
_HEAD_PREFIX = 20
_NEAR_PAGES = 2
# The place sign: where a page's outermost line is, to this share of the page's height; how many pages.
_PLACE_GRID = 0.004
_PLACE_PAGES = 3
_PLACE_GAP = 1.5  # the gap to the rest of the page, in the line's own heights


@dataclass(frozen=True)
class Box:
    """A text box of a page: its text, where it is (shares of the page's height from the top), and the
    size of its letters (points; 0 when unknown)."""

    text: str
    top: float = 0.5
    bottom: float = 0.5
    size: float = 0.0


def furniture(pages: list[list[Box]]) -> list[list[bool]]:
    """For each box of each page: is it furniture?"""
    places = _recurring_places(pages)
    return [[_by_text(box, number, pages) or _by_place(box, page, places) for box in page]
            for number, page in enumerate(pages)]


def _band(box: Box) -> int:
    """-1 in the top band, 1 in the bottom band, 0 in between."""
    if box.bottom <= _EDGE_BAND:
        return -1
    if box.top >= 1 - _EDGE_BAND:
        return 1
    return 0


def _by_text(box: Box, number: int, pages: list[list[Box]]) -> bool:
    band = _band(box)
    if not band:
        return False
    if _PAGE_NUMBER.match(box.text):
        return True
    masked = _DIGITS.sub("#", box.text)
    for other in range(max(0, number - _NEAR_PAGES), min(len(pages), number + _NEAR_PAGES + 1)):
        if other == number:
            continue
        for candidate in pages[other]:
            if _band(candidate) != band:
                continue
            other_masked = _DIGITS.sub("#", candidate.text)
            if len(masked) >= _HEAD_PREFIX and masked[:_HEAD_PREFIX] == other_masked[:_HEAD_PREFIX]:
                return True
            likeness = difflib.SequenceMatcher(None, masked, other_masked, autojunk=False)
            if likeness.quick_ratio() >= _HEAD_LIKENESS and likeness.ratio() >= _HEAD_LIKENESS:
                return True
    return False


def _place(box: Box) -> tuple[int, int, int]:
    return _band(box), round(box.top / _PLACE_GRID), round(box.bottom / _PLACE_GRID)


def _apart(box: Box, page: list[Box]) -> bool:
    """Is `box` on its page's outermost line in its band, apart from the rest of the page by a wide gap?"""
    band = _band(box)
    height = max(box.bottom - box.top, 1e-3)
    tolerance = height / 2
    if band < 0:
        if any(other.top < box.top - tolerance for other in page):
            return False
        rest = [other.top for other in page if other.top > box.top + tolerance]  # not its own line
        return not rest or min(rest) - box.bottom >= _PLACE_GAP * height
    if any(other.bottom > box.bottom + tolerance for other in page):
        return False
    rest = [other.bottom for other in page if other.bottom < box.bottom - tolerance]
    return not rest or box.top - max(rest) >= _PLACE_GAP * height


def _recurring_places(pages: list[list[Box]]) -> set[tuple[int, int, int]]:
    """The places of outermost lines standing apart that at least three pages share."""
    seen: Counter[tuple[int, int, int]] = Counter()
    for page in pages:
        seen.update({_place(box) for box in page if _band(box) and _apart(box, page)})
    return {place for place, count in seen.items() if count >= _PLACE_PAGES}


def _by_place(box: Box, page: list[Box], places: set[tuple[int, int, int]]) -> bool:
    return bool(_band(box)) and _place(box) in places and _apart(box, page)
