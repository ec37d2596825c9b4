"""Decode a photo safely, small enough for the image model, with its date and camera.

Image decoders meet hostile and damaged files. Everything Pillow can throw is turned
into SkipFile here — DecompressionBombError is *not* an OSError (a peer crashed on
that), and truncated files must not abort a run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

from desktop.core.common.errors import SkipFile
from desktop.core.ingest.captions import embedded_caption
from desktop.core.ingest.exif import camera_of, taken_at_of

try:  # HEIC photos are often named .jpg: registering the opener lets Pillow sniff them
    import pillow_heif

    pillow_heif.register_heif_opener()
except Exception:  # pragma: no cover - optional; other formats still work
    pass

_ORIENTATION = 0x0112
_SWAPS_SIDES = frozenset({5, 6, 7, 8})  # EXIF orientations that turn the picture by 90°


@dataclass
class Photo:
    image: Image.Image  # RGB, no bigger than load_photo was asked for
    width: int  # original size, as the photo is meant to be seen (after EXIF rotation)
    height: int
    taken_at: float | None  # POSIX time from EXIF, local time when no offset is recorded
    camera: str | None  # "Make Model"
    caption: str = ""  # EXIF ImageDescription / XMP dc:description written into the file


def load_photo(data: bytes, *, max_pixels: int, target_size: int = 448, longest: int = 0) -> Photo:
    """Decode `data` into an RGB Photo, or raise SkipFile with the reason.

    The picture comes back at the smallest size whose shortest side is at least `target_size`
    and whose longest side is at least `longest` (never enlarged): decoding and every resize
    after it cost in proportion to the pixels kept."""
    try:
        return _load(data, max_pixels, target_size, longest)
    except SkipFile:
        raise
    except UnidentifiedImageError:
        raise SkipFile("not an image file, or a kind of image this app cannot read") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise SkipFile("image is too large to decode safely") from None
    except MemoryError:
        raise SkipFile("damaged or unsupported image: not enough memory to decode it") from None
    except Exception as error:
        # OSError ("image file is truncated"), ValueError, SyntaxError, struct.error,
        # EOFError... damaged headers reach many code paths; a plugin may throw anything.
        raise SkipFile(f"damaged or unsupported image: {_short(error)}") from None


def _load(data: bytes, max_pixels: int, target_size: int, longest: int) -> Photo:
    image = Image.open(BytesIO(data))  # reads the header only
    width, height = image.size
    # Checked before any pixel is decoded: a tiny file may claim gigapixels.
    if width * height > max_pixels:
        raise SkipFile(f"image is too large to decode safely ({width}×{height} pixels)")
    if getattr(image, "n_frames", 1) > 1:
        image.seek(0)  # animations: the first frame stands for the file
    wanted = fitted_size(image.size, target_size, longest)
    if image.format == "JPEG":
        # Lets libjpeg decode at 1/2..1/8 scale (never below `wanted`): a 50 MP photo costs a
        # fraction of the time and memory.
        image.draft("RGB", wanted)
    image.load()  # the full decode happens here, inside the caller's error handling
    orientation = _orientation(image)
    taken_at, camera = taken_at_of(image), camera_of(image)
    caption = embedded_caption(image)
    try:
        image = ImageOps.exif_transpose(image)
    except Exception:
        orientation = 1  # a broken EXIF block costs the rotation, not the photo
    if orientation in _SWAPS_SIDES:
        width, height = height, width
    image = _to_rgb(image)
    image = _shrink(image, fitted_size(image.size, target_size, longest))
    return Photo(image=image, width=width, height=height, taken_at=taken_at, camera=camera, caption=caption)


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION, 1))
    except Exception:
        return 1


def _to_rgb(image: Image.Image) -> Image.Image:
    mode = image.mode
    if mode == "RGB":
        return image
    if (mode == "P" and "transparency" in image.info) or mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Transparent areas become white, as a viewer would show them, not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode.startswith("I") or mode == "F":
        # 16-bit and float images: stretch to 8 bits instead of clipping at 255.
        wide = image.convert("F") if mode == "F" else image.convert("I").convert("F")
        low, high = wide.getextrema()
        scale = 255.0 / (high - low) if high > low else 1.0
        return wide.point(lambda v: (v - low) * scale).convert("L").convert("RGB")
    return image.convert("RGB")  # L, 1, P, CMYK, YCbCr, LAB, HSV


def fitted_size(size: tuple[int, int], shortest: int, longest: int) -> tuple[int, int]:
    """The smallest size with `size`'s proportions whose shortest side is at least `shortest` and
    longest side at least `longest`; `size` itself when that would enlarge it."""
    width, height = size
    scale = max(shortest / max(1, min(width, height)), longest / max(1, max(width, height)))
    if scale >= 1:
        return width, height
    # The tolerance keeps float noise (224 / 3000 * 3000 = 224.00000000000003) from adding a row.
    return max(1, math.ceil(width * scale - 1e-6)), max(1, math.ceil(height * scale - 1e-6))


def _shrink(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Down to `size`: enough for the model and a thumbnail, and memory stays bounded by the
    target, not by the camera."""
    if image.width <= size[0] and image.height <= size[1]:
        return image
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)


def make_thumbnail(image: Image.Image, size: int) -> bytes:
    """JPEG bytes (quality 85) with the longest side `size`; never enlarges.

    Bicubic with a reducing gap and no JPEG `optimize` pass: at 100+ photos/s (OpenVINO) the
    loader thread's time is the pipeline's limit, and both cost time without a visible gain."""
    thumb = image
    scale = size / max(image.size)
    if scale < 1:
        target = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        thumb = image.resize(target, Image.Resampling.BICUBIC, reducing_gap=2.0)
    if thumb.mode != "RGB":
        thumb = _to_rgb(thumb)
    out = BytesIO()
    thumb.save(out, "JPEG", quality=85)
    return out.getvalue()


def thumbnail_relpath(content_hash: str) -> str:
    """Where a thumbnail lives under the thumbnail dir: 256 subfolders keep folders small."""
    return f"{content_hash[:2]}/{content_hash}.jpg"


def _short(error: BaseException) -> str:
    message = str(error).strip().split("\n", 1)[0]
    return (message[:120] if message else type(error).__name__)
