"""OCR's line recall on rendered pages of known text (scripts/benchmarks/ocr_pages.py): every line is
read, none silently dropped -- the angle classifier once turned upright lines over and the recogniser
read them as blanks -- and text that is truly upside down still reads."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from desktop.core.ocr.engine import Engine
from desktop.core.ocr.pictures import Picture, photo_picture
from scripts.benchmarks.ocr_pages import FONTS, missed_lines, pages

pytestmark = pytest.mark.skipif(not (FONTS / "DejaVuSerif.ttf").exists(),
                                reason="needs the DejaVu fonts (Debian fonts-dejavu-core)")


@pytest.fixture(scope="module")
def engine() -> Iterator[Engine]:
    yield Engine(threads=1)


def _read(engine: Engine, data: bytes) -> list[str]:
    picture = photo_picture(data, 180_000_000)
    assert isinstance(picture, Picture), picture
    return [line.text for line in engine.read(picture.image).lines]


@pytest.mark.parametrize("page", pages(smoke=True), ids=lambda page: page.label)
def test_every_line_of_a_rendered_page_is_read(engine: Engine, page) -> None:
    assert missed_lines(page.lines, _read(engine, page.data)) == []


def test_a_page_upside_down_still_reads(engine: Engine) -> None:
    import io

    from PIL import Image

    page = pages(smoke=True)[1]
    image = Image.open(io.BytesIO(page.data)).rotate(180)
    out = io.BytesIO()
    image.save(out, format="PNG")
    assert missed_lines(page.lines, _read(engine, out.getvalue())) == []
