"""A library whose text is mostly Chinese, on an English-only text model, is told of the Multilingual model
(issue 28): in the status the window and `semdesk status` show; an English library is not; nor is a library
on a model that reads the language. Real Debian text (the FAQ in Chinese and in English)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.library import Library
from scripts import quality_sets_cjk
from tests.conftest import index

pytestmark = [pytest.mark.realdata]


@pytest.fixture(scope="module")
def faq_zh():
    if not quality_sets_cjk.available().get("zh_faq"):
        pytest.skip("needs the Debian package debian-faq-zh-cn")
    return quality_sets_cjk.zh_faq_set().small(0, 30)


def test_a_mostly_chinese_library_is_told_of_the_multilingual_model(library: Library, faq_zh, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    index(library, faq_zh.write(tmp_path / "zh"))
    status = library.status()
    assert status.chunks >= 20
    assert status.suggested_model == "multilingual" and status.cjk_share >= 0.5
    from desktop.cli.main import main

    assert main(["--library", str(library.workspace.location), "status"]) == 0
    assert "semdesk models use multilingual" in capsys.readouterr().out
    library.set_setting("text_model", "intfloat/multilingual-e5-small")  # a model that reads it: nothing to say
    assert library.status().suggested_model == ""


def test_an_english_library_is_not(library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "en"
    folder.mkdir()
    faq = Path("/usr/share/doc/debian/FAQ")
    pages = sorted(faq.glob("*.en.html"))[:8]
    if not pages:
        pytest.skip("needs the Debian package debian-faq")
    for page in pages:
        (folder / page.name).write_bytes(page.read_bytes())
    index(library, folder)
    status = library.status()
    assert status.chunks >= 20 and status.suggested_model == "" and status.cjk_share < 0.1
