"""Query words marked on the right characters in Chinese and Japanese text (issue 28): in the preview,
in result rows' excerpts, and for a Latin word written against CJK characters."""

from __future__ import annotations

from desktop.core.common.records import Hit, Passage
from desktop.gui.common.highlight import excerpt, query_terms, term_spans
from desktop.gui.preview.pane import TERM_COLOUR, PreviewPane


def term_marked(pane: PreviewPane) -> list[str]:
    """Runs of characters painted with the query-word colour, in order."""
    runs: list[str] = []
    block = pane.text.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().background().color().name() == TERM_COLOUR.name():
                runs.append(fragment.text())
            it += 1
        block = block.next()
    return runs


def test_preview_marks_the_cjk_word_and_the_latin_word_inside_it(qtbot) -> None:
    passage_text = "我们的动漫推荐系统使用Jaccard相似度来比较用户的收藏。"
    text = "🎉 前言：这一段没有关系。\n" + passage_text + "\n对比学习在别处。\n"
    start = text.index(passage_text)
    passage = Passage(chunk_id=1, start=start, end=start + len(passage_text), text=passage_text, score=0.9)
    hit = Hit(file_id=3, path="/notes/anime.txt", kind="text", score=0.9, snippet=passage_text,
              start=passage.start, end=passage.end, chunk_id=1, passages=(passage,))
    pane = PreviewPane([])
    qtbot.addWidget(pane)
    pane.show_document(hit, passage, "动漫推荐 Jaccard 相似度")
    pane.set_document_text(hit.file_id, text)
    assert term_marked(pane) == ["动漫推荐", "Jaccard相似度"]  # adjacent marks merge into one fragment


def test_two_character_words_are_terms_and_latin_edges_are_found_in_cjk_text() -> None:
    assert query_terms("动漫 the Jaccard 学") == ["动漫", "jaccard", "学"]
    text = "使用Jaccard相似度，不是Jaccardian。"
    assert [text[a:b] for a, b in term_spans(text, ["jaccard"])] == ["Jaccard", "Jaccardian"]
    assert [text[a:b] for a, b in term_spans("ajaccard", ["jaccard"])] == []  # inside a Latin word: no


def test_an_excerpt_of_cjk_text_keeps_the_word_in_view() -> None:
    text = "无关的句子。" * 80 + "对比学习很重要。" + "后面的句子。" * 80
    shown = excerpt(text, ["对比学习"], max_chars=120)
    assert "对比学习" in shown
    width = sum(2 if "\u4e00" <= ch <= "\u9fff" or ch in "。…" else 1 for ch in shown)
    assert width <= 120 + 10  # columns: a CJK character is drawn twice as wide
    assert shown.index("对比学习") < 40  # the word sits near the start, not pushed past the lines shown


def test_full_width_letters_are_marked_as_the_keyword_index_finds_them() -> None:
    """The keyword index folds full-width letters to ASCII (common/cjk.narrow); the marks follow it."""
    from desktop.gui.common.highlight import highlight_html

    text = "配置文件使用ＪＳＯＮ格式，也可以用JSON。"
    wide, plain = text.index("ＪＳＯＮ"), text.index("JSON")
    assert term_spans(text, query_terms("json")) == [(wide, wide + 4), (plain, plain + 4)]
    assert term_spans(text, query_terms("ＪＳＯＮ")) == [(wide, wide + 4), (plain, plain + 4)]
    assert ">ＪＳＯＮ</b>" in highlight_html(text, query_terms("json"))  # the text as written is shown


def test_traditional_and_japanese_forms_are_marked_as_the_keyword_index_finds_them() -> None:
    """The keyword index folds character forms to simplified (common/cjk.fold): 图书馆 marks 圖書館 and 図書館,
    shown as written."""
    from desktop.gui.common.highlight import highlight_html

    text = "臺北市立圖書館和東京の図書館"
    taipei, tokyo = text.index("圖書館"), text.index("図書館")
    assert term_spans(text, query_terms("图书馆")) == [(taipei, taipei + 3), (tokyo, tokyo + 3)]
    assert ">圖書館</b>" in highlight_html(text, query_terms("图书馆"))
