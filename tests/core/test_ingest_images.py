from __future__ import annotations

import struct
import zlib
from datetime import datetime
from io import BytesIO

import pytest
from PIL import Image, ImageFile
from PIL.JpegImagePlugin import JpegImageFile

from desktop.core.common.errors import SkipFile
from desktop.core.ingest.images import Photo, fitted_size, load_photo, make_thumbnail, thumbnail_relpath
from tests.core.ingest_samples import gradient, image_bytes

BIG = 10_000_000


def load(data: bytes, **kwargs: int) -> Photo:
    return load_photo(data, max_pixels=kwargs.pop("max_pixels", BIG), **kwargs)


def exif_jpeg(image: Image.Image, **tags: object) -> bytes:
    exif = Image.Exif()
    if "orientation" in tags:
        exif[0x0112] = tags["orientation"]
    if "make" in tags:
        exif[0x010F] = tags["make"]
    if "model" in tags:
        exif[0x0110] = tags["model"]
    if "taken" in tags:
        exif.get_ifd(0x8769)[0x9003] = tags["taken"]
    if "modified" in tags:
        exif[0x0132] = tags["modified"]
    return image_bytes(image, "JPEG", exif=exif)


def test_jpeg_basic() -> None:
    photo = load(image_bytes(gradient(64, 48), "JPEG"))
    assert (photo.width, photo.height) == (64, 48)
    assert photo.image.mode == "RGB" and photo.image.size == (64, 48)
    assert photo.taken_at is None and photo.camera is None


def test_large_jpeg_decodes_reduced_but_reports_original_size() -> None:
    photo = load(image_bytes(gradient(2000, 1000), "JPEG"), target_size=100)
    assert (photo.width, photo.height) == (2000, 1000)
    assert min(photo.image.size) == 100 and photo.image.size == (200, 100)


def test_large_png_is_shrunk_too() -> None:
    photo = load(image_bytes(gradient(900, 600), "PNG"), target_size=300)
    assert photo.image.size == (450, 300)


def test_photo_is_kept_just_big_enough_for_the_model_and_the_thumbnail() -> None:
    # A 4:1 panorama: the long side (thumbnail) needs no more than the short side (model) gives.
    assert load(image_bytes(gradient(4000, 1000), "PNG"), target_size=224, longest=256).image.size == (896, 224)
    # A square: the thumbnail's long side asks for more than the model's short side.
    assert load(image_bytes(gradient(1000, 1000), "PNG"), target_size=224, longest=256).image.size == (256, 256)
    assert load(image_bytes(gradient(200, 100), "PNG"), target_size=224, longest=256).image.size == (200, 100)


def test_camera_jpeg_is_decoded_at_an_eighth(monkeypatch: pytest.MonkeyPatch) -> None:
    decoded: list[tuple[int, int]] = []
    real_draft = JpegImageFile.draft

    def spy(self: JpegImageFile, mode: str, size: tuple[int, int]) -> object:
        result = real_draft(self, mode, size)
        decoded.append(self.size)
        return result

    monkeypatch.setattr(JpegImageFile, "draft", spy)
    photo = load(image_bytes(gradient(4000, 3000), "JPEG"), max_pixels=20_000_000, target_size=224, longest=256)
    assert decoded == [(500, 375)]  # libjpeg's 1/8 scale, still above the 299x224 needed
    assert photo.image.size == (299, 224) and (photo.width, photo.height) == (4000, 3000)


def test_fitted_size_never_enlarges_and_keeps_proportions() -> None:
    assert fitted_size((4000, 3000), 224, 256) == (299, 224)
    assert fitted_size((3000, 4000), 224, 256) == (224, 299)
    assert fitted_size((100, 50), 224, 256) == (100, 50)
    assert fitted_size((1, 1), 0, 0) == (1, 1)


def test_exif_orientation_is_applied() -> None:
    # Stored 60x20 (red left half), orientation 6 = shown turned 90° clockwise: 20x60, red on top.
    photo = load(exif_jpeg(gradient(60, 20), orientation=6))
    assert (photo.width, photo.height) == (20, 60)
    assert photo.image.size == (20, 60)
    top, bottom = photo.image.getpixel((10, 5)), photo.image.getpixel((10, 55))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_exif_date_and_camera() -> None:
    data = exif_jpeg(gradient(8, 8), make="Canon", model="Canon EOS 5D\x00", taken="2021:07:04 15:30:00")
    photo = load(data)
    assert photo.taken_at == datetime(2021, 7, 4, 15, 30).timestamp()
    assert photo.camera == "Canon EOS 5D"
    other = load(exif_jpeg(gradient(8, 8), make="  NIKON ", model="D750", modified="2020:01:02 03:04:05"))
    assert other.camera == "NIKON D750"
    assert other.taken_at == datetime(2020, 1, 2, 3, 4, 5).timestamp()


def test_garbage_exif_date_is_ignored() -> None:
    assert load(exif_jpeg(gradient(8, 8), taken="0000:00:00 00:00:00")).taken_at is None


