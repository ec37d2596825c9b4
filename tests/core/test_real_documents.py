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
