"""Faces in one photo: detected by dlib's HOG detector, aligned by the 5-point landmark model and
described by the 128-d ResNet descriptor (distance under about 0.6: the same person).

The HOG detector finds faces of about 80 × 80 pixels and up. A large photo is looked at no larger
than WORK_SIDE (a 12 MP photo's faces stay above that size unless they are small in the frame, and
detection time grows with the pixels); a small photo is looked at twice as large (dlib's upsampling),
so that the faces in a 640-pixel picture are found too.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from desktop.core.faces.models import FaceModels

WORK_SIDE = 1600  # longest side the detector looks at: photos are decoded no larger (ingest.images)
UPSAMPLE_BELOW = 1000  # a photo whose longest side is shorter is looked at twice as large
# The detector's own score: on the test set (scripts/measure_faces.py) real faces scored 0.52 to 1.47, false
# ones 0.03 to 0.48; at 0.3 recall stayed 24/24 and false faces fell from 0.26 to 0.03 a photo. Not 0.5: a
# family album's small and half-turned faces score lower than these frontal ones, and a false face costs
# little (it forms a person of one face, which the list leaves out, and can be hidden).
MIN_SCORE = 0.3
DIM = 128


@dataclass(frozen=True)
class FoundFace:
    box: tuple[float, float, float, float]  # left, top, right, bottom as fractions of the photo's width, height
    score: float
    vector: np.ndarray  # float32, DIM


def find_faces(models: FaceModels, image: np.ndarray) -> list[FoundFace]:
    """Every face in an RGB uint8 image (H × W × 3), best first."""
    image = np.ascontiguousarray(image[..., :3], dtype=np.uint8)
    height, width = image.shape[:2]
    if min(height, width) < 20:
        return []  # nothing a face could be found in (and dlib's pyramid needs some pixels)
    upsample = 1 if max(height, width) < UPSAMPLE_BELOW else 0
    rects, scores, _ = models.detector.run(image, upsample, 0.0)
    kept = [(rect, float(score)) for rect, score in zip(rects, scores, strict=True) if score >= MIN_SCORE]
    if not kept:
        return []
    shapes = models.dlib.full_object_detections()
    for rect, _ in kept:
        shapes.append(models.landmarks(image, rect))
    vectors = np.asarray(models.descriptor.compute_face_descriptor(image, shapes), dtype=np.float32)
    faces = [
        FoundFace(_fractions(rect, width, height), score, vectors[i].reshape(DIM))
        for i, (rect, score) in enumerate(kept)
    ]
    return sorted(faces, key=lambda f: -f.score)


def _fractions(rect: object, width: int, height: int) -> tuple[float, float, float, float]:
    left, top = max(0, rect.left()), max(0, rect.top())  # type: ignore[attr-defined]
    right, bottom = min(width, rect.right()), min(height, rect.bottom())  # type: ignore[attr-defined]
    return (round(left / width, 5), round(top / height, 5), round(right / width, 5), round(bottom / height, 5))
