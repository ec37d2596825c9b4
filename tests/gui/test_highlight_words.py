"""The preview marks exactly the words the keyword search looks for (issue 25: one word rule):
a two-letter word like "os" is searched and so marked; a stop word like "about" is neither."""

from __future__ import annotations

from desktop.core.common.records import Hit, Passage
from desktop.core.retrieval import keywords
from desktop.gui.common.highlight import query_terms
from desktop.gui.preview.pane import PreviewPane
from tests.gui.test_cjk_highlight import term_marked

QUERIES = ["os about paths", "how to read a file", "io in go", "the", "Py 3 под Linux", "动漫 the Jaccard 学"]


def test_the_highlighted_words_are_the_keyword_search_words() -> None:
    for query in QUERIES:
        assert query_terms(query) == keywords.query_words(query), query


def test_the_preview_marks_the_searched_words_only(qtbot) -> None:
    text = "All about paths: the os module joins paths and splits them.\n"
    passage = Passage(chunk_id=1, start=0, end=len(text), text=text, score=0.9)
    hit = Hit(file_id=4, path="/notes/os.txt", kind="text", score=0.9, snippet=text,
              start=0, end=len(text), chunk_id=1, passages=(passage,))
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    query = "os about paths"
    pane.show_document(hit, passage, query)
    pane.set_document_text(hit.file_id, text)
    marked = {word.lower() for word in term_marked(pane)}
    assert marked == {"os", "paths"}
    assert marked == set(keywords.query_words(query))
