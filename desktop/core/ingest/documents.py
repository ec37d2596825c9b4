"""Text from PDF and Word files. Both parsers see hostile bytes; the caller turns any
exception into SkipFile, and the cheap checks here give clearer reasons first."""

from __future__ import annotations

import contextlib
import logging
import zipfile
from io import BytesIO
from typing import TYPE_CHECKING

from desktop.core.common.errors import SkipFile
from desktop.core.ingest.pdf_text import Box, pdf_pages, prose, prose_and_headings

if TYPE_CHECKING:
    from docx.table import Table
    from pypdf import PdfReader

# A .docx is a zip: a small file can expand to gigabytes of XML (a zip bomb).
_MAX_DOCX_UNZIPPED = 256 * 1024 * 1024


def pdf_to_text(data: bytes) -> tuple[str, str, list[tuple[int, str]]]:
    """(title, text, headings as (level, line)) of a PDF as prose (pdf_text.py), pages apart by blank lines;
    title from its metadata."""
    from pypdf import PasswordType, PdfReader  # lazy: pypdf is only needed for PDFs
    from pypdf.errors import DependencyError

    # fontTools (used through the PDF libraries for embedded fonts) logs a warning per odd glyph
    # table: 200 lines in the terminal while reading a few PDFs (issue 13). Errors still show.
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # likewise a line per odd font or object

    if b"%PDF" not in data[:1024]:  # readers allow junk before the header, within reason
        raise SkipFile("could not read this PDF file: it is not a PDF")
    reader = PdfReader(BytesIO(data))
    if reader.is_encrypted:
        # Many PDFs are "encrypted" only to restrict printing, with an empty password.
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise SkipFile("the PDF is encrypted in a way this app cannot open") from None
        if opened == PasswordType.NOT_DECRYPTED:
            raise SkipFile("the PDF is protected by a password")
    boxes, failure = pdf_pages(data)
    text, headings = prose_and_headings(boxes)
    if not text.strip():
        # pdfminer found nothing (or failed at once): pypdf's reading, in words apart by single spaces.
        text, pypdf_failure = _pypdf_text(reader)
        failure = failure if failure is not None else pypdf_failure
        if failure is not None and not text.strip():
            raise failure
    title = ""
    try:
        metadata = reader.metadata
        if metadata is not None and metadata.title:
            title = str(metadata.title)
    except Exception:
        pass  # a broken info dictionary costs only the title
    return title.strip(), text, headings


def _pypdf_text(reader: PdfReader) -> tuple[str, Exception | None]:
    pages: list[str] = []
    failure: Exception | None = None
    for page in reader.pages:
        try:
            pages.append(prose([[Box(line) for line in (page.extract_text() or "").split("\n")]]))
        except Exception as error:  # one bad page should not lose the others
            failure = error
    return "\n\n".join(p for p in pages if p), failure


def docx_to_text(data: bytes) -> tuple[str, str, list[tuple[int, str]]]:
    """(title, text, headings as (level, paragraph)) of a Word .docx: paragraphs and table rows in reading
    order; a heading is a paragraph in one of Word's "Heading N" styles."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise SkipFile("could not read this Word file: it is not a valid .docx file") from None
    if unzipped > _MAX_DOCX_UNZIPPED:
        raise SkipFile("could not read this Word file: it unpacks to more than 256 MB")

    import docx  # lazy: python-docx pulls in lxml
    from docx.table import Table

    document = docx.Document(BytesIO(data))
    parts: list[str] = []
    headings: list[tuple[int, str]] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            parts.extend(_table_rows(block))
        else:
            parts.append(block.text)
            level = _heading_level(block)
            if level and block.text.strip():
                headings.append((level, block.text))
    title = ""
    with contextlib.suppress(Exception):  # a broken core.xml costs only the title
        title = document.core_properties.title or ""
    return title.strip(), "\n".join(parts), headings


def _heading_level(paragraph: object) -> int:
    """N of a paragraph in Word's "Heading N" style (the name Word gives it in every language's file), else 0."""
    try:
        name = paragraph.style.name or ""  # type: ignore[attr-defined]
    except Exception:  # a style missing from styles.xml: a paragraph like any other
        return 0
    words = name.split()
    return int(words[1]) if len(words) == 2 and words[0] == "Heading" and words[1].isdigit() else 0


def _table_rows(table: Table) -> list[str]:
    rows: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        cells: list[str] = []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text.strip())
        rows.append("\t".join(c for c in cells if c))
    return rows
