"""Extractors on real files that Debian packages ship (issue 26): the text a reader reads, nothing around it.

Figures and how they are counted: scripts/page_text.py. Each test skips, saying which package it needs,
when that package is absent.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from desktop.core.ingest.extract import extract_text
from scripts import page_text

pytestmark = pytest.mark.realdata

PY_HTML = page_text.PYTHON_HTML
DEBIAN_FAQ = Path("/usr/share/doc/debian/FAQ")
# Pages of every kind: a tutorial with code, a reference with tables and definition lists, an FAQ, an index.
SAMPLE_PAGES = ["tutorial/venv.html", "library/stdtypes.html", "faq/programming.html", "library/idle.html",
                "library/numeric.html", "reference/import.html", "c-api/buffer.html", "glossary.html"]
NAVIGATION = ["Previous topic", "Next topic", "Report a Bug", "Show Source", "Table of Contents", "This Page"]


def _need(path: Path, package: str) -> None:
    if not path.exists():
        pytest.skip(f"needs the Debian package {package} ({path} is absent)")


def _text(path: Path) -> str:
    return extract_text(path.read_bytes(), path.name).text


def test_python_docs_lose_their_navigation_not_their_text() -> None:
    _need(PY_HTML, "python3.11-doc")
    figures = page_text.html_figures([PY_HTML / p for p in SAMPLE_PAGES], lambda d, n: extract_text(d, n).text)
    assert figures.boilerplate_share <= 0.005, figures
    assert figures.recall >= 0.995, figures


def test_python_page_keeps_code_tables_and_definitions() -> None:
    _need(PY_HTML, "python3.11-doc")
    page = PY_HTML / "library/venv.html"
    # The page's own title, not the site's name that every page's <title> ends with.
    assert extract_text(page.read_bytes(), page.name).title == "venv — Creation of virtual environments"
    venv = _text(PY_HTML / "tutorial/venv.html")
    assert "python3 -m venv tutorial-env" in venv  # a code block, on its own line
    for phrase in NAVIGATION:
        assert phrase not in venv
    assert "¶" not in venv
    stdtypes = _text(PY_HTML / "library/stdtypes.html")
    assert "\nx or y\tif x is false, then y, else x\t(1)\n" in stdtypes  # a table's row, as one line
    assert "\nstr.removeprefix(prefix, /)\n" in stdtypes  # a definition list's term (a method's signature)
    faq = _text(PY_HTML / "faq/programming.html")
    assert "How do I share global variables across modules?" in faq  # a section trafilatura alone drops
    assert "The canonical way to share information across modules" in faq


def test_page_without_a_main_landmark_loses_its_navigation() -> None:
    """The Debian FAQ (DocBook HTML) marks no main part: trafilatura chooses it; the text twin judges it."""
    page = DEBIAN_FAQ / "basic-defs.en.html"
    _need(page, "debian-faq")
    text = _text(page).replace("\xa0", " ")
    for bar in ("Prev", "Next", "Up", "Home"):
        assert f"\n{bar}\n" not in f"\n{text}\n" and not text.startswith(bar)
    assert "\n1.2. What is Debian GNU/Linux?\n" in text  # a heading: trafilatura alone drops it
    assert text.count("What is Debian GNU/Linux?") == 1  # and the table of contents that repeats it goes
    twin = gzip.decompress((DEBIAN_FAQ / "debian-faq.en.txt.gz").read_bytes()).decode("utf-8", "replace")
    twin = twin.replace("\xa0", " ")
    start = twin.find("\n1.1. What is this FAQ?")
    end = twin.find("\nChapter 2.", start)
    assert 0 <= start < end
    assert page_text.words_in_order(text, twin[start:end]) >= 0.98


# -- PDF ----------------------------------------------------------------------------------------------


def _faq_twin() -> str:
    return gzip.decompress((DEBIAN_FAQ / "debian-faq.en.txt.gz").read_bytes()).decode("utf-8", "replace")


def test_debian_faq_pdf_reads_as_prose_in_order() -> None:
    """DBLaTeX + xdvipdfmx. The .txt twin differs by itself (footnotes at a chapter's end, not a page's;
    cross-references spelled out with their titles; no index): `shared` compares what both hold
    (scripts/page_text.faq_pdf_figures), `strict` every word of both."""
    pdf = DEBIAN_FAQ / "debian-faq.en.pdf.gz"
    _need(pdf, "debian-faq")
    text = extract_text(gzip.decompress(pdf.read_bytes()), "debian-faq.en.pdf").text
    assert "\t" not in text and "  " not in text
    assert "working on over 59100 packages and improving Debian GNU/Linux." in text  # "im-" + "proving"
    assert "CHAPTER 7. BASICS OF THE DEBIAN PACKAGE" not in text  # a running head on 7 pages
    assert "GETTING AND INSTALLING" not in text  # chapter 2's only running head: its place gives it away
    assert "How source code compatible is Debian with other Unix systems?" in text  # a heading's two boxes
    assert "for GNU Hurd kernel on i386 32-bit PCs" in text  # "32-" + "bit" keeps its hyphen
    assert "directory trees 2, there are three" in text  # a footnote's raised mark is a word of its own
    figures = page_text.faq_pdf_figures(text, _faq_twin())
    assert figures["shared"] >= 0.98, figures
    assert figures["strict"] >= 0.955, figures


@pytest.mark.parametrize("page", ["grep", "tar"])
def test_groff_pdf_matches_its_text_twin(tmp_path: Path, page: str) -> None:
    made = page_text.groff_pdf_and_text(page, tmp_path)
    if made is None:
        pytest.skip(f"needs /usr/share/man/man1/{page}.1.gz (Debian package {page}), groff and ghostscript")
    data, twin = made
    text = extract_text(data, f"{page}.pdf").text
    assert "\t" not in text
    # groff draws "-" as a minus sign in the PDF and as a hyphen in text: one character, two glyphs.
    assert page_text.words_in_order(text.replace("\u2212", "-"), twin) >= 0.98


# -- The quality sets over HTML (scripts/quality_sets.py) ----------------------------------------------


def test_html_faq_set_cannot_leak_its_questions() -> None:
    """Each file is a real page with its sidebar, which lists every question of the page: what semdesk
    indexes of it must not hold its question (the navigation is left out)."""
    _need(PY_HTML / "faq", "python3.11-doc")
    from scripts import quality_sets

    html = quality_sets.faq_html_set()
    assert len(html.queries) >= 160 and len(html.files) == len(html.queries)
    for question, (name,) in html.queries[:40]:
        page = html.files[name]
        assert quality_sets._key(question) in quality_sets._key(page)  # in the sidebar, as on the real page
        indexed = quality_sets._key(extract_text(page.encode(), name).text)
        assert "previoustopic" not in indexed
        assert quality_sets._key(question) not in indexed, name
