"""Camera-like photos with and without text, made from packaged pictures and generated ones, to measure
OCR's gate (scripts/benchmarks/ocr.py, tests/core/test_ocr_gate.py).

Without text: scikit-image's photos that hold no lettering, Tux Paint stamps on a textured ground, and
generated textures that look like print to a text detector (sensor noise in the dark, foliage, fabric,
brick, water, gravel). With text: signs, receipts, screenshots and slides rendered with the DejaVu
fonts. Every picture but the screenshots is "photographed": scaled to the camera's size, lit unevenly,
put in perspective (the text ones), with sensor noise and JPEG at a phone's quality.
Deterministic: the same seed makes the same bytes.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

FONTS = Path("/usr/share/fonts/truetype/dejavu")
STAMPS = Path("/usr/share/tuxpaint/stamps")
# scikit-image's pictures without lettering (page, text, logo, coins, astronaut, rocket... hold some).
SKIMAGE_PLAIN = ("camera.png", "chelsea.png", "coffee.png", "horse.png", "hubble_deep_field.jpg", "ihc.png",
                 "moon.png", "retina.jpg", "grass.png", "gravel.png", "brick.png", "cell.png", "microaneurysms.png",
                 "motorcycle_left.png")
TEXTURES = ("noise", "foliage", "fabric", "brick", "water", "gravel")
TEXT_KINDS = ("sign", "receipt", "screenshot", "slide")
_WORDS = (
    "invoice total station exit parking open closed coffee market street garden museum platform ticket "
    "warning private entrance bakery pharmacy meeting agenda budget revenue quarterly results summary "
    "delivery address tomato basil cheese bread milk apples butter eggs water juice sale discount "
    "monday tuesday friday hotel reception library north south river bridge avenue school"
)
WORDS = tuple(_WORDS.split())


@dataclass(frozen=True)
class GatePhoto:
    source: str  # "scikit-image", "stamp", "texture", or a kind of text picture
    name: str
    has_text: bool
    data: bytes  # the encoded file, as it sits on disk
    suffix: str


def _font(name: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(str(FONTS / name), size)


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def _texture(kind: str, size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """H x W x 3 float in 0..255."""
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "noise":  # a dark room: flat dim grey, the sensor's noise turned up
        base = np.full((h, w, 3), rng.uniform(20, 60), dtype=np.float32)
        return base + rng.normal(0, 12, (h, w, 3))
    if kind == "foliage":
        out = np.zeros((h, w, 3), dtype=np.float32) + np.array([30, 60, 25], dtype=np.float32)
        for _ in range(900):
            cx, cy = rng.uniform(0, w), rng.uniform(0, h)
            rx, ry = rng.uniform(w / 150, w / 40), rng.uniform(h / 150, h / 50)
            angle = rng.uniform(0, np.pi)
            x0, x1 = int(max(0, cx - 2 * rx)), int(min(w, cx + 2 * rx))
            y0, y1 = int(max(0, cy - 2 * rx)), int(min(h, cy + 2 * rx))
            if x1 <= x0 or y1 <= y0:
                continue
            dx, dy = x[y0:y1, x0:x1] - cx, y[y0:y1, x0:x1] - cy
            u = (dx * np.cos(angle) + dy * np.sin(angle)) / rx
            v = (-dx * np.sin(angle) + dy * np.cos(angle)) / ry
            leaf = (u * u + v * v) < 1
            colour = np.array([rng.uniform(20, 90), rng.uniform(70, 180), rng.uniform(10, 70)], dtype=np.float32)
            out[y0:y1, x0:x1][leaf] = colour * rng.uniform(0.6, 1.2)
        return out
    if kind == "fabric":
        period = rng.uniform(6, 14) * w / 1000
        weave = (np.sin(2 * np.pi * x / period) * np.sign(np.sin(2 * np.pi * y / (2 * period))) + 1) * 40
        colour = np.array([rng.uniform(60, 200), rng.uniform(40, 160), rng.uniform(60, 200)], dtype=np.float32)
        return colour * 0.6 + weave[..., None] + rng.normal(0, 6, (h, w, 1))
    if kind == "brick":
        bh, bw = h / rng.uniform(14, 26), w / rng.uniform(7, 12)
        row = (y // bh).astype(int)
        shifted = x + (row % 2) * bw / 2
        col = (shifted // bw).astype(int)
        mortar = ((y % bh) < bh * 0.1) | ((shifted % bw) < bw * 0.05)
        shade = np.random.default_rng(int(rng.integers(1 << 30))).uniform(0.75, 1.15, (row.max() + 2, col.max() + 2))
        red = np.array([150, 70, 50], dtype=np.float32)[None, None, :] * shade[row, col][..., None]
        return np.where(mortar[..., None], np.array([180, 175, 165], dtype=np.float32), red)
    if kind == "water":
        waves = sum(np.sin(2 * np.pi * (x * np.cos(a) + y * np.sin(a)) / p + rng.uniform(0, 6))
                    for a, p in ((rng.uniform(0, 3), rng.uniform(20, 90) * w / 1000) for _ in range(6)))
        glint = np.clip(waves - 3.5, 0, None) * 80
        return np.array([30, 80, 120], dtype=np.float32) + waves[..., None] * 12 + glint[..., None]
    if kind == "gravel":
        out = np.full((h, w, 3), 110, dtype=np.float32)
        for _ in range(2500):
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(w / 400, w / 120)
            x0, x1, y0, y1 = int(max(0, cx - r)), int(min(w, cx + r)), int(max(0, cy - r)), int(min(h, cy + r))
            if x1 <= x0 or y1 <= y0:
                continue
            stone = (x[y0:y1, x0:x1] - cx) ** 2 + (y[y0:y1, x0:x1] - cy) ** 2 < r * r
            out[y0:y1, x0:x1][stone] = rng.uniform(60, 200)
        return out
    raise ValueError(kind)


def _photograph(image: Any, size: tuple[int, int], rng: np.random.Generator, *, perspective: bool,
                noise: float) -> Any:
    """Scaled to the camera's frame, unevenly lit, optionally in perspective, with sensor noise."""
    from PIL import Image

    image = image.convert("RGB").resize(size, Image.Resampling.BILINEAR)
    w, h = size
    if perspective:  # the corners of the frame move by up to 8%: a picture taken a little askew
        d = [rng.uniform(0, 0.08) * s for s in (w, h, w, h, w, h, w, h)]
        quad = (d[0], d[1], d[2], h - d[3], w - d[4], h - d[5], w - d[6], d[7])
        image = image.transform(size, Image.Transform.QUAD, quad, Image.Resampling.BILINEAR, fillcolor=(90, 80, 70))
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.8 + 0.3 * np.cos((x / w - rng.uniform(0, 1)) * 2) * np.cos((y / h - rng.uniform(0, 1)) * 2)
    pixels = np.asarray(image, dtype=np.float32) * light[..., None] + rng.normal(0, noise, (h, w, 3))
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _jpeg(image: Any, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _sign(rng: random.Random, size: tuple[int, int], ground: Any) -> Any:
    from PIL import ImageDraw

    image = ground.copy()
    draw = ImageDraw.Draw(image)
    w, h = size
    sw, sh = int(w * rng.uniform(0.3, 0.6)), int(h * rng.uniform(0.15, 0.35))
    x0, y0 = rng.randint(0, w - sw), rng.randint(0, h - sh)
    colours = [((20, 90, 40), "white"), ((20, 50, 140), "white"), ((240, 240, 235), (20, 20, 20)),
               ((200, 30, 30), "white"), ((250, 210, 40), (20, 20, 20))]
    fill, ink = rng.choice(colours)
    draw.rectangle((x0, y0, x0 + sw, y0 + sh), fill=fill)
    lines = [_phrase(rng, rng.randint(1, 3)) for _ in range(rng.randint(1, 3))]
    size_px = max(8, int(sh / (len(lines) * 1.6)))
    font = _font("DejaVuSans-Bold.ttf", size_px)
    while max(font.getlength(line) for line in lines) > sw * 0.92 and size_px > 8:
        size_px = int(size_px * 0.9)
        font = _font("DejaVuSans-Bold.ttf", size_px)
    for i, line in enumerate(lines):
        draw.text((x0 + sw * 0.04, y0 + sh * 0.1 + i * size_px * 1.4), line, font=font, fill=ink)
    return image


def _receipt(rng: random.Random, size: tuple[int, int], ground: Any) -> Any:
    from PIL import Image, ImageDraw

    w, h = size
    paper = Image.new("RGB", (int(w * rng.uniform(0.3, 0.45)), int(h * 0.9)), (245, 243, 236))
    draw = ImageDraw.Draw(paper)
    pw, ph = paper.size
    size_px = max(8, int(ph / rng.uniform(38, 55)))
    font = _font("DejaVuSansMono.ttf", size_px)
    y = size_px
    shop = rng.choice(("CORNER MARKET", "CAFE CENTRAL", "HARDWARE & CO"))
    draw.text((pw * 0.2, y), shop, font=font, fill=(30, 30, 30))
    y += size_px * 2
    while y < ph - 3 * size_px:
        item = _phrase(rng, rng.randint(1, 2))[:18]
        draw.text((pw * 0.06, y), f"{item:<18} {rng.uniform(0.5, 40):6.2f}", font=font, fill=(30, 30, 30))
        y += int(size_px * 1.5)
    image = ground.copy()
    image.paste(paper.rotate(rng.uniform(-6, 6), expand=True, fillcolor=(90, 80, 70)),
                (rng.randint(0, w - pw - 40), int(h * 0.02)))
    return image


def _screenshot(rng: random.Random, size: tuple[int, int]) -> Any:
    from PIL import Image, ImageDraw

    w, h = size
    image = Image.new("RGB", size, rng.choice([(255, 255, 255), (246, 246, 246), (32, 33, 36)]))
    dark = image.getpixel((0, 0))[0] < 128
    ink = (220, 220, 220) if dark else (25, 25, 25)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, w, 36), fill=(60, 63, 70) if dark else (225, 225, 228))
    small = _font("DejaVuSans.ttf", rng.choice((12, 13, 14, 15)))
    draw.text((12, 10), "  ".join(rng.choice(("File", "Edit", "View", "Help", "Tools", "Window")) for _ in range(5)),
              font=small, fill=ink)
    y = 60
    while y < h - 40:
        if rng.random() < 0.2:
            y += 24
            continue
        draw.text((40, y), _phrase(rng, rng.randint(3, 14)), font=small, fill=ink)
        y += int(small.size * 1.6)
    return image


