"""Figures for people in photos (README, "People in photos"), on the package-made set of
scripts/face_photos.py: detection recall and false faces per photo at a few detector scores,
clustering purity and completeness at a few thresholds, faces/s and photos/s on the sample photos and
on 12 MP JPEGs, and the whole indexing time with the faces phase on and off.

    PYTHONPATH=. python scripts/measure_faces.py
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np

from desktop.core.common.jobs import run_job
from desktop.core.faces import detect
from desktop.core.faces.cluster import chinese_whispers
from desktop.core.faces.models import face_models
from desktop.core.indexing.faces_phase import _Looked, decode
from desktop.core.library import Library
from scripts import face_photos

SETTINGS = {"max_image_megapixels": 180}
SAME_PERSON = 0.6  # a detection is the labelled identity when this close to its reference face


def look_at(models: detect.FaceModels, path: str, settings: dict[str, int]) -> _Looked:
    """One photo as the faces phase sees it, detected in this process (so MIN_SCORE can be changed)."""
    decoded = decode(path, settings)
    if isinstance(decoded, _Looked):
        return decoded
    started = time.perf_counter()
    faces = detect.find_faces(models, decoded.image)
    seconds = decoded.seconds + time.perf_counter() - started
    return _Looked(decoded.size, decoded.mtime, "faces" if faces else "none", faces, seconds=seconds)


def main() -> None:
    models = face_models()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "album"
        labels = face_photos.build(folder)
        saved, detect.MIN_SCORE = detect.MIN_SCORE, -1.0  # every detection; scores are filtered below
        try:
            looked = {label.name: look_at(models, str(folder / label.name), SETTINGS) for label in labels}
        finally:
            detect.MIN_SCORE = saved
        references = {
            person: detect.find_faces(models, np.asarray(image))[0].vector
            for person, image in face_photos.sources().items()
        }
        print(f"{len(labels)} photos, {sum(len(label.people) for label in labels)} labelled faces "
              f"({len(references)} identities that the detector can see, and the cameraman turned away)")
        scored = [(f.score, _identity(f.vector, references) in label.people)
                  for label in labels for f in looked[label.name].faces]
        true_scores = [s for s, t in scored if t]
        print(f"detector scores: true faces {min(true_scores):.2f} to {max(true_scores):.2f}, "
              f"false faces {', '.join(f'{s:.2f}' for s, t in sorted(scored) if not t)}")
        for cut in (0.0, 0.3, 0.5):
            found = missed = false = 0
            for label in labels:
                faces = [f for f in looked[label.name].faces if f.score >= cut]
                true = [f for f in faces if _identity(f.vector, references) in label.people]
                found += min(len(true), len(label.people))
                missed += max(0, len(label.people) - len(true))
                false += len(faces) - len(true)
            labelled = found + missed
            print(f"detector score >= {cut}: recall {found}/{labelled} = {found / labelled:.2f} "
                  f"(without the turned-away face {found}/{labelled - 1} = {found / (labelled - 1):.2f}), "
                  f"false faces per photo {false / len(labels):.3f}")
        faces = [(label.name, f) for label in labels for f in looked[label.name].faces if f.score >= saved]
        truth = [_identity(f.vector, references) or "false" for _, f in faces]
        vectors = np.stack([f.vector for _, f in faces])
        for threshold in (0.4, 0.5, 0.6):
            groups = chinese_whispers(models.dlib, vectors, threshold)
            by_group: dict[int, Counter[str]] = {}
            for group, who in zip(groups, truth, strict=True):
                by_group.setdefault(group, Counter())[who] += 1
            purity = sum(c.most_common(1)[0][1] for c in by_group.values()) / len(truth)
            shares = []
            for who in references:
                total = truth.count(who)
                shares.append(max(c[who] for c in by_group.values()) / total)
            print(f"Chinese whispers at {threshold}: {len(by_group)} groups, purity {purity:.3f}, "
                  f"share of an identity's faces in its largest group "
                  f"{', '.join(f'{w} {s:.2f}' for w, s in zip(references, shares, strict=True))}")
        seconds = sum(r.seconds for r in looked.values())
        print(f"sample photos: {len(labels) / seconds:.1f} photos/s, {len(faces) / seconds:.1f} faces/s "
              f"({seconds:.2f} s for {len(labels)} photos, decoding included)")
        big = face_photos.twelve_megapixels(Path(tmp) / "big")
        started = time.perf_counter()
        big_faces = sum(len(look_at(models, str(p), SETTINGS).faces) for p in big)
        spent = time.perf_counter() - started
        print(f"12 MP JPEGs: {len(big) / spent:.2f} photos/s, {big_faces / spent:.2f} faces/s "
              f"({big_faces} faces in {len(big)} photos)")
        for faces_on in (False, True):
            lib_path = Path(tmp) / f"lib-{faces_on}"
            with Library.open(lib_path) as lib:
                lib.set_setting("ocr", "off")
                lib.set_setting("faces", faces_on)
                started = time.perf_counter()
                summary = run_job(lib.index([folder, Path(tmp) / "big"]))
                spent = time.perf_counter() - started
            print(f"indexing {summary.indexed + summary.waiting_model} photos with faces "
                  f"{'on' if faces_on else 'off'}: {spent:.1f} s ({summary.faces_found} faces)")


def _identity(vector: np.ndarray, references: dict[str, np.ndarray]) -> str | None:
    who, gap = min(((w, float(np.linalg.norm(vector - r))) for w, r in references.items()), key=lambda x: x[1])
    return who if gap < SAME_PERSON else None


if __name__ == "__main__":
    main()
