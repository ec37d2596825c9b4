"""Perceptual hashes of photos, for near copies: the same picture resized, re-encoded, lightly
cropped or turned by a quarter.

imagehash's pHash (the low frequencies of a 32x32 DCT, 64 bits) survives resizing, JPEG
re-encoding and a few percent of cropping, but not a rotation: a photo turned by 90 degrees has
an unrelated hash. So each photo keeps the hashes of its four quarter turns, and two photos are
compared by the closest pair (one photo's upright hash against each turn of the other).

Hashes are cached by content hash in the library folder (a rebuildable cache, like the
thumbnails): a second search for duplicates decodes nothing that did not change.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from desktop.core.common.atomic import write_bytes_atomically

log = logging.getLogger(__name__)
TURNS = 4
CENTRE = 0.9  # the middle 90%: a copy cropped by 5% a side hashes like this part of the original
HASHES = 2 * TURNS  # the whole photo's four turns, then its centre's
FINE_SIZE = 16  # a second, 256-bit pHash: two shots a few centimetres apart (a stereo pair, a burst)
# agree on the coarse 64 bits (4 apart) but not on these (76 apart), while copies stay within 4
DRAFT_SIZE = (256, 256)  # a JPEG decodes at 1/2..1/8 scale straight to about this: pHash needs 32x32


def photo_hashes(path: str) -> list[int] | None:
    """pHashes (64-bit ints) of the photo turned 0, 90, 180 and 270 degrees, then of its centre the same;
    then the same eight as 256-bit hashes; None if unreadable."""
    import imagehash
    from PIL import Image, ImageOps

    try:
        with Image.open(path) as image:
            image.draft("L", DRAFT_SIZE)
            image = ImageOps.exif_transpose(image).convert("L")
            image.thumbnail((512, 512))
            width, height = image.size
            dx, dy = round(width * (1 - CENTRE) / 2), round(height * (1 - CENTRE) / 2)
            centre = image.crop((dx, dy, width - dx, height - dy))
            coarse, fine = [], []
            for part in (image, centre):
                for turn in range(TURNS):
                    turned = part.rotate(90 * turn, expand=True) if turn else part
                    coarse.append(int(str(imagehash.phash(turned)), 16))
                    fine.append(int(str(imagehash.phash(turned, hash_size=FINE_SIZE)), 16))
            return coarse + fine
    except Exception as error:
        log.info("no perceptual hash for %s: %s", path, error)
        return None


class HashCache:
    """content hash -> its sixteen hashes (four turns of the whole and of the centre, coarse then fine),
    in one JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict[str, list[int]] = {}
        self._dirty = False
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(loaded, dict):
                self._data = {k: [int(h) for h in v] for k, v in loaded.items()
                              if isinstance(v, list) and len(v) == 2 * HASHES}
        except (OSError, ValueError, TypeError):
            self._data = {}  # missing or damaged: made again

    def get(self, digest: str | None) -> list[int] | None:
        return self._data.get(digest) if digest else None

    def put(self, digest: str | None, hashes: list[int]) -> None:
        if digest:
            self._data[digest] = hashes
            self._dirty = True

    def keep_only(self, digests: Iterable[str]) -> None:
        wanted = set(digests)
        if set(self._data) - wanted:
            self._data = {k: v for k, v in self._data.items() if k in wanted}
            self._dirty = True

    def save(self) -> None:
        if self._dirty:
            try:
                write_bytes_atomically(self.path, json.dumps(self._data).encode("utf-8"), durable=False)
                self._dirty = False
            except OSError as error:  # a cache: the next run computes them again
                log.warning("could not save perceptual hashes: %s", error)


def hash_matrix(hashes: list[list[int]]) -> np.ndarray:
    """(n, HASHES) uint64: the coarse hashes."""
    return np.array([h[:HASHES] for h in hashes], dtype=np.uint64).reshape(-1, HASHES)


def fine_distance(a: list[int], b: list[int]) -> int:
    """Bits apart of the 256-bit hashes, over the same pairings as close_pairs (of 256)."""
    fa, fb = a[HASHES:], b[HASHES:]
    pairings = [(0, t) for t in range(HASHES)] + [(TURNS, t) for t in range(TURNS)]
    pairings += [(t, 0) for t in range(HASHES)] + [(t, TURNS) for t in range(TURNS)]
    return min((fa[i] ^ fb[j]).bit_count() for i, j in pairings)


def close_pairs(matrix: np.ndarray, max_distance: int, block: int = 2048) -> list[tuple[int, int, int]]:
    """(i, j, distance) for i < j whose closest turned hashes differ in at most `max_distance` bits.
    All pairs, in blocks (numpy popcount): 10,000 photos are 200 million comparisons, a few seconds."""
    n = len(matrix)
    # upright whole photo against each turn of the other's whole and centre, and upright centre
    # against each turn of the other's whole: a crop of either one by the other is found
    probes = ((0, range(0, HASHES)), (TURNS, range(0, TURNS)))
    closest: dict[tuple[int, int], int] = {}
    for start in range(0, n, block):
        best = np.full((min(block, n - start), n), 64, dtype=np.uint8)
        for probe, targets in probes:
            rows = matrix[start:start + block, probe]
            for target in targets:
                xor = rows[:, None] ^ matrix[None, :, target]
                best = np.minimum(best, np.bitwise_count(xor).astype(np.uint8))
        for i, j in zip(*np.nonzero(best <= max_distance), strict=True):
            a, b = start + int(i), int(j)
            if a != b:
                key = (min(a, b), max(a, b))
                closest[key] = min(closest.get(key, 64), int(best[i, j]))
    return sorted((a, b, d) for (a, b), d in closest.items())
