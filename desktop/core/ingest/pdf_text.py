"""A PDF's text as prose: words separated by single spaces, lines in reading order, a paragraph's lines
joined on one line, words hyphenated at a line's end joined (spelt as the document spells them elsewhere:
"re-configure" keeps its hyphen, "32-bit" too), URLs broken by a line joined, a footnote's raised mark a word
of its own, and the furniture repeated on every page (running heads and feet, page numbers:
pdf_furniture.py) left out.

pdfminer.six reads the text (its layout analysis gives text boxes in reading order). Measured against
`.txt` twins made from the same source (issue 26; scripts/page_text.py counts words in order): on man
pages typeset by groff (grep, tar) it kept 98.4-98.9% of the words in order, PDFium (pypdfium2) 92-93%
(it drops and invents spaces: "PatternSyntax", "directory,and") and pypdf 88-89%; on the Debian FAQ's
DBLaTeX PDF 98.4% of what both hold (95.9% of every word: the twin moves footnotes to a chapter's end and
spells cross-references out, the PDF has an index), against PDFium's 94.8% and pypdf's 17% (it glued each
line's words together) on the first, stricter count. It is pure Python: no native code for a hostile file
to reach, and safe on the loader threads. Left as it is: a table of contents, whose page numbers pdfminer
reads as columns of their own."""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Sequence
from typing import Any

from desktop.core.ingest.pdf_furniture import Box, furniture

__all__ = ["Box", "box_lines", "paragraph", "pdf_pages", "prose", "prose_and_headings"]

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_SOFT_HYPHEN = "\u00ad"
_DOT_LEADER = re.compile(r"(?: ?\.){4,}")  # a table of contents' ". . . . ." between a title and its page
_WORD = re.compile(r"[^\W_][\w-]*")
# A line's last word broken by the line: two letters or more before the hyphen ("im-", "De-", "--verba-").
_BROKEN_WORD = re.compile(r"([^\W\d_]{2,})-$")
_NUMBER_HYPHEN = re.compile(r"\d-$")  # "32-" + "bit": the hyphen is the word's own, kept
# A line ending inside a URL the line broke: "(https://www." + "debian.org/…", "(https:" + "//www…".
_URL_TAIL = re.compile(r"(?:https?:|\w://\S*[/.\-_#?=&~])$")
_URL_HEAD = re.compile(r"^(?://|[a-z0-9])")
# A character this much smaller than its line's and raised is a superscript (a footnote's mark): a word apart.
_SUPERSCRIPT_SIZE = 0.8
_SUPERSCRIPT_RISE = 0.25


def box_lines(raw: str) -> list[str]:
    """A text box's lines with single spaces."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace(_SOFT_HYPHEN + "\n", "-\n").replace(_SOFT_HYPHEN, "")
    lines = (" ".join(_DOT_LEADER.sub(" … ", _SPACES.sub(" ", line)).split()) for line in text.split("\n"))
    return [line for line in lines if line]


def vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """The words of a document, lower-cased, hyphenated ones whole: how a word broken by a line is spelt."""
    return frozenset(word.lower() for text in texts for word in _WORD.findall(text))


def _joint(line: str, after: str, words: frozenset[str]) -> str:
    """What goes between a line and the next one of its paragraph: a space, or nothing (a word joined)."""
    if not after:
        return ""
    if _NUMBER_HYPHEN.search(line) and after[:1].isalpha():
        return ""  # "32-" + "bit" = "32-bit"
    broken = _BROKEN_WORD.search(line)
    if broken and after[:1].islower():
        head, tail = broken.group(1).lower(), after.split(" ", 1)[0].lower()
        tail = _WORD.match(tail).group(0) if _WORD.match(tail) else tail
        if f"{head}-{tail}" in words and f"{head}{tail}" not in words:
            return ""  # "re-" + "configure": the document spells it "re-configure"
        return "\b"  # "im-" + "proving": the hyphen goes
    if _URL_TAIL.search(line) and _URL_HEAD.match(after):
        return ""
    return " "


def paragraph(lines: Sequence[str], words: frozenset[str] = frozenset()) -> str:
    """A text box's lines as one paragraph: a word hyphenated at a line's end joined again (spelt as the
    document spells it elsewhere), a URL broken at a line's end joined again."""
    out: list[str] = []
    for line, after in zip(lines, [*lines[1:], ""], strict=False):
        joint = _joint(line, after, words)
        out.append(line[:-1] if joint == "\b" else line + joint)
    return "".join(out).strip()


def prose(pages: Sequence[Sequence[Box]]) -> str:
    """A PDF's pages, each its text boxes in reading order, as prose: a box is a paragraph on one line,
    pages are apart by a blank line, running heads and feet and page numbers left out, a word broken
    between two boxes (a heading's two lines, a page's last line and the next page's first) joined."""
    return prose_and_headings(pages)[0]


