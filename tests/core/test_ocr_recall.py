"""OCR's line recall on rendered pages of known text (scripts/benchmarks/ocr_pages.py): every line is
read, none silently dropped -- the angle classifier once turned upright lines over and the recogniser
read them as blanks -- and text that is truly upside down still reads; a page OCR could hardly read is
flagged (core/common/ocr_confidence.py), a clean one is not."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest

from desktop.core.common.ocr_confidence import hard_to_read
from desktop.core.ocr.engine import Engine
from desktop.core.ocr.records import Line
from scripts.benchmarks.ocr_pages import FONTS, missed_lines, pages, read_as_indexed

pytestmark = pytest.mark.skipif(not (FONTS / "DejaVuSerif.ttf").exists(),
                                reason="needs the DejaVu fonts (Debian fonts-dejavu-core)")


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    yield Engine(threads=1)


def _lines(engine: Engine, data: bytes) -> list[Line]:
    return read_as_indexed(engine, data)  # the gate on the small decode, then the full pass


def _read(engine: Engine, data: bytes) -> list[str]:
    return [line.text for line in _lines(engine, data)]


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("page", pages(smoke=True), ids=lambda page: page.label)
def test_every_line_of_a_rendered_page_is_read(engine: Engine, page) -> None:
    lines = _lines(engine, page.data)
    assert missed_lines(page.lines, [line.text for line in lines]) == []
    assert not hard_to_read(line.score for line in lines)  # clean print carries no "may be missing" note


def test_a_blurred_page_is_flagged_hard_to_read(engine: Engine) -> None:
    from PIL import Image, ImageFilter

    page = pages(smoke=True)[0]
    blurred = Image.open(io.BytesIO(page.data)).filter(ImageFilter.GaussianBlur(1.8))
    lines = _lines(engine, _png(blurred))
    assert len(missed_lines(page.lines, [line.text for line in lines])) > len(page.lines) // 2
    assert lines and hard_to_read(line.score for line in lines)  # what is shown says it is not the whole page


def test_a_page_upside_down_still_reads(engine: Engine) -> None:
    from PIL import Image

    page = pages(smoke=True)[1]
    assert missed_lines(page.lines, _read(engine, _png(Image.open(io.BytesIO(page.data)).rotate(180)))) == []
