"""The English -> Chinese set (issue 28): the English FAQ's questions against the Chinese FAQ's answers,
section by section, with nothing that lets the keyword list find an answer by a shared word."""

from __future__ import annotations

import re

import pytest

from scripts import quality_sets_cjk

pytestmark = [pytest.mark.realdata]


@pytest.fixture(scope="module")
def sets():
    if not (quality_sets_cjk.ZH_FAQ.is_file() and quality_sets_cjk.EN_FAQ.is_file()):
        pytest.skip("needs the Debian packages debian-faq-zh-cn and debian-faq")
    return quality_sets_cjk.en_zh_faq_set(), quality_sets_cjk.en_zh_faq_set(strict=False)


def test_questions_are_english_and_answers_chinese_section_by_section(sets) -> None:
    _, every = sets
    zh = quality_sets_cjk.zh_faq_set()
    assert every.files == zh.files and len(every.queries) >= 100
    answer_of = {question: next(iter(rel)) for question, rel in every.queries}
    # The same section in both languages (checked on a few whose Chinese words are known).
    assert "虚拟软件包" in every.files[answer_of["What is a Virtual Package?"]]
    assert "保留" in every.files[answer_of["How do I put a package on hold?"]]
    for question, _ in every.queries:
        assert question.isascii(), question
        assert all(question not in text for text in every.files.values())  # no heading left in a file


def test_the_strict_set_shares_no_word_with_its_answers(sets) -> None:
    strict, every = sets
    assert 15 <= len(strict.queries) < len(every.queries)
    for question, relevant in strict.queries:
        (answer,) = relevant
        words = {w.lower() for w in re.findall(r"[A-Za-z0-9]+", strict.files[answer])}
        assert not words & {w.lower() for w in re.findall(r"[A-Za-z0-9]+", question)}, question
