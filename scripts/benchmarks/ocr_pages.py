"""Rendered pages of known English text, for OCR's line recall (bench section "ocr", tests/core).

Each page is 15-25 lines in one of Debian's DejaVu fonts (fonts-dejavu-core: sans, serif, mono) at
14-32 px; one page is turned 2.5 degrees; one is a "photo of a page": a perspective warp, sensor noise
and JPEG at quality 60. A line counts as recalled when some OCR line matches it at a normalised
difflib ratio >= MATCH (case and spacing ignored), so a line OCR dropped or garbled counts as missed.
"""

from __future__ import annotations

import difflib
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FONTS = Path("/usr/share/fonts/truetype/dejavu")
MATCH = 0.8

TEXT = (
    "The committee met on a wet Tuesday morning in March",
    "to decide what should be done about the old bridge.",
    "Nobody could agree on the cost of a new one, and the",
    "engineer's report ran to forty pages of careful figures.",
    "Mrs. Holloway, who kept the bakery by the river, said",
    "that her customers crossed it twice a day without fear.",
    "The mayor reminded everyone that a lorry had fallen",
    "through the railings only three winters before.",
    "After some argument they voted to repair the deck,",
    "paint the girders, and close it to heavy traffic.",
    "Work began in May and finished late in September,",
    "about six weeks behind the schedule on the notice.",
    "Children were the first to walk across the new planks;",
    "the bakery sold out of buns before ten o'clock.",
    "A photograph of the opening hangs in the town hall,",
    "next to a map of the parish drawn in 1851.",
    "Visitors often ask why the bridge is painted green.",
    "The answer is simple: the paint was on special offer.",
    "Each spring the council checks the bolts and cables,",
    "and the report is posted on the library's front door.",
    "Questions may be sent to the clerk at 14 High Street,",
    "or by email to bridges@example.org before 1 June.",
    "Please keep dogs on a lead while crossing the river.",
    "Cyclists are asked to dismount between the two lamps.",
    "Thank you for helping to keep our bridge in good repair.",
)


@dataclass(frozen=True)
class Page:
    label: str
    data: bytes  # the encoded picture, as a file on disk would hold it
    lines: tuple[str, ...]


def _font(name: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / name), size)


def _render(lines: Sequence[str], font_name: str, size: int):
    from PIL import Image, ImageDraw

    font = _font(font_name, size)
    margin = 3 * size
    width = max(int(font.getlength(line)) for line in lines) + 2 * margin
    pitch = int(size * 1.5)  # single-spaced print: a line's height is about 1.2-1.5 times its size
    image = Image.new("RGB", (width, 2 * margin + pitch * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((margin, margin + i * pitch), line, font=font, fill=(25, 25, 25))
    return image


def _encoded(image, fmt: str, quality: int = 90) -> bytes:
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": quality} if fmt == "JPEG" else {}))
    return out.getvalue()


def _photographed(image, seed: int = 3):
    """A page photographed by hand: seen a little from one side (perspective), on a grey desk, with
    sensor noise; the caller saves it as a JPEG at quality 60."""
    import numpy as np
    from PIL import Image

    width, height = image.size
    pad = int(0.08 * max(width, height))
    canvas = Image.new("RGB", (width + 2 * pad, height + 2 * pad), (120, 118, 112))
    canvas.paste(image, (pad, pad))
    cw, ch = canvas.size
    # Where the canvas's corners come from: the top edge pulled in, as a camera tilted back sees it.
    dx, dy = 0.06 * cw, 0.03 * ch
    source = [(dx, dy), (cw - dx, 0), (cw, ch), (0, ch - dy)]
    target = [(0, 0), (cw, 0), (cw, ch), (0, ch)]
    coeffs = _perspective(target, source)
    warped = canvas.transform(canvas.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC,
                              fillcolor=(120, 118, 112))
    noisy = np.asarray(warped, dtype=np.float32)
    noisy += np.random.default_rng(seed).normal(0.0, 9.0, noisy.shape)
    return Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))


def _perspective(target: list[tuple[float, float]], source: list[tuple[float, float]]) -> list[float]:
    import numpy as np

    rows = []
    for (x, y), (u, v) in zip(target, source, strict=True):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    rhs = np.array([c for point in source for c in point], dtype=np.float64)
    return [float(c) for c in np.linalg.solve(np.array(rows, dtype=np.float64), rhs)]


def _lines(count: int, seed: int) -> tuple[str, ...]:
    start = random.Random(seed).randrange(len(TEXT))
    return tuple(TEXT[(start + i) % len(TEXT)] for i in range(count))


def pages(smoke: bool = False) -> list[Page]:
    """The bench's pages (smoke: the first two, which the fast test reads too)."""
    from PIL import Image

    made: list[Page] = []
    specs = (
        ("sans 14 px, PNG", "DejaVuSans.ttf", 14, 25),
        ("serif 18 px, PNG", "DejaVuSerif.ttf", 18, 22),
        ("mono 24 px, PNG", "DejaVuSansMono.ttf", 24, 18),
        ("sans 32 px, JPEG", "DejaVuSans.ttf", 32, 15),
        ("serif 20 px turned 2.5 degrees, PNG", "DejaVuSerif.ttf", 20, 20),
        ("photo of a page: sans 22 px, perspective, noise, JPEG 60", "DejaVuSans.ttf", 22, 20),
    )
    for k, (label, font, size, count) in enumerate(specs[:2] if smoke else specs):
        lines = _lines(count, k)
        image = _render(lines, font, size)
        if "turned" in label:
            image = image.rotate(2.5, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC)
            data = _encoded(image, "PNG")
        elif "photo" in label:
            data = _encoded(_photographed(image), "JPEG", 60)
        else:
            data = _encoded(image, "JPEG" if "JPEG" in label else "PNG")
        made.append(Page(label, data, lines))
    return made


def read_as_indexed(reader: Any, data: bytes) -> list[Any]:
    """The lines OCR reads in a picture file as the indexing phase reads it (ocr_phase.read_file): the
    gate on the picture decoded small, then, if it saw text, the full pass at up to 2000 px. `reader`:
    the OcrWorker or, in-process, an ocr.engine.Engine (both have read(image, step))."""
    from desktop.core.ocr.pictures import Picture, gate_picture, photo_picture
    from desktop.core.ocr.records import Reading

    small = gate_picture(data, 180_000_000)
    seen = reader.read(small.image, "gate") if isinstance(small, Picture) else None
    if not isinstance(seen, Reading) or seen.gated_out:
        return []
    picture = photo_picture(data, 180_000_000)
    reading = reader.read(picture.image, "read") if isinstance(picture, Picture) else None
    return list(reading.lines) if isinstance(reading, Reading) else []


def normalised(text: str) -> str:
    return " ".join(text.lower().split())


def missed_lines(expected: Sequence[str], read: Sequence[str]) -> list[str]:
    """The expected lines no OCR line matches at >= MATCH."""
    got = [normalised(line) for line in read]
    missed = []
    for line in expected:
        want = normalised(line)
        if not any(difflib.SequenceMatcher(None, want, have).ratio() >= MATCH for have in got):
            missed.append(line)
    return missed
