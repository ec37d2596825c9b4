"""Bench section "negatives": does `A -B` take B-items out of the top 10 while keeping A-items?

A labelled set from Debian's tuxpaint-stamps-default: each stamp's folder is its label
(animals/birds, food/fruit, ...). Files get opaque names (stamp-0001.png), so a negative can
only act through meaning, never through a file name. Photos: the stamp pictures, through CLIP
(real weights when they are in the Hugging Face cache; otherwise the tiny random test CLIP, which
shows the mechanics only). Documents: each stamp's English caption ("A toucan.") as a text
file, through the real text model; the captions rarely repeat the negative word, so here too it
is the meaning that must do the work.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import Report, index_folder

STAMPS = Path("/usr/share/tuxpaint/stamps")
# (query A, negative B, A's folder, B's sub-folder)
PAIRS = [
    ("an animal", "bird", "animals", "animals/birds"),
    ("food", "fruit", "food", "food/fruit"),
    ("a plant", "flower", "plants", "plants/flowers"),
    ("a vehicle", "aircraft", "vehicles", "vehicles/flight"),
]
TOP = 10


def labelled_stamps(work: Path, per_folder: int | None = None) -> tuple[Path, Path, dict[str, str]]:
    """(photo folder, caption folder, opaque stem -> label folder); `per_folder`: at most that many
    stamps of each query's folder (a smoke run)."""
    photos, captions = work / "stamp-photos", work / "stamp-captions"
    photos.mkdir(parents=True)
    captions.mkdir(parents=True)
    labels: dict[str, str] = {}
    sources = sorted(p for top in sorted({p[2] for p in PAIRS})
                     for p in sorted((STAMPS / top).rglob("*.png"))[:per_folder])
    for i, png in enumerate(sources):
        stem = f"stamp-{i:04d}"
        labels[stem] = str(png.parent.relative_to(STAMPS))
        shutil.copyfile(png, photos / f"{stem}.png")
        caption = png.with_suffix(".txt")
        if caption.exists():
            first = caption.read_text(encoding="utf-8", errors="replace").splitlines()[:1]
            if first and first[0].strip():
                (captions / f"{stem}.txt").write_text(first[0].strip() + "\n", encoding="utf-8")
    return photos, captions, labels


def measure(search: Any, labels: dict[str, str]) -> dict[str, float]:
    """Means over PAIRS of B-items and A-not-B items in the top 10, for `A` and for `A -B`."""
    sums = {"b_before": 0.0, "b_after": 0.0, "a_before": 0.0, "a_after": 0.0}
    for query, negative, a_folder, b_folder in PAIRS:
        for key, text in (("before", query), ("after", f"{query} -{negative}")):
            stems = [Path(h.path).stem for h in search(text)[:TOP]]
            found = [labels.get(s, "") for s in stems]
            sums[f"b_{key}"] += sum(1 for f in found if f.startswith(b_folder))
            sums[f"a_{key}"] += sum(1 for f in found if f.startswith(a_folder) and not f.startswith(b_folder))
    return {k: v / len(PAIRS) for k, v in sums.items()}


def bench_negatives(report: Report, work: Path, tiny_clip: Any, smoke: bool = False) -> None:
    from desktop.core.library import Library

    if not STAMPS.is_dir():
        report.note("negatives", f"{STAMPS} is missing: apt-get install tuxpaint-stamps-default")
        return
    photos, captions, labels = labelled_stamps(work / "negatives", 12 if smoke else None)
    with Library.open(work / "negatives" / "library") as lib:
        real = lib.clip_problem() is None
        if not real:  # no CLIP weights in the cache: the tiny test model, for the mechanics
            config, weights = tiny_clip(work / "negatives")
            lib.set_setting("clip_model", str(config))
            lib.set_setting("clip_weights", str(weights))
        index_folder(lib, photos)
        index_folder(lib, captions)
        model = "real CLIP" if real else "tiny random CLIP (mechanics only)"
        for space, search in (("documents", lambda q: lib.search_documents(q, top=TOP)),
                              (f"photos, {model}", lambda q: lib.search_photos(q, top=TOP))):
            figures = measure(search, labels)
            report.add("negatives", f"{space}: B-items in top 10, A / A -B",
                       f"{figures['b_before']:.1f} / {figures['b_after']:.1f}")
            report.add("negatives", f"{space}: A-items in top 10, A / A -B",
                       f"{figures['a_before']:.1f} / {figures['a_after']:.1f}")
    report.note("negatives", f"{len(labels)} tuxpaint stamps, {len(PAIRS)} query pairs "
                f"({', '.join(f'{a} -{b}' for a, b, _, _ in PAIRS)}); means per query")