def prose_and_headings(pages: Sequence[Sequence[Box]]) -> tuple[str, list[tuple[int, str]]]:
    """`prose`, and its headings as (level, line): boxes of at most a few words set in letters larger than
    the body text's, level 1 the largest."""
    split = [[(box_lines(b.text), b) for b in page] for page in pages]
    words = vocabulary(line for page in split for lines, _ in page for line in lines)
    cleaned = [[Box(paragraph(lines, words), b.top, b.bottom, b.size) for lines, b in page] for page in split]
    cleaned = [[b for b in page if b.text] for page in cleaned]
    kept = [[b for b, left_out in zip(page, marks, strict=True) if not left_out]
            for page, marks in zip(cleaned, furniture(cleaned), strict=True)]
    levels = _heading_levels([b for page in kept for b in page])
    items = _join_across([[(b.text, levels.get(b.size, 0) if _heading_like(b.text) else 0) for b in page]
                          for page in kept], words)
    text = "".join(before + line for before, line, _ in items).lstrip("\n")
    return text, [(level, line) for _, line, level in items if level]


# A heading is set this much larger than the body text, and is short.
_HEADING_SIZE = 1.15
_HEADING_CHARS = 160
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[A-Z]\.|Chapter|Part|Appendix)\s", re.IGNORECASE)  # a heading of its own


def _heading_like(text: str) -> bool:
    return len(text) <= _HEADING_CHARS and any(c.isalpha() for c in text)


def _heading_levels(boxes: list[Box]) -> dict[float, int]:
    """Letter size -> heading level, for the sizes larger than the body text's (the size most letters have)."""
    by_size: dict[float, int] = {}
    for box in boxes:
        if box.size:
            by_size[box.size] = by_size.get(box.size, 0) + len(box.text)
    if not by_size:
        return {}
    body = max(by_size, key=lambda size: by_size[size])
    larger = sorted((size for size in by_size if size >= _HEADING_SIZE * body), reverse=True)
    return {size: level for level, size in enumerate(larger, start=1)}


def _join_across(pages: list[list[tuple[str, int]]], words: frozenset[str]) -> list[tuple[str, str, int]]:
    """Boxes one per line, pages apart by a blank line; a word broken at a box's end joined with the next.
    Each is (what goes before, text, heading level or 0)."""
    items: list[list] = []
    for page in pages:
        for index, (text, level) in enumerate(page):
            if items and _BROKEN_WORD.search(items[-1][1]):
                joint = _joint(items[-1][1], text, words)
                if joint in ("", "\b"):
                    items[-1][1] = (items[-1][1][:-1] if joint == "\b" else items[-1][1]) + text
                    continue
            if index and level and items[-1][2] == level and not _NUMBERED.match(text):
                items[-1][1] += " " + text  # a heading's second line ("… compare with the Free" "Software …")
                continue
            items.append(["\n\n" if index == 0 else "\n", text, level])
    return [(before, text, level) for before, text, level in items]


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
                Box(_box_text(element), (top_y - element.y1) / height, (top_y - element.y0) / height,
                    _letter_size(element))
                for element in page
                if isinstance(element, LTTextContainer)
            ])
    except Exception as error:  # a damaged page: the pages before it are kept
        return pages, error
    return pages, None


def _box_text(box: Any) -> str:
    """A text box's text, a superscript apart from the words around it ("trees²" is "trees 2", not "trees2")."""
    from pdfminer.layout import LTChar, LTTextLine

    lines = [line for line in box if isinstance(line, LTTextLine)] if hasattr(box, "__iter__") else []
    if not lines:
        return str(box.get_text())
    out: list[str] = []
    for line in lines:
        chars = list(line)
        sizes = [c.size for c in chars if isinstance(c, LTChar) and c.get_text().strip()]
        if not sizes:
            out.append(line.get_text())
            continue
        size = statistics.median(sizes)
        base = statistics.median(c.y0 for c in chars if isinstance(c, LTChar) and c.size >= _SUPERSCRIPT_SIZE * size)
        raised = False
        for char in chars:
            text = char.get_text()
            small = isinstance(char, LTChar) and char.size < _SUPERSCRIPT_SIZE * size
            up = small and char.y0 > base + _SUPERSCRIPT_RISE * size
            if up != raised and text.strip():
                if up or text[:1].isalnum():  # "trees²," is "trees 2,"
                    out.append(" ")
                raised = up
            out.append(text)
    return "".join(out)


def _letter_size(box: Any) -> float:
    """The size most of a box's letters have, to half a point."""
    from pdfminer.layout import LTChar, LTTextLine

    sizes: dict[float, int] = {}
    for line in box if hasattr(box, "__iter__") else ():
        if isinstance(line, LTTextLine):
            for char in line:
                if isinstance(char, LTChar) and char.get_text().strip():
                    size = round(float(char.size) * 2) / 2
                    sizes[size] = sizes.get(size, 0) + 1
    return max(sizes, key=lambda size: sizes[size]) if sizes else 0.0
