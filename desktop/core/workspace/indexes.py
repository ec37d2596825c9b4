"""The vector indexes of one library, one per vector space, made on first use by the factories the
workspace was opened with (hnswlib's in a folder library, pgvector's on a server): whichever they
are, callers see a vectors.ports.VectorIndex."""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

from desktop.core.vectors.ports import VectorIndex, VectorRows
from desktop.core.workspace.encoders import Encoders
from desktop.core.workspace.versions import ModelVersions


class Indexes:
    def __init__(self, make_index: Callable[[str], VectorIndex], make_rows: Callable[[str], VectorRows],
                 versions: ModelVersions, encoders: Encoders) -> None:
        self._make_index = make_index
        self._make_rows = make_rows
        self._versions = versions
        self._encoders = encoders
        self._lock = threading.RLock()
        self._indexes: dict[str, VectorIndex] = {}

    def get(self, space: str) -> VectorIndex:
        """The index of a space ("text" or "image"), as it is (see `ready`)."""
        with self._lock:
            if space not in self._indexes:
                self._indexes[space] = self._make_index(space)
            return self._indexes[space]

    def rows(self, space: str) -> VectorRows:
        """The stored vectors of a space, for readers in bulk (the truth the index is made from)."""
        return self._make_rows(space)

    def loaded(self) -> list[VectorIndex]:
        with self._lock:
            return list(self._indexes.values())

    def ready(self, space: str) -> VectorIndex:
        """The index of a space, current with the catalog for the active model."""
        dim = self._encoders.query().dim if space == "text" else self._encoders.clip().dim
        index = self.get(space)
        index.ensure(self._versions.active_id(space), dim)
        return index

    def forget(self, *, chunk_ids: list[int], photo_ids: list[int]) -> None:
        """Drop labels from the in-memory caches after their rows left the catalog."""
        with self._lock:
            text_index, image_index = self._indexes.get("text"), self._indexes.get("image")
        if text_index is not None and chunk_ids:
            text_index.remove(np.asarray(chunk_ids, dtype=np.int64))
        if image_index is not None and photo_ids:
            image_index.remove(np.asarray(photo_ids, dtype=np.int64))

    def save(self) -> None:
        for index in self.loaded():
            index.save()
