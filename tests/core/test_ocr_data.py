"""Generated OCR test data: known sentences rendered with DejaVu Sans into PNG/JPEG pictures,
an image-only PDF of such pages, and a photo with no text (scikit-image's). Shared by the OCR tests
and scripts/benchmarks/ocr.py; its own test checks the generator."""

from __future__ import annotations

from pathlib import Path

import pytest

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

SENTENCES = (
    "The plumber's invoice is due on Friday",
    "Meet me at the old lighthouse at noon",
    "Error 0x80070005: access is denied",
    "Quarterly revenue grew by twelve percent",
    "Please remember to water the tomato plants",
)

needs_font = pytest.mark.skipif(not FONT.exists(), reason="needs the DejaVu fonts (Debian fonts-dejavu-core)")


def text_picture(lines: list[str] | tuple[str, ...], size: int = 28, angle: float = 0.0, width: int | None = None):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    longest = max(int(font.getlength(line)) for line in lines)
    image = Image.new("RGB", (width or longest + 2 * size, size * (2 * len(lines) + 1)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((size, size // 2 + i * 2 * size), line, font=font, fill=(20, 20, 20))
    if angle:
        image = image.rotate(angle, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
    return image


def save_picture(image, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=90) if path.suffix.lower() in (".jpg", ".jpeg") else image.save(path)
    return path


def scanned_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages are pictures only (no text layer), as a scanner writes them."""
    images = [text_picture(lines, size=30, width=1240) for lines in pages]
    path.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(path, save_all=True, append_images=images[1:], resolution=150)
    return path


def no_text_photo(path: Path, name: str = "chelsea") -> Path:
    from PIL import Image
    from skimage import data

    return save_picture(Image.fromarray(getattr(data, name)()), path)


@needs_font
def test_generator_makes_pictures_and_an_image_only_pdf(tmp_path: Path) -> None:
    import pypdfium2 as pdfium
    from PIL import Image

    png = save_picture(text_picture(SENTENCES[:2], size=20), tmp_path / "a.png")
    assert Image.open(png).size[1] == 20 * 5
    pdf = scanned_pdf(tmp_path / "scan.pdf", [[SENTENCES[0]], [SENTENCES[1]]])
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 2
    assert document[0].get_textpage().get_text_range().strip() == ""  # pictures only
