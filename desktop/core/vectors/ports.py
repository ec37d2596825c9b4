"""The vector ports. What a vector index needs from storage, as two small interfaces: the rows that
are the truth, and a place to stamp saved files. The catalog implements both (catalog/vector_rows.py);
another store (a server library) can too, without this package knowing. And what capabilities ask
of an index (`VectorIndex`): hnswlib's graph over those rows in a folder library
(vectors/hnsw_index.py `HnswIndex`), pgvector's in a server library (server/vector_index.py)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import numpy as np

from desktop.core.common.records import IndexStamp

Signature = tuple[int, int]
Hits = list[tuple[int, float]]  # (label, cosine similarity), best first


class VectorRows(Protocol):
    def signature(self) -> Signature:
        """Changes whenever rows are added or deleted (cheap: asked before every query)."""
        ...

    def count(self, model_version_id: int) -> int: ...

    def ids(self, model_version_id: int) -> np.ndarray: ...

    def batches(
        self, model_version_id: int, dim: int, ids: Iterable[int] | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(labels, vectors) in batches: all of a model version's rows, or only `ids`."""
        ...


class StampStore(Protocol):
    def read(self, space: str) -> IndexStamp | None: ...

    def write(self, space: str, stamp: IndexStamp) -> None: ...


class VectorIndex(Protocol):
    """The index of one vector space ("text" or "image"); the workspace makes one per space
    (workspace/indexes.py) and every search, similar, map and tuning call goes through these."""

    space: str
    last_load: str  # how the last ensure() got its index: "current", "loaded", "rebuilt" ("exact": no graph yet)

    @property
    def count(self) -> int: ...

    @property
    def dim(self) -> int | None: ...

    @property
    def model_version_id(self) -> int | None: ...

    def ensure(self, model_version_id: int, dim: int) -> None:
        """Answer for exactly the stored rows of this model version from now on."""
        ...

    def add(self, labels: np.ndarray, vectors: np.ndarray, *, model_version_id: int | None = None) -> None:
        """Rows just committed (an index that reads the rows themselves has nothing to do)."""
        ...

    def remove(self, labels: Iterable[int]) -> None: ...

    def save(self) -> None: ...

    def query(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """The k nearest items, within `allowed` if given."""
        ...

    def exact(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """Every row scored: the ground truth for recall."""
        ...
