"""A labelled set of photos with faces, made from photos that ship in packages: scikit-image's
astronaut.png (Eileen Collins) and camera.png (the cameraman, a face turned away), matplotlib's
grace_hopper.jpg, and transformed copies of each (mirror, crop, scale, rotation, lighting, grey,
JPEG quality), two-person collages, and photos without faces. Used by tests/core/test_faces*.py
and scripts/measure_faces.py.

What it cannot stand in for: a family album has dozens of people, children who change with the
years, profiles, sunglasses, crowds and small faces in the background; here two identities are
seen in one pose each, so clustering figures are an upper bound, not a forecast.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

NO_FACES = ("coffee.png", "chelsea.png", "rocket.jpg", "horse.png", "motorcycle_left.png", "brick.png",
            "hubble_deep_field.jpg", "coins.png")


@dataclass(frozen=True)
class Labelled:
    name: str
    people: tuple[str, ...]  # identities in the photo, left to right
    hard: bool = False  # a face the HOG detector is not made for (turned away)


def skimage_photo(name: str) -> Image.Image:
    import skimage

    return Image.open(Path(skimage.__file__).parent / "data" / name).convert("RGB")


def hopper() -> Image.Image | None:
    try:
        import matplotlib.cbook as cbook
    except ImportError:
        return None
    with cbook.get_sample_data("grace_hopper.jpg") as handle:
        return Image.open(handle).convert("RGB")


def sources() -> dict[str, Image.Image]:
    found = {"collins": skimage_photo("astronaut.png")}
    grace = hopper()
    if grace is not None:
        found["hopper"] = grace
    return found


def variants(image: Image.Image) -> dict[str, Image.Image]:
    """Transformed copies of one photo: what a second shot of the same person changes."""
    w, h = image.size
    return {
        "original": image,
        "mirror": ImageOps.mirror(image),
        "crop": image.crop((w // 8, 0, w - w // 8, h - h // 4)),
        "small": image.resize((w * 3 // 5, h * 3 // 5), Image.Resampling.LANCZOS),
        "large": image.resize((w * 2, h * 2), Image.Resampling.BICUBIC),
        "rotated": image.rotate(10, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=(128, 128, 128)),
        "bright": ImageEnhance.Brightness(image).enhance(1.4),
        "dark": ImageEnhance.Brightness(image).enhance(0.55),
        "grey": ImageOps.grayscale(image).convert("RGB"),
        "jpeg25": image,  # saved at quality 25
    }


def collage(left: Image.Image, right: Image.Image) -> Image.Image:
    height = min(left.height, right.height)
    a = left.resize((left.width * height // left.height, height))
    b = right.resize((right.width * height // right.height, height))
    canvas = Image.new("RGB", (a.width + b.width, height), (255, 255, 255))
    canvas.paste(a, (0, 0))
    canvas.paste(b, (a.width, 0))
    return canvas


def build(folder: Path, *, kinds: tuple[str, ...] | None = None, no_faces: bool = True,
          collages: bool = True) -> list[Labelled]:
    """Write the set into `folder`; returns the labels. `kinds`: only these variants."""
    folder.mkdir(parents=True, exist_ok=True)
    labels: list[Labelled] = []
    people = sources()
    for person, image in people.items():
        for kind, copy in variants(image).items():
            if kinds is not None and kind not in kinds:
                continue
            name = f"{person}-{kind}.jpg" if kind == "jpeg25" else f"{person}-{kind}.png"
            copy.save(folder / name, **({"quality": 25} if kind == "jpeg25" else {}))
            labels.append(Labelled(name, (person,)))
    if collages and len(people) >= 2:
        collage(people["collins"], people["hopper"]).save(folder / "collins-and-hopper.jpg", quality=90)
        labels.append(Labelled("collins-and-hopper.jpg", ("collins", "hopper")))
        collage(ImageOps.mirror(people["hopper"]), people["collins"]).save(folder / "hopper-and-collins.png")
        labels.append(Labelled("hopper-and-collins.png", ("hopper", "collins")))
    if no_faces:
        skimage_photo("camera.png").save(folder / "cameraman.png")
        labels.append(Labelled("cameraman.png", ("cameraman",), hard=True))
        for name in NO_FACES:
            skimage_photo(name).save(folder / f"nobody-{Path(name).stem}.png")
            labels.append(Labelled(f"nobody-{Path(name).stem}.png", ()))
    return labels


def twelve_megapixels(folder: Path, count: int = 3) -> list[Path]:
    """4000 × 3000 JPEGs with the astronaut's face as a camera would place it (not filling the frame)."""
    folder.mkdir(parents=True, exist_ok=True)
    base = skimage_photo("astronaut.png").resize((1600, 1600), Image.Resampling.BICUBIC)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(count):
        noise = rng.integers(90, 170, size=(300, 400, 3), dtype=np.uint8)
        canvas = Image.fromarray(noise).resize((4000, 3000), Image.Resampling.BICUBIC)
        canvas.paste(base, (400 + 600 * i, 700))
        path = folder / f"camera-{i}.jpg"
        canvas.save(path, quality=90)
        paths.append(path)
    return paths
