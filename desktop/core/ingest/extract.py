"""One entry point from a file's bytes to its title and plain text.

Extraction must never raise anything but SkipFile: parsers meet hostile and broken
files, and one of them must not end a run of thousands.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from desktop.core.common.errors import SkipFile
from desktop.core.ingest.decode import decode_text
from desktop.core.ingest.documents import docx_to_text, pdf_to_text
from desktop.core.ingest.headings import Heading, located, markdown_headings, rst_headings
from desktop.core.ingest.html_text import declared_charset, read_page
from desktop.core.ingest.main_content import main_text

__all__ = ["Extracted", "decode_text", "extract_text"]


@dataclass(frozen=True)
class Extracted:
    title: str
    text: str
    headings: tuple[Heading, ...] = ()  # section headings, where they are in `text`


_FORMAT_NAMES = {".pdf": "PDF", ".docx": "Word", ".html": "HTML", ".htm": "HTML", ".xhtml": "HTML",
                 ".xml": "XML"}
_MARKUP = frozenset({".html", ".htm", ".xhtml", ".xml"})
_WEB_PAGES = frozenset({".html", ".htm", ".xhtml"})  # pages with navigation around their content; XML has none
_MD_HEADING = re.compile(r"^ {0,3}#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.MULTILINE)
_UNDERLINE = re.compile(r"^([=\-~^*+#`:.'\"_])\1{2,}[ \t]*$")
_HEADING_SEARCH_LINES = 60
_MAX_TITLE = 200
# Titles that generators write into a document's metadata and that say nothing about it: three PDFs
# all titled "Enscript Output" could not be told apart (issue 13). Such a title gives way to one in
# the text, then to the file name.
_GENERIC_TITLE = re.compile(
    r"^(?:enscript output|untitled(?:[ -]?\d+)?|untitled document|no title|title|document\d*|"
    r"microsoft (?:word|powerpoint|excel) - .*|powerpoint presentation|slide \d+|"
    r"print(?:ed)? (?:job|document)|stdin|-|\(anonymous\)|"
    r".*\.(?:docx?|pdf|tex|dvi|ps|txt|rtf|odt|pptx?|xlsx?))$",
    re.IGNORECASE,
)


def extract_text(data: bytes, name: str) -> Extracted:
    """Title and text of a document; `name` (a file name or path) picks the format."""
    suffix = os.path.splitext(name)[1].lower()
    try:
        title, text, wanted = _extract(data, suffix)
    except SkipFile:
        raise
    except Exception as error:  # includes MemoryError and RecursionError from deep documents
        kind = _FORMAT_NAMES.get(suffix, "text")
        raise SkipFile(f"could not read this {kind} file: {_short(error)}") from None
    text = _normalise_newlines(text)
    if not text.strip():
        raise SkipFile("no text found in the document")
    title = " ".join(title.split())[:_MAX_TITLE]
    if is_generic_title(title):
        title = ""
    title = title or _plain_title(text, suffix) or _stem(name)
    return Extracted(title=title, text=text, headings=tuple(_headings(text, suffix, wanted)))


def _headings(text: str, suffix: str, wanted: Sequence[tuple[int, str]]) -> list[Heading]:
    if suffix in (".md", ".markdown"):
        return markdown_headings(text)
    if suffix == ".rst":
        return rst_headings(text)
    return located(text, wanted) if wanted else []


def is_generic_title(title: str) -> bool:
    """A metadata title made by a program ("Enscript Output", "Microsoft Word - x.doc", "untitled")."""
    return bool(_GENERIC_TITLE.match(title.strip()))


def _extract(data: bytes, suffix: str) -> tuple[str, str, list[tuple[int, str]]]:
    """(title, text, the headings to find in the text as (level, heading))."""
    if suffix == ".pdf":
        return pdf_to_text(data)
    if suffix == ".docx":
        return docx_to_text(data)
    if suffix in _MARKUP:
        markup = decode_text(data, declared=declared_charset(data))
        page = read_page(markup)
        text = main_text(markup, page) if suffix in _WEB_PAGES else page.text
        return page.title, text, list(zip(page.levels, page.headings, strict=True))
    return "", decode_text(data), []


def _normalise_newlines(text: str) -> str:
    # Offsets into this text are stored with each passage: one newline style only.
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _plain_title(text: str, suffix: str) -> str:
    """A title written in the text itself: a Markdown "# heading" or an underlined line."""
    head = text[:8192]
    if suffix in (".md", ".markdown"):
        match = _MD_HEADING.search(head)
        if match:
            return match.group(1).strip()[:_MAX_TITLE]
    if suffix in (".md", ".markdown", ".rst", ".txt", ".text"):
        lines = head.split("\n")[:_HEADING_SEARCH_LINES]
        for line, below in itertools.pairwise(lines):
            stripped = line.strip()
            if stripped and not _UNDERLINE.match(stripped) and _UNDERLINE.match(below.strip()) \
                    and len(below.strip()) >= min(len(stripped), 3):
                return stripped[:_MAX_TITLE]
    return ""


def _stem(name: str) -> str:
    base = os.path.basename(name.rstrip("/\\")) or name
    stem, _suffix = os.path.splitext(base)
    return stem or base


def _short(error: BaseException) -> str:
    message = str(error).strip().split("\n", 1)[0]
    if not message:
        return type(error).__name__
    return message if len(message) <= 120 else message[:117] + "..."
