"""Each passage carries the section headings it stands under (issue 26: "keep the page title and headings as
structure"): found in HTML, Markdown, reStructuredText and PDF, stored per passage, returned with every hit,
never embedded. A library written before (catalog schema 4) opens with empty headings, its vectors untouched.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from desktop.core.catalog import SCHEMA_VERSION
from desktop.core.ingest.extract import extract_text
from desktop.core.ingest.headings import Heading, located, markdown_headings, passage_headings, rst_headings
from desktop.core.library import Library
from tests.conftest import both_kinds, index

PY_HTML = Path("/usr/share/doc/python3.11/html")
GUIDE = """# Gardening guide

Plants need light, water and patience. Good soil holds water without drowning the roots, so dig in
well-rotted compost each autumn and mulch the beds in spring before the weeds come back.

## Tomatoes

### Pruning

Pinch out the side shoots that grow between the stem and a branch, once a week in summer.

```
# a comment in code, not a heading
```

## Roses

Roses want a sunny place and a deep hole with compost at planting time.
"""


def test_markdown_and_rst_headings_and_their_trails() -> None:
    found = markdown_headings(GUIDE)
    assert [(h.level, h.text) for h in found] == [(1, "Gardening guide"), (2, "Tomatoes"), (3, "Pruning"),
                                                  (2, "Roses")]
    assert all(GUIDE[h.start:].startswith("#") for h in found)
    def at(word: str) -> tuple[int, int]:
        return GUIDE.index(word), GUIDE.index(word) + 12

    spans = [at("Plants"), at("Pinch"), at("# a comment"), at("Roses want")]
    # The title is shown anyway: a trail never repeats it.
    assert passage_headings(found, spans, "Gardening guide") == ["", "Tomatoes › Pruning", "Tomatoes › Pruning",
                                                                "Roses"]
    # A passage that opens on the end of a section and goes on into the next is about the next (and the
    # heading right under that one).
    assert passage_headings(found, [(GUIDE.index("mulch"), GUIDE.index("```"))], "Gardening guide") == [
        "Tomatoes › Pruning"]
    assert passage_headings(found, [(0, len(GUIDE))], "Gardening guide") == [""]  # one passage: the whole
    rst = ("=====\nGuide\n=====\n\nIntro.\n\nInstalling\n----------\n\nFrom source\n~~~~~~~~~~~\n\nRun make.\n\n"
           "Using\n-----\n")
    assert [(h.level, h.text) for h in rst_headings(rst)] == [(1, "Guide"), (2, "Installing"), (3, "From source"),
                                                              (2, "Using")]


def test_a_table_of_contents_is_not_taken_for_the_headings() -> None:
    """The headings are found from the end: the contents above repeat them, the real ones come last."""
    text = "Contents\nIntro\nUsage\n\nIntro\nWelcome.\n\nUsage\nRun it.\n"
    found = located(text, [(1, "Contents"), (2, "Intro"), (2, "Usage")])
    assert found == [Heading(0, 1, "Contents"), Heading(text.index("Intro\nWelcome"), 2, "Intro"),
                     Heading(text.index("Usage\nRun"), 2, "Usage")]


def test_word_headings_are_its_heading_styles() -> None:
    from io import BytesIO

    import docx

    document = docx.Document()
    document.add_heading("Boiler", level=1)
    document.add_paragraph("The boiler was repaired on Tuesday.")
    document.add_heading("Parts", level=2)
    document.add_paragraph("Heading 2")  # a paragraph that only reads like a heading's style name
    out = BytesIO()
    document.save(out)
    extracted = extract_text(out.getvalue(), "invoice.docx")
    assert [(h.level, h.text) for h in extracted.headings] == [(1, "Boiler"), (2, "Parts")]
    assert extracted.text[extracted.headings[1].start:].startswith("Parts\nHeading 2")


def _need_python_docs() -> None:
    if not PY_HTML.exists():
        pytest.skip("needs the Debian package python3.11-doc (/usr/share/doc/python3.11/html is absent)")


def test_python_html_page_headings_are_its_sections() -> None:
    _need_python_docs()
    page = PY_HTML / "library" / "venv.html"
    extracted = extract_text(page.read_bytes(), page.name)
    assert [h.text for h in extracted.headings] == [
        "venv — Creation of virtual environments", "Creating virtual environments", "How venvs work", "API",
        "An example of extending EnvBuilder"]
    for heading in extracted.headings:
        assert extracted.text[heading.start:].startswith(heading.text)
    # The sidebar's own headings ("Table of Contents", "Previous topic") are navigation, left out with it.
    faq = PY_HTML / "faq" / "programming.html"
    names = [h.text for h in extract_text(faq.read_bytes(), faq.name).headings]
    assert "How do I share global variables across modules?" in names
    assert "Previous topic" not in names and "Table of Contents" not in names


@both_kinds
def test_hits_carry_their_section_headings(library: Library, tmp_path: Path) -> None:
    """A real page of python3.11-doc and a Markdown file, indexed: each hit says where in its document
    its passage is; the passage's vector is the same as a heading-less passage's (not embedded)."""
    _need_python_docs()
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PY_HTML / "library" / "venv.html", folder / "venv.html")
    (folder / "garden.md").write_text(GUIDE, encoding="utf-8")
    (folder / "plain.txt").write_text("Roses want a sunny place and a deep hole.", encoding="utf-8")
    library.set_setting("passage_tokens", 32)  # a passage per section or so, of the short guide too
    index(library, folder)
    hits = {Path(h.path).name: h for h in library.search_documents("pinch out the side shoots of tomatoes", top=5)}
    assert hits["garden.md"].heading == "Tomatoes › Pruning"
    assert hits["garden.md"].to_json()["heading"] == "Tomatoes › Pruning"
    venv = library.search_documents("sys.prefix and sys.base_prefix when a virtual environment is active", top=3)
    assert venv[0].path.endswith("venv.html")
    assert venv[0].heading in {"How venvs work", "Creating virtual environments", "API"}
    assert all(p.heading for p in venv[0].passages)
    plain = [h for h in library.search_documents("sunny place for roses", top=5) if h.path.endswith("plain.txt")]
    assert plain and plain[0].heading == "" and "heading" not in plain[0].to_json()
    _vectors_are_title_and_passage_only(library, hits["garden.md"])
    # A map of passages: each point's hover text can say where in its document the passage is.
    from desktop.core.maps.items import MapKey, item_ids, load_facts

    ws = library.workspace
    key = MapKey("text", ws.versions.active_id("text"), per_chunk=True)
    facts = load_facts(ws, key, item_ids(ws, key))
    by_file: dict[str, set[str]] = {}
    for path, heading in zip(facts.paths, facts.headings, strict=True):
        by_file.setdefault(Path(path).name, set()).add(heading)
    assert {"Tomatoes › Pruning", "Roses"} <= by_file["garden.md"]
    assert "How venvs work" in by_file["venv.html"] and by_file["plain.txt"] == {""}


def _vectors_are_title_and_passage_only(library: Library, hit: object) -> None:
    """The heading is not embedded: each passage's stored vector is the encoding of its document's title and
    its own text, as before headings were kept (common/embedding_input.py)."""
    import numpy as np

    from desktop.core.catalog import reads
    from desktop.core.catalog.reader import reading
    from desktop.core.common.embedding_input import passage_input
    from desktop.core.common.vector_codec import from_blob

    ws = library.workspace
    passages = [p for p in hit.passages if p.heading]  # type: ignore[attr-defined]
    assert passages
    with reading(ws.catalog) as reader:
        stored = dict(reads.chunk_vectors(reader, [p.chunk_id for p in passages], ws.versions.active_id("text")))
    made = ws.encoders.text().encode([passage_input(hit.title, p.text) for p in passages])  # type: ignore[attr-defined]
    for passage, vector in zip(passages, made, strict=True):
        kept = from_blob(stored[passage.chunk_id])
        assert float(np.dot(kept, vector) / (np.linalg.norm(kept) * np.linalg.norm(vector))) > 0.999


def test_the_command_line_says_where_a_passage_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    from desktop.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "garden.md").write_text(GUIDE, encoding="utf-8")
    lib = str(tmp_path / "lib")
    assert main(["--library", lib, "config", "passage_tokens", "32"]) == 0
    assert main(["--library", lib, "index", str(folder)]) == 0
    capsys.readouterr()
    assert main(["--library", lib, "search", "pinch out the side shoots of tomatoes", "--top", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("garden.md") and lines[1] == "      › Tomatoes › Pruning"
    assert main(["--library", lib, "search", "pinch out the side shoots of tomatoes", "--top", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["heading"] == "Tomatoes › Pruning"


def test_a_schema_4_library_opens_with_empty_headings_and_its_vectors(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "garden.md").write_text(GUIDE, encoding="utf-8")
    lib = Library.open(tmp_path / "lib")
    index(lib, folder)
    catalog = lib.workspace.catalog.path
    lib.close()
    with sqlite3.connect(catalog) as db:  # back to what schema 4 wrote: no heading column
        vectors = db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall()
        db.execute("ALTER TABLE chunks DROP COLUMN heading")
        db.execute("PRAGMA user_version = 4")
    lib = Library.open(tmp_path / "lib")
    try:
        hits = lib.search_documents("pinch out the side shoots", top=3)
        assert hits and hits[0].path.endswith("garden.md") and hits[0].heading == ""
    finally:
        lib.close()
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall() == vectors
        assert {row[0] for row in db.execute("SELECT heading FROM chunks")} == {""}


def test_a_schema_4_server_library_gains_the_heading_column(server_url: str, tmp_path: Path) -> None:
    import psycopg

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "garden.md").write_text(GUIDE, encoding="utf-8")
    lib = Library.open(server_url)
    index(lib, folder)
    lib.close()
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("ALTER TABLE chunks DROP COLUMN heading")
        conn.execute("UPDATE semdesk_schema SET version = 4")
        vectors = conn.execute("SELECT count(*) FROM chunk_vectors").fetchone()
    lib = Library.open(server_url)
    try:
        hits = lib.search_documents("pinch out the side shoots", top=3)
        assert hits and hits[0].heading == ""
    finally:
        lib.close()
    with psycopg.connect(server_url) as conn:
        assert conn.execute("SELECT version FROM semdesk_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT count(*) FROM chunk_vectors").fetchone() == vectors
