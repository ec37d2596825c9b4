"""From pairs to groups, and which file of a group to keep.

Three kinds, kept apart because users treat them differently (Immich flags thousands of
"duplicates" that are really similar shots, #31487):
- exact: the same bytes (content hash); any copy can go;
- near: the same picture or text saved again - resized, re-encoded, lightly cropped, turned;
  for photos a perceptual hash within NEAR_BITS and a finer one within NEAR_FINE_BITS *and*, when
  both have CLIP vectors, a cosine of at least NEAR_CLIP; for documents passage vectors at a
  cosine of at least NEAR_TEXT;
- similar: other photos at a CLIP cosine of at least the user's threshold (several shots of one
  scene); nobody should delete these without looking.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import numpy as np

from desktop.core.common.records import DuplicateFile, DuplicateGroup

NEAR_BITS = 8  # of 64: measured, copies of one photo differ by <= 7, different photos by >= 14
NEAR_FINE_BITS = 40  # of 256: copies within 4, a stereo pair 76 apart (measured: bench duplicates)
NEAR_CLIP = 0.80  # a guard against two different photos whose hashes happen to agree
NEAR_TEXT = 0.97  # documents whose mean passage vectors are this close say the same thing


class UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def groups(self, members: Iterable[int]) -> list[list[int]]:
        out: dict[int, list[int]] = {}
        for i in members:
            out.setdefault(self.find(i), []).append(i)
        return [sorted(g) for g in out.values() if len(g) > 1]


def best_first(files: list[DuplicateFile]) -> list[DuplicateFile]:
    """The one to keep first: most pixels, then the biggest file (least compressed), then the oldest
    (the original), then the shortest path (not the "copy (2)")."""
    return sorted(files, key=lambda f: (-(f.width or 0) * (f.height or 0), -f.size, f.date, len(f.path), f.path))


def make_group(kind: str, files: list[DuplicateFile], similarity: float) -> DuplicateGroup:
    ordered = best_first(files)
    return DuplicateGroup(kind=kind, files=tuple(ordered), keep=ordered[0].path, similarity=similarity)


def cosine_pairs(vectors: np.ndarray, threshold: float, block: int = 1024) -> list[tuple[int, int, float]]:
    """(i, j, cosine) for i < j with cosine >= threshold; unit rows, blocked so memory stays small."""
    pairs = []
    n = len(vectors)
    for start in range(0, n, block):
        sims = vectors[start:start + block] @ vectors.T
        for i, j in zip(*np.nonzero(sims >= threshold), strict=True):
            a, b = start + int(i), int(j)
            if a < b:
                pairs.append((a, b, float(sims[i, j])))
    return pairs


def sort_groups(groups: list[DuplicateGroup]) -> list[DuplicateGroup]:
    order = {"exact": 0, "near": 1, "similar": 2}
    return sorted(groups, key=lambda g: (order[g.kind], os.path.dirname(g.keep), g.keep))
