"""Issue 13 item 9 (titles) and 22 (fontTools noise): what the results list names a document by."""

from __future__ import annotations

import logging
from io import BytesIO

import pytest

from desktop.core.ingest.extract import extract_text, is_generic_title


def pdf_bytes(text: str, title: str) -> bytes:
    """A one-page PDF with `text` on it and `title` in its information dictionary."""
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(300, 200)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    fonts = DictionaryObject({NameObject("/F1"): writer._add_object(font)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): fonts})
    stream = DecodedStreamObject()
    stream.set_data(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": title})
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("generic", ["Enscript Output", "Microsoft Word - minutes.doc", "untitled", "Untitled-3",
                                     "Document1", "report_final.pdf", "PowerPoint Presentation"])
def test_generator_titles_fall_back_to_the_file_name(generic: str) -> None:
    assert is_generic_title(generic)
    got = extract_text(pdf_bytes("Water board minutes", generic), "/docs/minutes-2023-03.pdf")
    assert got.title == "minutes-2023-03"


def test_three_enscript_pdfs_can_be_told_apart() -> None:
    titles = {extract_text(pdf_bytes(f"Page {n}", "Enscript Output"), f"notes-{n}.pdf").title for n in range(3)}
    assert titles == {"notes-0", "notes-1", "notes-2"}


@pytest.mark.parametrize("real", ["Water board minutes", "Untitled Goose Game review", "Word 2010 tips"])
def test_real_titles_are_kept(real: str) -> None:
    assert not is_generic_title(real)
    assert extract_text(pdf_bytes("Some text", real), "x.pdf").title == real


def test_reading_a_pdf_silences_fonttools_warnings() -> None:
    logging.getLogger("fontTools").setLevel(logging.NOTSET)
    extract_text(pdf_bytes("Some text", "A title"), "x.pdf")
    assert logging.getLogger("fontTools").getEffectiveLevel() >= logging.ERROR
