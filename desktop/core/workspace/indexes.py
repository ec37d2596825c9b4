"""The HNSW caches of one library, one per vector space, made on first use."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.catalog import Catalog
from desktop.core.catalog.vector_rows import IndexStamps, VectorSource
from desktop.core.vectors.ports import VectorRows
from desktop.core.workspace.encoders import Encoders
from desktop.core.workspace.versions import ModelVersions


class Indexes:
    def __init__(self, catalog: Catalog, directory: Path, versions: ModelVersions, encoders: Encoders) -> None:
        self._catalog = catalog
        self._directory = directory
        self._versions = versions
        self._encoders = encoders
        self._lock = threading.RLock()
        self._indexes: dict[str, Any] = {}

    def get(self, space: str) -> Any:
        """The VectorIndex of a space ("text" or "image"), as it is (see `ready`)."""
        with self._lock:
            if space not in self._indexes:
                from desktop.core.vectors import VectorIndex

                self._indexes[space] = VectorIndex(
                    VectorSource(self._catalog, space), IndexStamps(self._catalog), space, self._directory
                )
            return self._indexes[space]

    def rows(self, space: str) -> VectorRows:
        """The stored vectors of a space, for readers in bulk (the truth the index is made from)."""
        return VectorSource(self._catalog, space)

    def loaded(self) -> list[Any]:
        with self._lock:
            return list(self._indexes.values())

    def ready(self, space: str) -> Any:
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