@pytest.mark.parametrize("mode", ["RGBA", "LA", "P", "L", "1", "CMYK", "I;16", "I", "F"])
def test_modes_become_rgb(mode: str) -> None:
    image = gradient(16, 16, "RGB").convert(mode)
    fmt = {"CMYK": "JPEG", "F": "TIFF", "I": "TIFF"}.get(mode, "PNG")
    photo = load(image_bytes(image, fmt))
    assert photo.image.mode == "RGB" and photo.image.size == (16, 16)


def test_transparency_becomes_white() -> None:
    image = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert load(image_bytes(image, "PNG")).image.getpixel((1, 1)) == (255, 255, 255)
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([0, 0, 0, 10, 200, 10])
    palette.info["transparency"] = 0
    assert load(image_bytes(palette, "PNG", transparency=0)).image.getpixel((1, 1)) == (255, 255, 255)


def test_sixteen_bit_is_stretched_not_clipped() -> None:
    image = Image.new("I;16", (2, 1))
    image.putpixel((0, 0), 1000)
    image.putpixel((1, 0), 4000)
    photo = load(image_bytes(image, "PNG"))
    assert photo.image.getpixel((0, 0))[0] == 0 and photo.image.getpixel((1, 0))[0] == 255


def test_animated_gif_uses_first_frame() -> None:
    frames = [Image.new("RGB", (10, 10), c) for c in [(255, 0, 0), (0, 0, 255)]]
    data = image_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)
    pixel = load(data).image.getpixel((5, 5))
    assert pixel[0] > 200 and pixel[2] < 50


def test_one_pixel_image() -> None:
    photo = load(image_bytes(Image.new("RGB", (1, 1), (1, 2, 3)), "PNG"))
    assert (photo.width, photo.height) == (1, 1)
    assert make_thumbnail(photo.image, 256)[:2] == b"\xff\xd8"


@pytest.mark.parametrize("fmt", ["WEBP", "BMP", "TIFF", "GIF"])
def test_other_formats(fmt: str) -> None:
    assert load(image_bytes(gradient(20, 10), fmt)).image.size == (20, 10)


def test_too_many_pixels_is_refused_before_decoding() -> None:
    with pytest.raises(SkipFile) as info:
        load(image_bytes(gradient(100, 50), "PNG"), max_pixels=4999)
    assert info.value.reason == "image is too large to decode safely (100×50 pixels)"


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims an enormous size: a decompression bomb."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + chunk(b"IEND", b"")


def test_decompression_bomb_caught_by_pillow_is_skipped() -> None:
    # Pillow's own limit fires in Image.open, before ours: DecompressionBombError, not OSError.
    with pytest.raises(SkipFile, match="too large to decode safely"):
        load(png_claiming(50_000, 50_000), max_pixels=10**12)


def test_decompression_bomb_caught_by_our_limit() -> None:
    with pytest.raises(SkipFile, match=r"9000×8000"):
        load(png_claiming(9_000, 8_000), max_pixels=50_000_000)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_truncated_image(fmt: str) -> None:
    data = image_bytes(gradient(200, 200), fmt)
    with pytest.raises(SkipFile, match="damaged or unsupported image"):
        load(data[: len(data) // 2])
    assert not ImageFile.LOAD_TRUNCATED_IMAGES  # the fix must not be the global switch


@pytest.mark.parametrize("data", [
    b"",
    b"not an image",
    b"\xff\xd8\xff\xe0" + b"\x00" * 50,
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,
    b"GIF89a" + b"\xff" * 20,
    b"BM" + b"\xff" * 60,
])
def test_garbage_is_skipped(data: bytes) -> None:
    with pytest.raises(SkipFile) as info:
        load(data)
    assert info.value.reason.startswith(("damaged or unsupported image", "not an image file"))


def test_corrupt_png_checksum() -> None:
    data = bytearray(image_bytes(gradient(40, 40), "PNG"))
    data[data.index(b"IDAT") + 4] ^= 0xFF  # the zlib header of the pixel data
    with pytest.raises(SkipFile, match="damaged or unsupported image"):
        load(bytes(data))


def test_heic_named_jpg_is_read_by_content() -> None:
    pillow_heif = pytest.importorskip("pillow_heif")
    image = gradient(64, 32)
    out = BytesIO()
    try:
        pillow_heif.from_pillow(image).save(out, quality=80)
    except Exception as error:  # the encoder is optional in some builds
        pytest.skip(f"pillow_heif cannot write HEIC here: {error}")
    photo = load(out.getvalue())
    assert (photo.width, photo.height) == (64, 32) and photo.image.mode == "RGB"


def test_thumbnail() -> None:
    image = gradient(400, 200)
    thumb = Image.open(BytesIO(make_thumbnail(image, 100)))
    assert thumb.format == "JPEG" and thumb.size == (100, 50)
    small = Image.open(BytesIO(make_thumbnail(gradient(30, 20), 100)))
    assert small.size == (30, 20)  # never enlarged
    assert image.size == (400, 200)  # the original is untouched


def test_thumbnail_relpath() -> None:
    h = "ab" + "0" * 62
    assert thumbnail_relpath(h) == f"ab/{h}.jpg"
