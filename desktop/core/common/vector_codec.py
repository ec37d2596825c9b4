"""Vectors as SQLite blobs: float32, little-endian, no header.

A fixed byte order makes a catalog portable between machines; no header keeps a blob
exactly `dim * 4` bytes, which is how a blob of the wrong model is recognised.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

DTYPE = np.dtype("<f4")


def to_blob(vec: np.ndarray) -> bytes:
    return np.ascontiguousarray(vec, dtype=DTYPE).reshape(-1).tobytes()


def from_blob(b: bytes, dim: int | None = None) -> np.ndarray:
    vec = np.frombuffer(b, dtype=DTYPE)
    if dim is not None and vec.shape[0] != dim:
        raise ValueError(f"vector blob holds {vec.shape[0]} values, expected {dim}")
    return vec.astype(np.float32, copy=False)


def stack_blobs(blobs: Iterable[bytes], dim: int) -> np.ndarray:
    """Many blobs as one (n, dim) array: one join and one frombuffer instead of n small arrays."""
    joined = b"".join(blobs)
    if len(joined) % (dim * DTYPE.itemsize):
        raise ValueError(f"vector blobs do not all hold {dim} values")
    # frombuffer gives a read-only view of `joined`; copy so callers may normalise in place.
    return np.frombuffer(joined, dtype=DTYPE).reshape(-1, dim).astype(np.float32, copy=True)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero) so dot products are cosines."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)