def _slide(rng: random.Random, size: tuple[int, int]) -> Any:
    from PIL import Image, ImageDraw

    w, h = size
    background, ink = rng.choice([((255, 255, 255), (30, 30, 30)), ((20, 40, 80), (240, 240, 240)),
                                  ((245, 240, 225), (60, 40, 20))])
    image = Image.new("RGB", size, background)
    draw = ImageDraw.Draw(image)
    title = _font("DejaVuSans-Bold.ttf", h // 12)
    body = _font("DejaVuSans.ttf", h // 24)
    draw.text((w * 0.08, h * 0.08), _phrase(rng, 3), font=title, fill=ink)
    for i in range(rng.randint(3, 5)):
        draw.text((w * 0.1, h * (0.3 + i * 0.12)), "- " + _phrase(rng, rng.randint(3, 6)), font=body, fill=ink)
    return image


def _skimage_picture(name: str) -> Any:
    import skimage
    from PIL import Image

    with Image.open(Path(skimage.__file__).parent / "data" / name) as image:
        return image.convert("RGB")


def _stamp_on_ground(path: Path, size: tuple[int, int], rng: np.random.Generator) -> Any:
    from PIL import Image

    ground = Image.fromarray(np.clip(_texture(str(rng.choice(["fabric", "noise", "water"])), size, rng), 0, 255)
                             .astype(np.uint8))
    with Image.open(path) as stamp:
        stamp = stamp.convert("RGBA")
        scale = min(size[0] * 2 / 3 / stamp.width, size[1] * 2 / 3 / stamp.height)  # up or down
        stamp = stamp.resize((max(1, int(stamp.width * scale)), max(1, int(stamp.height * scale))))
        ground.paste(stamp, ((size[0] - stamp.width) // 2, (size[1] - stamp.height) // 2), stamp)
    return ground


def gate_set(per_kind: int = 4, size: tuple[int, int] = (4000, 3000), seed: int = 0,
             stamps: int = 8) -> list[GatePhoto]:
    """`per_kind` pictures of every texture and every kind of text picture, the plain scikit-image
    photos, and `stamps` Tux Paint stamps (when installed); camera photos at `size`."""
    rng = np.random.default_rng(seed)
    prng = random.Random(seed)
    work_size = (min(size[0], 2000), min(size[1], 1500))  # drawn here, then scaled to the camera's frame
    out: list[GatePhoto] = []

    def camera(image: Any, source: str, name: str, has_text: bool, perspective: bool) -> None:
        photo = _photograph(image, size, rng, perspective=perspective, noise=float(rng.uniform(2, 6)))
        out.append(GatePhoto(source, name, has_text, _jpeg(photo, int(rng.integers(85, 95))), "jpg"))

    for name in SKIMAGE_PLAIN:
        camera(_skimage_picture(name), "scikit-image", Path(name).stem, False, perspective=False)
    from PIL import Image

    for kind in TEXTURES:
        for i in range(per_kind):
            pixels = np.clip(_texture(kind, work_size, rng), 0, 255).astype(np.uint8)
            camera(Image.fromarray(pixels), "texture", f"{kind}-{i}", False, perspective=False)
    if STAMPS.is_dir():
        # Not the symbols: letters, digits and coins are text.
        paths = sorted(p for p in STAMPS.rglob("*.png") if "symbols" not in p.relative_to(STAMPS).parts)
        prng.shuffle(paths)
        for path in paths[:stamps]:
            camera(_stamp_on_ground(path, work_size, rng), "stamp", path.stem, False, perspective=False)
    for kind in TEXT_KINDS:
        for i in range(per_kind):
            if kind == "screenshot":  # a screen grab: exact pixels, PNG
                image = _screenshot(prng, prng.choice([(1920, 1080), (1366, 768), (2560, 1440)]))
                buffer = io.BytesIO()
                image.save(buffer, format="PNG")
                out.append(GatePhoto("screenshot", f"screenshot-{i}", True, buffer.getvalue(), "png"))
                continue
            ground_kind = str(rng.choice(["brick", "foliage", "fabric", "noise"]))
            ground = Image.fromarray(np.clip(_texture(ground_kind, work_size, rng), 0, 255).astype(np.uint8))
            image = (_sign(prng, work_size, ground) if kind == "sign" else _receipt(prng, work_size, ground)
                     if kind == "receipt" else _slide(prng, work_size))
            camera(image, kind, f"{kind}-{i}", True, perspective=True)
    return out


def write_set(photos: list[GatePhoto], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i, photo in enumerate(photos):
        (folder / f"{i:03d}-{photo.source}-{photo.name}.{photo.suffix}").write_bytes(photo.data)
    return folder
