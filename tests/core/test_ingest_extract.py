from __future__ import annotations

import codecs
import os
import zipfile
from io import BytesIO

import pytest

from desktop.core.common.errors import SkipFile
from desktop.core.ingest import documents
from desktop.core.ingest.extract import Extracted, decode_text, extract_text
from tests.core.ingest_samples import make_docx, make_encrypted_pdf, make_pdf

FRENCH = "Le café de la gare était fermé; nous avons mangé une crème brûlée à l'hôtel.\n"


# -- decoding ---------------------------------------------------------------


def test_utf8_and_bom() -> None:
    assert decode_text("naïve ☕".encode()) == "naïve ☕"
    assert decode_text(codecs.BOM_UTF8 + "naïve".encode()) == "naïve"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(encoding: str) -> None:
    text = "Grüße aus Köln — 東京 too.\nSecond line.\n" * 3
    assert decode_text(text.encode(encoding)) == text


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1(encoding: str) -> None:
    assert decode_text(FRENCH.encode(encoding)) == FRENCH
    assert decode_text("café".encode(encoding)) == "café"


def test_invalid_utf8_that_is_latin1_text() -> None:
    data = "Der Bär läuft über die Straße. Grüße!\n".encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data) == "Der Bär läuft über die Straße. Grüße!\n"


def test_mostly_utf8_with_a_stray_byte_stays_utf8() -> None:
    data = ("Zürich, Genève, Köln, München. " * 5).encode() + b"price: 5\xa3\n"
    text = decode_text(data)
    assert text.startswith("Zürich, Genève") and text.endswith("price: 5\ufffd\n")


def test_cyrillic_legacy_encoding() -> None:
    text = "Привет, мир! Как дела? Всё хорошо, спасибо.\n" * 2
    assert decode_text(text.encode("cp1251")) == text


def test_html_declared_charset() -> None:
    page = '<html><head><meta charset="windows-1252"><title>Menü</title></head><body>Crème</body></html>'
    assert extract_text(page.encode("cp1252"), "a.html") == Extracted("Menü", "Crème")


@pytest.mark.parametrize("data", [
    bytes(range(256)) * 4,
    b"\x7fELF\x02\x01\x01\x00\x00\x00" + os.urandom(2000),
    bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15]) * 50 + b"some words",  # control characters, no NULs
])
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(SkipFile, match="binary"):
        decode_text(data)
    with pytest.raises(SkipFile, match="binary"):
        extract_text(data, "named-like-text.txt")


# -- plain formats ----------------------------------------------------------


def test_plain_text_newlines_and_filename_title() -> None:
    result = extract_text(b"one\r\ntwo\rthree\n", "/some/dir/notes.txt")
    assert result == Extracted("notes", "one\ntwo\nthree\n")


def test_markdown_title() -> None:
    text = "Intro line\n\n# Plumber receipts #\n\nPaid 40 EUR.\n## Later\n"
    assert extract_text(text.encode(), "r.md").title == "Plumber receipts"
    setext = "Big title\n=========\n\nbody\n"
    assert extract_text(setext.encode(), "r.markdown").title == "Big title"


def test_rst_title() -> None:
    text = "\n\n=======\nOverline\n=======\n\nBody text.\n"
    assert extract_text(text.encode(), "doc.rst").title == "Overline"
    plain = "\nInstalling\n----------\n\nRun it.\n"
    assert extract_text(plain.encode(), "doc.rst").title == "Installing"
    assert extract_text(b"no heading here\njust text\n", "doc.rst").title == "doc"


def test_source_code_is_text() -> None:
    assert "def main" in extract_text(b"def main():\n    return 1\n", "tool.py").text


@pytest.mark.parametrize("data", [b"", b"   \n\t\n", codecs.BOM_UTF8])
def test_no_text(data: bytes) -> None:
    with pytest.raises(SkipFile, match="no text found"):
        extract_text(data, "a.txt")


# -- HTML -------------------------------------------------------------------


