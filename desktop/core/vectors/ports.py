"""What a vector index needs from storage, as two small interfaces: the rows that are the truth,
and a place to stamp saved files. The catalog implements both (catalog/vector_rows.py); another
store (a server library) can too, without this package knowing."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Protocol

import numpy as np

from desktop.core.common.records import IndexStamp

Signature = tuple[int, int]


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
