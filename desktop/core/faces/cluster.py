"""Grouping face descriptors into people, and the user's decisions kept as anchors.

Chinese whispers over the graph of faces closer than THRESHOLD, as dlib's face clustering example
does. New faces join an existing person when most of their close neighbours belong to it; the rest are
grouped among themselves. Distances are computed a block at a time and the graph keeps each face's
nearest neighbours only, so memory grows with the number of faces, not with its square. An anchor is
a face vector the user decided about (named, moved out, hidden): the same face (closer than SAME_FACE)
follows the decision; a new group takes the person most of its faces are close to.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np

# dlib's face clustering example uses 0.5 on this descriptor. On the test set (scripts/measure_faces.py)
# 0.4, 0.5 and 0.6 all gave purity 1.00 and every identity whole in one group (its two people are 0.70
# apart): the set cannot tell these thresholds apart, so dlib's value stays.
THRESHOLD = 0.5
SAME_FACE = 0.08  # the same face in the same photo, detected again (identical pixels give 0.0)
CELLS = 4_000_000  # distances computed at once (float64 intermediates: about 100 MB)
NEIGHBOURS = 64


def distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Euclidean distances between the rows of `a` and of `b`."""
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)), np.float32)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    squared = (a64 * a64).sum(1)[:, None] + (b64 * b64).sum(1)[None, :] - 2.0 * a64 @ b64.T
    return np.sqrt(np.maximum(squared, 0.0)).astype(np.float32)


def _rows(n: int) -> int:
    """Rows of a block of distances to `n` vectors: about CELLS at a time, so memory stays bounded."""
    return max(1, min(n, CELLS // max(1, n)))


def _edges(vectors: np.ndarray, threshold: float) -> list[tuple[int, int]]:
    """Each face's NEIGHBOURS closest faces under `threshold` (and itself): a family member seen in
    5000 photos would otherwise bring 12 million edges, and Chinese whispers needs only the near ones."""
    n = len(vectors)
    edges = {(i, i) for i in range(n)}  # every face is a vertex, also a face near no other
    step = _rows(n)
    for start in range(0, n, step):
        block = distances(vectors[start : start + step], vectors)
        if n > NEIGHBOURS:
            kept = np.argpartition(block, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        else:
            kept = np.broadcast_to(np.arange(n), block.shape)
        for r in range(len(block)):
            row = start + r
            edges.update((min(row, c), max(row, c)) for c in kept[r].tolist() if block[r, c] < threshold)
    return sorted(edges)


def chinese_whispers(dlib: Any, vectors: np.ndarray, threshold: float = THRESHOLD) -> list[int]:
    """A group label per vector (dlib's Chinese whispers on the graph of close pairs)."""
    if len(vectors) == 0:
        return []
    if len(vectors) == 1:
        return [0]
    return [int(label) for label in dlib.chinese_whispers(_edges(vectors, threshold))]


def join_existing(
    new: np.ndarray, known: np.ndarray, known_people: np.ndarray, threshold: float = THRESHOLD
) -> list[int | None]:
    """For each new face, the person most of its close known faces belong to (None: no close face)."""
    result: list[int | None] = []
    step = _rows(len(known))
    for start in range(0, len(new), step):
        block = distances(new[start : start + step], known)
        for row in block:
            close = known_people[row < threshold]
            result.append(Counter(close.tolist()).most_common(1)[0][0] if len(close) else None)
    return result


def nearest(vectors: np.ndarray, anchors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each vector, the index of its nearest anchor and the distance to it (-1, inf: no anchors)."""
    if len(anchors) == 0 or len(vectors) == 0:
        return np.full(len(vectors), -1), np.full(len(vectors), np.inf, np.float32)
    found = np.empty(len(vectors), np.int64)
    gaps = np.empty(len(vectors), np.float32)
    step = _rows(len(anchors))
    for start in range(0, len(vectors), step):
        block = distances(vectors[start : start + step], anchors)
        found[start : start + len(block)] = block.argmin(1)
        gaps[start : start + len(block)] = block.min(1)
    return found, gaps


def vote(keys: list[str | None], threshold: float = THRESHOLD, gaps: np.ndarray | None = None) -> str | None:
    """The anchor key a group takes: the one at least half of its faces are close to (None: no such key)."""
    counted = Counter(k for i, k in enumerate(keys) if k is not None and (gaps is None or gaps[i] < threshold))
    if not counted:
        return None
    key, count = counted.most_common(1)[0]
    return key if 2 * count >= len(keys) else None
