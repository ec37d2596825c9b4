"""The pictures OCR reads in a file: a photo, or each PDF page that has no text layer, rendered.

Every problem with one picture is a `PictureProblem` with a plain reason; a PDF page that cannot be
rendered costs that page only. Pictures are capped at READ_SIDE on the long side: the detector
never looks at more (rapidocr's own limit is 2000), and a 50 MP photo would cost 150 MB as an array.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

READ_SIDE = 2000
# The gate's detector sees a photo's long side at this size (engine.py). 500: a 12 MP JPEG (4000 or 4032
# wide) then decodes at 1/8 of its size (draft mode), half the work of 1/4, and the detector's input is
# 512 x 384 (0.64 of 640 x 480); signs, receipts and slides in camera photos were all still kept (448 too).
GATE_SIDE = 500
GATE_SIDE_LOSSLESS = 1280  # the gate's size for PNG, GIF, BMP, WebP...: screenshots' print is 12-15 px
PDF_DPI = 150  # print at 10 pt is ~21 px high at 150 dpi: well inside what the recogniser reads
TEXT_LAYER_CHARS = 16  # a page with fewer characters of its own is a scan (a page number is not text)
MAX_PDF_PAGES = 500  # pages read per PDF: a 2,000-page scan must not hold the phase for hours


@dataclass(frozen=True)
class Picture:
    page: int  # 0 for a photo; the page number (from 1) in a PDF
    image: np.ndarray  # H x W x 3 uint8, BGR


@dataclass(frozen=True)
class PictureProblem:
    page: int
    reason: str


def gate_picture(data: bytes, max_pixels: int) -> Picture | PictureProblem:
    """The picture as small as the gate looks at it. A JPEG (a camera's photo) decodes straight at a
    fraction of its size (draft mode: a 12 MP photo at 1/4, ~1000 px); a lossless picture (a screenshot,
    whose print is small) keeps up to GATE_SIDE_LOSSLESS, or the gate would shrink its words to dots."""
    return photo_picture(data, max_pixels, side=None)


def photo_picture(data: bytes, max_pixels: int, side: int | None = READ_SIDE) -> Picture | PictureProblem:
    """The picture for the full pass (at most `side` on its long side); `side` None: for the gate."""
    from PIL import Image, ImageOps  # lazy like every decoder

    try:
        with Image.open(io.BytesIO(data)) as opened:
            if opened.width * opened.height > max_pixels:
                return PictureProblem(0, "the picture is too large to read its text")
            if side is None:
                side = GATE_SIDE if opened.format == "JPEG" else GATE_SIDE_LOSSLESS
            opened.draft("RGB", draft_box(opened.size, side))  # JPEG: decode at a fraction of the size
            image = ImageOps.exif_transpose(opened).convert("RGB")
            image.thumbnail((side, side))
    except Image.DecompressionBombError:  # not an OSError
        return PictureProblem(0, "the picture is too large to read its text")
    except (OSError, ValueError, SyntaxError) as error:
        return PictureProblem(0, f"the picture could not be decoded ({error})")
    return Picture(0, bgr(image))


def draft_box(size: tuple[int, int], side: int) -> tuple[int, int]:
    """The box to ask JPEG draft mode for so that the long side comes out at least `side`: the picture's
    own shape (a square box would make a 4:3 photo decode at twice the scale it needs)."""
    width, height = size
    longest = max(width, height, 1)
    return max(1, -(-width * side // longest)), max(1, -(-height * side // longest))


def pdf_pictures(data: bytes) -> Iterator[Picture | PictureProblem]:
    """Scanned pages of a PDF, one at a time (a page's bitmap is freed before the next is drawn)."""
    import pypdfium2 as pdfium  # lazy: native PDF renderer

    try:
        document = pdfium.PdfDocument(data)
    except Exception as error:  # pdfium raises its own PdfiumError for damaged or locked files
        yield PictureProblem(0, f"the PDF could not be opened for OCR ({error})")
        return
    try:
        for number in range(min(len(document), MAX_PDF_PAGES)):
            try:
                page = document[number]
                try:
                    if has_text_layer(page):
                        continue
                    yield Picture(number + 1, render(page))
                finally:
                    page.close()
            except Exception as error:
                yield PictureProblem(number + 1, f"page {number + 1} could not be rendered ({error})")
    finally:
        document.close()


def has_text_layer(page: object) -> bool:
    textpage = page.get_textpage()  # type: ignore[attr-defined]
    try:
        return len(textpage.get_text_range().strip()) >= TEXT_LAYER_CHARS
    finally:
        textpage.close()


def render(page: object) -> np.ndarray:
    width, height = page.get_size()  # type: ignore[attr-defined]  # points (1/72 in)
    scale = min(PDF_DPI / 72, READ_SIDE / max(width, height, 1))
    bitmap = page.render(scale=scale)  # type: ignore[attr-defined]
    try:
        return bgr(bitmap.to_pil().convert("RGB"))
    finally:
        bitmap.close()


def bgr(image: object) -> np.ndarray:
    return np.ascontiguousarray(np.asarray(image, dtype=np.uint8)[:, :, ::-1])