def test_html() -> None:
    page = b"""<!DOCTYPE html><html><head><title> Fish &amp; Chips </title>
    <style>body { color: red }</style><script>var x = "<p>hidden</p>";</script></head>
    <body><h1>Menu</h1><p>Cod &amp; chips &mdash; &pound;9 &#x263A;</p>
    <ul><li>one</li><li>two</li></ul>
    <svg><title>icon title</title><text>svg text</text></svg>
    <table><tr><td>a</td><td>b</td></tr></table>
    line<br>break<pre>  keep   spaces</pre></body></html>"""
    result = extract_text(page, "menu.htm")
    assert result.title == "Fish & Chips"
    assert "Cod & chips — £9 ☺" in result.text
    assert "hidden" not in result.text and "color" not in result.text
    assert "svg text" not in result.text and "icon title" not in result.text
    assert "one\ntwo" in result.text and "line\nbreak" in result.text
    assert "a\tb" in result.text
    assert "keep   spaces" in result.text
    assert result.text.startswith("Menu\n\nCod")


def test_html_title_falls_back_to_h1() -> None:
    assert extract_text(b"<h1>The <b>real</b> title</h1><p>x</p>", "p.html").title == "The real title"


def test_html_with_only_scripts_has_no_text() -> None:
    with pytest.raises(SkipFile, match="no text found"):
        extract_text(b"<script>alert(1)</script>", "x.html")


# -- PDF --------------------------------------------------------------------


def test_pdf_pages_and_title() -> None:
    result = extract_text(make_pdf(["First page text.", "Second (page) text."], title="Quarterly"), "q.pdf")
    assert result.title == "Quarterly"
    assert result.text == "First page text.\n\nSecond (page) text."


def test_pdf_without_metadata_uses_file_name() -> None:
    assert extract_text(make_pdf(["Hello"]), "dir/report 2024.PDF").title == "report 2024"


def test_pdf_without_text() -> None:
    with pytest.raises(SkipFile, match="no text found"):
        extract_text(make_pdf([""]), "scan.pdf")


@pytest.mark.parametrize("data", [
    b"not a pdf at all",
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\ntrailer\n<<>>\n%%EOF",
    make_pdf(["Hello there"])[:200],
    b"%PDF-1.7\n" + bytes(range(256)) * 20,
])
def test_broken_pdf(data: bytes) -> None:
    with pytest.raises(SkipFile) as info:
        extract_text(data, "broken.pdf")
    assert info.value.reason.startswith(("could not read this PDF file", "no text found"))


def test_pdf_with_password() -> None:
    with pytest.raises(SkipFile, match="password"):
        extract_text(make_encrypted_pdf("Top secret", user_password="pw"), "locked.pdf")


def test_pdf_encrypted_with_empty_password_still_reads() -> None:
    assert "Only printing" in extract_text(make_encrypted_pdf("Only printing is limited", ""), "x.pdf").text


# -- DOCX -------------------------------------------------------------------


def test_docx() -> None:
    result = extract_text(make_docx(title="Invoice 42"), "invoice.docx")
    assert result.title == "Invoice 42"
    assert result.text.split("\n") == [
        "Plumbing invoice", "The boiler was repaired on Tuesday.", "Labour\t120 EUR", "Parts\t45 EUR",
        "Paid in full."]


def test_docx_title_falls_back_to_name() -> None:
    assert extract_text(make_docx(), "letters/invoice.docx").title == "invoice"


def test_broken_docx() -> None:
    with pytest.raises(SkipFile, match="could not read this Word file"):
        extract_text(b"PK\x03\x04 not really a zip", "x.docx")
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "a zip, but not a Word document")
    with pytest.raises(SkipFile, match="could not read this Word file"):
        extract_text(out.getvalue(), "x.docx")


def test_docx_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(documents, "_MAX_DOCX_UNZIPPED", 1000)
    with pytest.raises(SkipFile, match="unpacks to more than"):
        extract_text(make_docx(), "bomb.docx")


# -- never anything but SkipFile -------------------------------------------


@pytest.mark.parametrize("name", ["a.pdf", "a.docx", "a.html", "a.txt", "a.md", "a.rst", "a.xml"])
@pytest.mark.parametrize("seed", range(5))
def test_garbage_only_ever_raises_skipfile(name: str, seed: int) -> None:
    import random

    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
    try:
        result = extract_text(data, name)
    except SkipFile as skip:
        assert skip.reason
    else:
        assert result.text.strip()


