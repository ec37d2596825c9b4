"""A PDF's text as prose: words separated by single spaces, lines in reading order, a paragraph's lines
joined on one line, words hyphenated at a line's end joined, and the furniture repeated on every page
(running heads and feet, page numbers) left out.

pdfminer.six reads the text (its layout analysis gives text boxes in reading order). Measured against
`.txt` twins made from the same source (issue 26; scripts/page_text.py counts words in order): on man
pages typeset by groff (grep, tar) it kept 97.7-98.4% of the words in order, PDFium (pypdfium2) 92-93%
(it drops and invents spaces: "PatternSyntax", "directory,and") and pypdf 88-89%; on the Debian FAQ's
DBLaTeX PDF 94.4% against PDFium's 94.8%, while pypdf glued each line's words together (17%). It is pure
Python: no native code for a hostile file to reach, and safe on the loader threads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_HYPHENATED = re.compile(r"[a-z]{2}-$")
_PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?(?:\d{1,5}|[ivxlcdm]{1,8})(?:\s*(?:/|of)\s*\d{1,5})?$|^[-–—]\s*\d{1,5}\s*[-–—]$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
_DOT_LEADER = re.compile(r"(?: ?\.){4,}")  # a table of contents' ". . . . ." between a title and its page
# Furniture lives in a page's top and bottom bands (shares of its height).
_EDGE_BAND = 0.1
# A band's box this alike to one in the same band of a page near it, or starting alike, is a running head
# or foot ("CHAPTER 4. COMPATIBILITY ISSUES 4.4. HOW SOURCE…" then "… 4.5. CAN I USE…"; "GNU grep 3.8 … 1").
_HEAD_LIKENESS = 0.6
_HEAD_PREFIX = 20
_NEAR_PAGES = 2


@dataclass(frozen=True)
class Box:
    """A text box of a page: its text, and where it is (shares of the page's height from the top)."""

    text: str
    top: float = 0.5
    bottom: float = 0.5


def box_lines(raw: str) -> list[str]:
    """A text box's lines with single spaces."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    lines = (" ".join(_DOT_LEADER.sub(" … ", _SPACES.sub(" ", line)).split()) for line in text.split("\n"))
    return [line for line in lines if line]


def paragraph(lines: Sequence[str]) -> str:
    """A text box's lines as one paragraph: a word hyphenated at a line's end joined again."""
    out: list[str] = []
    for line, after in zip(lines, [*lines[1:], ""], strict=False):
        if _HYPHENATED.search(line) and after[:1].islower():
            out.append(line[:-1])  # "im-" + "proving": one word
        else:
            out.append(line + " ")
    return "".join(out).strip()


def prose(pages: Sequence[Sequence[Box]]) -> str:
    """A PDF's pages, each its text boxes in reading order, as prose: a box is a paragraph on one line,
    pages are apart by a blank line, running heads and feet and page numbers left out."""
    cleaned = [[Box(paragraph(box_lines(b.text)), b.top, b.bottom) for b in page] for page in pages]
    cleaned = [[b for b in page if b.text] for page in cleaned]
    kept = [[b.text for b in page if not _is_furniture(b, number, cleaned)] for number, page in enumerate(cleaned)]
    return "\n\n".join("\n".join(page) for page in kept if page)


def _band(box: Box) -> int:
    """-1 in the top band, 1 in the bottom band, 0 in between."""
    if box.bottom <= _EDGE_BAND:
        return -1
    if box.top >= 1 - _EDGE_BAND:
        return 1
    return 0


def _is_furniture(box: Box, number: int, pages: list[list[Box]]) -> bool:
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


def pdf_pages(data: bytes) -> tuple[list[list[Box]], Exception | None]:
    """Each page's text boxes, read by pdfminer.six; a page that fails ends the reading there, with its error."""
    from io import BytesIO

    from pdfminer.high_level import extract_pages  # lazy: only PDFs need it
    from pdfminer.layout import LAParams, LTTextContainer

    pages: list[list[Box]] = []
    try:
        for page in extract_pages(BytesIO(data), laparams=LAParams()):
            height = max(1.0, float(page.height))
            top_y = float(page.y1)
            pages.append([
                Box(element.get_text(), (top_y - element.y1) / height, (top_y - element.y0) / height)
                for element in page
                if isinstance(element, LTTextContainer)
            ])
    except Exception as error:  # a damaged page: the pages before it are kept
        return pages, error
    return pages, None
