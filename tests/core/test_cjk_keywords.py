"""Keyword search inside Chinese, Japanese and Korean text (issue 28), on both kinds of library.

FTS5's unicode61 tokenizer (and PostgreSQL's parser) made a whole run of CJK characters, with any
Latin word glued to it, one token: "对比学习" and "Jaccard" inside Chinese sentences found nothing.
Small inline samples, always run; tests/core/test_cjk_debian.py measures on real Debian text.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.core.catalog import SCHEMA_VERSION
from desktop.core.catalog.reader import reading
from desktop.core.common import cjk
from desktop.core.library import GOOD_MATCH, Library
from desktop.core.retrieval.keywords import ranked_chunk_ids
from tests.conftest import both_kinds, index

DOCS = {
    "anime.txt": "我们的动漫推荐系统使用Jaccard相似度来比较用户的收藏。动漫作品的标签越相近，推荐就越准确。"
                 "这个系统每天更新一次。",
    "learning.txt": "对比学习是一种自监督的表示学习方法。困难负样本对于对比学习非常重要，"
                    "模型需要区分相似但不同的样本。这个系统也使用对比学习。",
    "tokyo.txt": "東京都の図書館で日本語の本を読みました。カタカナのテキストも検索できます。",
    "korean.txt": "학교에서 한국어를 공부했습니다. 도서관은 조용합니다.",
    "english.txt": "Contrastive learning pulls similar examples together and pushes different ones apart.",
    "wrapped.txt": "在遵守并包含本文档版权声明的前提下，允许制作和发布本文档的完整拷\n    贝。",
    "hindi.txt": "हिन्दी भाषा बहुत सुंदर है। यह पुस्तकालय शांत है।",  # vowel signs and viramas inside words
    "wide.txt": "配置文件使用ＪＳＯＮ格式，端口为８０８０。",  # full-width letters and digits, as CJK text writes them
    "taipei.txt": "臺北市立圖書館的開放時間是每天早上九點。",  # traditional characters, as Taiwan writes them
}


def keyword_files(lib: Library, query: str) -> set[str]:
    """Files the keyword half alone finds (every passage it ranks)."""
    ws = lib.workspace
    with reading(ws.catalog) as reader:
        ids = ranked_chunk_ids(ws.keywords(reader), query, 1000)
    with reading(ws.catalog) as reader:
        from desktop.core.catalog import reads

        rows = reads.passage_rows(reader, ids)
    return {Path(row[5]).name for row in rows}


@pytest.fixture
def cjk_library(library: Library, tmp_path: Path) -> Library:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    index(library, folder)
    return library


# ---- the transform (common/cjk.py) -----------------------------------------------------------


def test_runs_become_bigrams_and_latin_is_cut_from_them() -> None:
    assert cjk.index_text("对比学习") == " 对比 比学 学习 习 "
    assert cjk.index_text("使用Jaccard相似度") == " 使用 用 Jaccard 相似 似度 度 "
    assert cjk.index_text("猫") == " 猫 "
    assert cjk.index_text("拷\n    贝。") == " 拷贝 贝 。"  # a wrapped line is no word boundary
    assert cjk.index_text("段落一\n\n段落二").count("一段") == 0  # a paragraph break is
    text = "Plain English, os.path_join and café stay exactly as they were."
    assert cjk.index_text(text) is text


def test_full_width_letters_and_digits_are_folded_in_index_and_queries() -> None:
    assert cjk.index_text("使用ＪＳＯＮ格式") == cjk.index_text("使用JSON格式")
    assert cjk.index_text("ＡＢＣ　１２３") == "ABC 123"  # no CJK letter: folded all the same
    assert len(cjk.narrow("ＪＳＯＮ格式")) == len("ＪＳＯＮ格式")  # one for one: snippet positions hold
    assert cjk.query_tokens("ｊｓｏｎ") == cjk.query_tokens("json")
    assert cjk.index_text("Plain English text.") == "Plain English text."


def test_traditional_and_japanese_forms_fold_to_simplified_one_for_one() -> None:
    assert cjk.fold("圖書館") == cjk.fold("図書館") == cjk.fold("图书馆") == "图书馆"
    assert cjk.index_text("開放時間") == cjk.index_text("开放时间")
    mixed = "臺北ＪＳＯＮ圖書館 Library"
    assert len(cjk.fold(mixed)) == len(mixed)  # snippet positions hold
    assert cjk.fold("Library") == "Library" and cjk.simplify("学校") == "学校"  # nothing else changes


def test_the_variant_table_is_what_opencc_makes() -> None:
    pytest.importorskip("opencc", reason="the table's source, OpenCC, is a dev tool (pip install opencc==1.4.2)")
    from scripts import make_cjk_variants

    table = make_cjk_variants.variants()
    source, target = make_cjk_variants.TARGET.read_text(encoding="utf-8").split("\n")[:2]
    assert dict(zip(source, target, strict=True)) == table


def test_queries_ask_for_the_tokens_the_index_holds() -> None:
    assert cjk.fts5_match("对比学习") == '"对比 比学 学习"'
    assert cjk.fts5_match("猫") == '"猫" *'  # one character: any token it begins
    assert cjk.fts5_match('Jaccard相似度"') == '"Jaccard 相似 似度"'
    assert cjk.fts5_match("学习Jaccard") == '"学习 习 Jaccard"'  # the run ends where Latin begins
    assert cjk.tsquery_parts("对比学习") == ("对比 比学 学习", "")
    assert cjk.tsquery_parts("a猫") == ("a", "猫")
    assert cjk.fts5_match("हिन्दी भाषा") == '"हिन्दी भाषा"'  # marks belong to their word, as in FTS5
    assert cjk.fts5_match('" OR * NEAR(') == '"OR NEAR"'  # FTS5 syntax typed by a user is plain words
    assert cjk.fts5_match('"* ()') is None
    assert cjk.tsquery_parts("a & !b | c:*") == ("a b c", "")


# ---- both kinds of library ---------------------------------------------------------------------


@both_kinds
def test_words_inside_cjk_text_are_found(cjk_library: Library) -> None:
    lib = cjk_library
    assert keyword_files(lib, "对比学习") == {"learning.txt"}
    assert keyword_files(lib, "Jaccard") == {"anime.txt"}
    assert keyword_files(lib, "困难负样本") == {"learning.txt"}
    # One library, three ways to write it: simplified, traditional (taipei.txt) and Japanese (tokyo.txt: 図書館).
    assert keyword_files(lib, "图书馆") == {"tokyo.txt", "taipei.txt"}
    assert keyword_files(lib, "圖書館") == {"tokyo.txt", "taipei.txt"}
    assert keyword_files(lib, "図書館") == {"tokyo.txt", "taipei.txt"}
    assert keyword_files(lib, "开放时间") == {"taipei.txt"}
    assert keyword_files(lib, "テキスト") == {"tokyo.txt"}
    assert keyword_files(lib, "本") == {n for n, t in DOCS.items() if "本" in t}  # one character: anywhere
    assert keyword_files(lib, "학교") == {"korean.txt"}
    assert keyword_files(lib, "拷贝") == {"wrapped.txt"}
    assert keyword_files(lib, "系统") == {"anime.txt", "learning.txt"}
    assert keyword_files(lib, "json") == {"wide.txt"}  # the file writes ＪＳＯＮ
    assert keyword_files(lib, "ＪＳＯＮ") == {"wide.txt"}
    assert keyword_files(lib, "8080") == {"wide.txt"}
    assert "english.txt" in keyword_files(lib, "contrastive learning")


@both_kinds
def test_phrases_negatives_and_the_mixed_query_of_the_issue(cjk_library: Library) -> None:
    lib = cjk_library
    hits = lib.search_documents('"对比学习"', top=10)
    assert [Path(h.path).name for h in hits] == ["learning.txt"]
    assert "对比学习" in hits[0].snippet
    assert lib.document_text(hits[0].file_id)[hits[0].start : hits[0].end] == hits[0].snippet
    assert [Path(h.path).name for h in lib.search_documents('"使用Jaccard相似度"', top=10)] == ["anime.txt"]
    assert lib.search_documents('"对比动漫"', top=10) == []  # the characters, not in this order
    names = [Path(h.path).name for h in lib.search_documents("系统 -动漫", top=10)]
    assert "learning.txt" in names and "anime.txt" not in names
    top = lib.search_documents("动漫推荐 Jaccard 相似度", top=5)[0]
    assert Path(top.path).name == "anime.txt"
    # The English-only model reads Chinese as noise: the keywords rank alone, on their own scale.
    assert top.why == "keywords" and top.score >= GOOD_MATCH
    assert "meaning" in lib.search_documents("contrastive learning", top=5)[0].why
    # Scripts with combining marks are read as before: a phrase is the words FTS5 and PostgreSQL see.
    assert [Path(h.path).name for h in lib.search_documents('"हिन्दी भाषा"', top=10)] == ["hindi.txt"]
    # A question typed as one run of characters no text holds whole: its bigrams still find the answer.
    assert "learning.txt" in keyword_files(lib, "困难负样本为什么重要")


def _indexed_catalog(tmp_path: Path) -> Path:
    """DOCS indexed into a closed library at tmp_path / "lib"; its catalog file, for a test to age."""
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    lib = Library.open(tmp_path / "lib")
    index(lib, folder)
    catalog = lib.workspace.catalog.path
    lib.close()
    return Path(catalog)


def _back_to_schema_2(path: Path) -> None:
    """Make a catalog look as schema 2 wrote it: the keyword tables hold the text as it was given."""
    with sqlite3.connect(path) as db:
        db.execute("UPDATE chunk_fts SET body = (SELECT text FROM chunks WHERE chunks.id = chunk_fts.rowid), "
                   "title = (SELECT files.title FROM chunks JOIN files ON files.id = chunks.file_id "
                   "WHERE chunks.id = chunk_fts.rowid)")
        db.execute("PRAGMA user_version = 2")


def test_a_schema_2_library_is_migrated_without_re_embedding(tmp_path: Path) -> None:
    catalog = _indexed_catalog(tmp_path)
    _back_to_schema_2(catalog)
    with sqlite3.connect(catalog) as db:
        vectors = db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall()
        english = db.execute("SELECT rowid, title, body FROM chunk_fts WHERE body LIKE 'Contrastive%'").fetchall()
        assert db.execute("SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH '\"对比 比学\"'").fetchone() == (0,)
    lib = Library.open(tmp_path / "lib")
    try:
        assert keyword_files(lib, "对比学习") == {"learning.txt"}
        assert keyword_files(lib, "Jaccard") == {"anime.txt"}
        assert keyword_files(lib, "json") == {"wide.txt"}
    finally:
        lib.close()
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall() == vectors
        assert db.execute("SELECT rowid, title, body FROM chunk_fts WHERE body LIKE 'Contrastive%'").fetchall() \
            == english  # rows without CJK text are left as they were


def test_a_schema_4_library_gets_full_width_folded_without_re_embedding(tmp_path: Path) -> None:
    catalog = _indexed_catalog(tmp_path)
    bigram = "SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH '\"对比 比学\"'"
    with sqlite3.connect(catalog) as db:  # as schema 4 wrote it: CJK bigrams, full-width kept
        db.execute("UPDATE chunk_fts SET body = replace(replace(body, 'JSON', 'ＪＳＯＮ'), '8080', '８０８０')")
        db.execute("PRAGMA user_version = 4")
        vectors = db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall()
        bigrams = db.execute(bigram).fetchone()
    lib = Library.open(tmp_path / "lib")
    try:
        assert keyword_files(lib, "json") == {"wide.txt"}
        assert keyword_files(lib, "对比学习") == {"learning.txt"}  # the bigrams were not cut again
    finally:
        lib.close()
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall() == vectors
        assert db.execute(bigram).fetchone() == bigrams


def test_a_schema_6_library_gets_character_forms_simplified_without_re_embedding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog = _indexed_catalog(tmp_path)
    folded = cjk.index_text(DOCS["taipei.txt"])
    with monkeypatch.context() as m:  # the copy as schema 6 wrote it: bigrams of the traditional forms
        m.setattr(cjk, "simplify", lambda text: text)
        as_written = cjk.index_text(DOCS["taipei.txt"])
    with sqlite3.connect(catalog) as db:
        assert db.execute("UPDATE chunk_fts SET body = ? WHERE body = ?", (as_written, folded)).rowcount == 1
        db.execute("PRAGMA user_version = 6")
        vectors = db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall()
    lib = Library.open(tmp_path / "lib")
    try:
        assert keyword_files(lib, "图书馆") == {"tokyo.txt", "taipei.txt"}
        assert keyword_files(lib, "对比学习") == {"learning.txt"}
    finally:
        lib.close()
    with sqlite3.connect(catalog) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert db.execute("SELECT chunk_id, vector FROM chunk_vectors ORDER BY chunk_id").fetchall() == vectors


def test_a_schema_2_server_library_is_migrated(server_url: str, tmp_path: Path) -> None:
    import psycopg

    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    lib = Library.open(server_url)
    index(lib, folder)
    lib.close()
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("UPDATE chunk_fts SET body = chunks.text FROM chunks WHERE chunks.id = chunk_fts.rowid")
        conn.execute("UPDATE semdesk_schema SET version = 2")
        vectors = conn.execute("SELECT count(*) FROM chunk_vectors").fetchone()
    lib = Library.open(server_url)
    try:
        assert keyword_files(lib, "对比学习") == {"learning.txt"}
        assert keyword_files(lib, "Jaccard") == {"anime.txt"}
        assert keyword_files(lib, "json") == {"wide.txt"}
    finally:
        lib.close()
    with psycopg.connect(server_url) as conn:
        assert conn.execute("SELECT version FROM semdesk_schema").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT count(*) FROM chunk_vectors").fetchone() == vectors