def test_parser_crash_becomes_skipfile(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(data: bytes) -> tuple[str, str]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr("desktop.core.ingest.extract.pdf_to_text", explode)
    with pytest.raises(SkipFile) as info:
        extract_text(b"%PDF-1.4", "deep.pdf")
    assert info.value.reason == "could not read this PDF file: maximum recursion depth exceeded"


# -- PDF text as prose (pdf_text.py) ------------------------------------------


def test_pdf_prose_joins_lines_and_hyphenation_with_single_spaces() -> None:
    from desktop.core.ingest.pdf_text import Box, prose

    page = [Box("More than 1012 volunteers are working on im-\nproving Debian;\tthe  developers\ncontribute.\n"),
            Box("A well-\nKnown case.\n")]
    assert prose([page]) == ("More than 1012 volunteers are working on improving Debian; the developers contribute."
                             "\nA well- Known case.")


def test_pdf_prose_spells_a_broken_word_as_the_document_does() -> None:
    from desktop.core.ingest.pdf_text import Box, prose

    page = [Box("Called De-\nbian GNU/Hurd, on i386 32-\nbit PCs; run dpkg-re-\nconfigure or re-configure"),
            Box("(https://www.\ndebian.org/ports/) and (https:\n//www.gnu.org/) then\n"
                "hyphen\u00ad\nation, soft\u00adly.")]
    assert prose([page]) == ("Called Debian GNU/Hurd, on i386 32-bit PCs; run dpkg-re-configure or re-configure\n"
                             "(https://www.debian.org/ports/) and (https://www.gnu.org/) then hyphenation, softly.")


def test_pdf_prose_joins_a_word_broken_between_boxes_and_pages() -> None:
    from desktop.core.ingest.pdf_text import Box, prose

    heading = [Box("4.4 How source code compatible is Debian with other Unix sys-", 0.2, 0.22),
               Box("tems?", 0.22, 0.24), Box("For most applications, the pack-", 0.3, 0.8)]
    assert prose([heading, [Box("ages are the same.", 0.2, 0.5)]]) == (
        "4.4 How source code compatible is Debian with other Unix systems?\nFor most applications, the packages are"
        " the same.")


def test_pdf_prose_drops_page_numbers_and_running_heads_not_text() -> None:
    from desktop.core.ingest.pdf_text import Box, prose

    def page(number: int, body: str) -> list[Box]:
        return [Box(f"CHAPTER 4. COMPATIBILITY ISSUES 4.{number}. HOW SOURCE CODE…", 0.03, 0.05),
                Box(body, 0.2, 0.8), Box(str(number), 0.95, 0.97)]

    text = prose([page(n, f"Body of page {n}, which talks about compatibility.") for n in range(1, 5)])
    assert text.split("\n\n") == [f"Body of page {n}, which talks about compatibility." for n in range(1, 5)]
    # The same lines in the middle of a page are text, and a lone head is kept (nothing repeats it).
    lone = prose([[Box("12", 0.5, 0.52), Box("CHAPTER 4. COMPATIBILITY", 0.02, 0.04)]])
    assert lone == "12\nCHAPTER 4. COMPATIBILITY"


def test_pdf_prose_drops_running_heads_by_their_place() -> None:
    """DBLaTeX's heads differ from page to page (a short chapter's only head is like no other): their
    place gives them away, apart from the text below; a first line of text at a place of its own is kept."""
    from desktop.core.ingest.pdf_text import Box, prose

    heads = ["CHAPTER 2. GETTING AND INSTALLING …", "CHAPTER 3. CHOOSING A DEBIAN …",
             "5.4. HOW CAN I INSTALL A DEVELOPER’S …", "CHAPTER 7. BASICS OF THE DEBIAN PACKAGE …"]
    pages = [[Box(head, 0.045, 0.057), Box(f"Body {n} goes on.", 0.091, 0.5)] for n, head in enumerate(heads)]
    assert prose(pages).split("\n\n") == [f"Body {n} goes on." for n in range(4)]
    # Lines of text at the top of pages, each close to the text below it: text, however often the place recurs.
    firsts = ["Installing", "the package manager, which", "Choosing a distribution", "and then, at last,"]
    tight = [[Box(first, 0.06, 0.075), Box("Its text.", 0.08, 0.5)] for first in firsts]
    assert prose(tight).split("\n\n") == [f"{first}\nIts text." for first in firsts]
