"""Bench section "duplicates": precision and recall of each kind of group on a generated set.

From scikit-image's sample photos (each at most 400 px): the original; an exact copy; the same
picture resized to half, re-encoded at JPEG quality 60, cropped by 5% on each side, turned by
90 degrees (all "near"); and two different shots of the same subject - the left and the right
70% of the scene, as when panning - which are "similar", not copies (plus the motorcycle
stereo pair, two cameras a few centimetres apart).

Scored over pairs of files: a predicted pair is two files in one group of that kind (near and
similar groups stand for their exact copies too); the truth pairs of a kind are the pairs the
set was made with. Similar shots need a real CLIP model to mean anything; without weights in
the Hugging Face cache the tiny random test model runs and the similar figures show mechanics.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import Report, index_folder

LONGEST = 400
NEAR_VARIANTS = ("small", "q60", "crop", "turned")
SKIP = {"chessboard_GRAY"}  # the same picture as chessboard_RGB: a duplicate in the source set


def generated_set(folder: Path, limit: int | None = None) -> dict[str, tuple[str, str]]:
    """Writes the set; returns file name -> (source subject, variant)."""
    import skimage
    from PIL import Image

    data = Path(skimage.__file__).parent / "data"
    folder.mkdir(parents=True)
    (folder / "copies").mkdir()
    truth: dict[str, tuple[str, str]] = {}
    sources = sorted(p for p in data.iterdir() if p.suffix in (".png", ".jpg") and p.stem not in SKIP)
    for source in sources[:limit]:
        with Image.open(source) as image:
            photo = image.convert("RGB")
        if min(photo.size) < 64:
            continue
        photo.thumbnail((LONGEST, LONGEST))
        subject = "motorcycle" if source.stem.startswith("motorcycle") else source.stem
        w, h = photo.size

        def save(name: str, picture: Any, variant: str, subject: str = subject, **options: Any) -> None:
            picture.save(folder / name, **options)
            truth[name] = (subject, variant)

        save(f"{source.stem}.png", photo, "original" if subject == source.stem else source.stem)
        (folder / "copies" / f"{source.stem}.png").write_bytes((folder / f"{source.stem}.png").read_bytes())
        truth[f"copies/{source.stem}.png"] = truth[f"{source.stem}.png"][0], "copy"
        save(f"{source.stem}_small.png", photo.resize((w // 2, h // 2)), "small")
        save(f"{source.stem}_q60.jpg", photo, "q60", quality=60)
        save(f"{source.stem}_crop.png", photo.crop((w // 20, h // 20, w - w // 20, h - h // 20)), "crop")
        save(f"{source.stem}_turned.png", photo.rotate(90, expand=True), "turned")
        save(f"{source.stem}_pan_left.png", photo.crop((0, 0, int(w * 0.7), h)), "pan_left")
        save(f"{source.stem}_pan_right.png", photo.crop((w - int(w * 0.7), 0, w, h)), "pan_right")
    return truth


def truth_pairs(truth: dict[str, tuple[str, str]]) -> dict[str, set[frozenset[str]]]:
    """Pairs per kind. A picture is its original with its copy and near variants; pictures of one
    subject (the pans, the stereo pair) are similar to each other."""
    picture_of: dict[str, str] = {}
    for name, (subject, variant) in truth.items():
        stem = Path(name).stem.split("_pan_")[0] if "pan_" in variant else None
        if stem is not None:
            picture_of[name] = f"{subject}:{variant}:{stem}"
        else:
            base = Path(name).stem
            for v in NEAR_VARIANTS:
                base = base.removesuffix(f"_{v}")
            picture_of[name] = f"{subject}:{base}"
    pairs: dict[str, set[frozenset[str]]] = {"exact": set(), "near": set(), "similar": set()}
    for a, b in itertools.combinations(sorted(truth), 2):
        if picture_of[a] == picture_of[b]:
            exact = {truth[a][1], truth[b][1]} == {"copy", "original"} or (
                "copy" in (truth[a][1], truth[b][1]) and Path(a).name == Path(b).name)
            pairs["exact" if exact else "near"].add(frozenset((a, b)))
        elif truth[a][0] == truth[b][0]:
            pairs["similar"].add(frozenset((a, b)))
    return pairs


def predicted_pairs(groups: list[Any], root: Path) -> dict[str, set[frozenset[str]]]:
    def name(path: str) -> str:
        return str(Path(path).relative_to(root))

    copies: dict[str, set[str]] = defaultdict(set)  # a file -> its exact copies (itself included)
    for group in groups:
        if group.kind == "exact":
            members = {name(f.path) for f in group.files}
            for member in members:
                copies[member] |= members
    pairs: dict[str, set[frozenset[str]]] = {"exact": set(), "near": set(), "similar": set()}
    for group in groups:
        members: set[str] = set()
        for f in group.files:
            members |= copies.get(name(f.path), {name(f.path)})
        for a, b in itertools.combinations(sorted(members), 2):
            pair = frozenset((a, b))
            if group.kind != "exact" and any(pair in pairs[k] for k in ("exact", "near")):
                continue  # a copy's pair is already counted under its stronger kind
            pairs[group.kind].add(pair)
    return pairs


def bench_duplicates(report: Report, work: Path, tiny_clip: Any, smoke: bool = False) -> None:
    import time

    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    folder = work / "duplicates" / "photos"
    truth = generated_set(folder, 4 if smoke else None)
    with Library.open(work / "duplicates" / "library") as lib:
        real = lib.clip_problem() is None
        if not real:
            config, weights = tiny_clip(work / "duplicates")
            lib.set_setting("clip_model", str(config))
            lib.set_setting("clip_weights", str(weights))
        index_folder(lib, folder)
        t0 = time.process_time()
        groups = run_job(lib.find_duplicates())
        cold = time.process_time() - t0
        t0 = time.process_time()
        run_job(lib.find_duplicates())
        warm = time.process_time() - t0
    want, got = truth_pairs(truth), predicted_pairs(groups, folder)
    model = "real CLIP" if real else "tiny random CLIP: similar is mechanics only"
    for kind in ("exact", "near", "similar"):
        hits = len(want[kind] & got[kind])
        precision = hits / len(got[kind]) if got[kind] else 1.0
        recall = hits / len(want[kind]) if want[kind] else 1.0
        report.add("duplicates", f"{kind}: precision / recall (pairs)",
                   f"{precision:.3f} / {recall:.3f}  ({len(want[kind])} true pairs)")
    report.add("duplicates", "finding them, CPU s (hashing / cached hashes)", f"{cold:.2f} / {warm:.2f}")
    report.note("duplicates", f"{len(truth)} files from {len({s for s, _ in truth.values()})} subjects; {model}; "
                "similar at the default 90%")
