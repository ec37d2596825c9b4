"""Chinese and Japanese keyword search on real Debian text (issue 28): phrase recall on both kinds of
library, and snippets and highlights that land on the right characters. Skipped, with the reason,
when debian-faq-zh-cn or manpages-ja is not installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.library import Library
from desktop.gui.common.highlight import query_terms, term_spans
from scripts import quality_sets_cjk
from scripts.benchmarks.cjk import recall
from scripts.benchmarks.quality import chunk_files
from tests.conftest import both_kinds, index

pytestmark = [pytest.mark.realdata]


@pytest.fixture(scope="module")
def phrases():
    have = quality_sets_cjk.available()
    if not all(have.values()):
        pytest.skip("needs the Debian packages debian-faq-zh-cn and manpages-ja")
    faq = quality_sets_cjk.zh_faq_set().small(0, 30)
    man = quality_sets_cjk.ja_man_set(limit_files=12)
    return quality_sets_cjk.phrase_set([faq, man], phrases=60, latin=20)


@both_kinds
def test_every_phrase_finds_every_file_that_holds_it(library: Library, phrases, tmp_path: Path) -> None:
    index(library, phrases.write(tmp_path / "files"))
    found = recall(library, phrases, chunk_files(library))
    assert set(found) == {"cjk.keywords", "cjk.phrase", "latin.keywords", "latin.phrase"}
    for key, values in found.items():
        assert values["all_found"] == 1.0, (key, values)


def test_snippets_and_highlights_land_on_the_phrase(library: Library, phrases, tmp_path: Path) -> None:
    index(library, phrases.write(tmp_path / "files"))
    checked = 0
    for query, holders in phrases.queries[:60:6]:
        if query.isascii():
            continue
        hits = library.search_documents(f'"{query}"', top=5)
        assert hits and {Path(h.path).name for h in hits} <= holders, query
        for hit in hits:
            text = library.document_text(hit.file_id)
            assert text[hit.start : hit.end] == hit.snippet
            spans = term_spans(hit.snippet, query_terms(query))
            assert spans, (query, hit.snippet)  # the phrase is marked in the passage shown
            for a, b in spans:  # on exactly its characters (a wrapped line may stand between them)
                assert "".join(hit.snippet[a:b].split()) == query
            checked += 1
    assert checked >= 5
