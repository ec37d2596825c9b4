"""Reading one vector space's rows from the catalog, the source of truth for every index (the
SQLite side of vectors.ports.VectorRows).

Plain SQL (catalog/reads.py) on a reader: these queries run before every search and over every
vector on a rebuild, where ORM objects would cost more than the work itself.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from desktop.core.catalog import reads
from desktop.core.catalog.db import Catalog
from desktop.core.catalog.reader import reading
from desktop.core.common.records import IndexStamp
from desktop.core.common.vector_codec import stack_blobs

log = logging.getLogger(__name__)

TABLES = reads.VECTOR_TABLES  # space -> (table, item id column)
BATCH = 4096
_IN_LIMIT = 500  # ids per IN (...) list, well under SQLite's variable limit

Signature = tuple[int, int]


class VectorSource:
    """One space's vector rows (chunk vectors for "text", photo vectors for "image")."""

    def __init__(self, catalog: Catalog, space: str) -> None:
        if space not in TABLES:
            raise ValueError(f"unknown vector space {space!r}; expected one of {sorted(TABLES)}")
        self.catalog = catalog
        self.space = space
        self.table, self.column = TABLES[space]

    def signature(self) -> Signature:
        """(row count, max rowid) of the whole table: changes when rows are added or deleted.

        Whole table rather than one model version's rows because SQLite answers an unfiltered
        count from the b-tree page counts and max(rowid) from the last page (~10 µs at 100k
        rows); filtered by model version both become scans (~7 ms). A change to another model's
        rows merely costs one needless reconcile.
        """
        with reading(self.catalog) as reader:
            return reads.vector_signature(reader, self.space)

    def count(self, model_version_id: int) -> int:
        with reading(self.catalog) as reader:
            return reads.vector_count(reader, self.space, model_version_id)

    def ids(self, model_version_id: int) -> np.ndarray:
        with reading(self.catalog) as reader:
            rows = reads.vector_ids(reader, self.space, model_version_id)
        return np.fromiter(rows, dtype=np.int64, count=len(rows))

    def batches(
        self, model_version_id: int, dim: int, ids: Iterable[int] | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(labels, vectors) in batches: all of a model version's rows, or only `ids`.

        Streams from the cursor so 100k blobs never sit in memory beside their array copy.
        Rows whose blob has the wrong length (damaged, or a model mix-up) are skipped.
        """
        if ids is None:
            yield from self._stream(*reads.vectors_sql(self.space, model_version_id), dim)
            return
        id_list = [int(i) for i in ids]
        for i in range(0, len(id_list), _IN_LIMIT):
            yield from self._stream(*reads.vectors_sql(self.space, model_version_id, id_list[i : i + _IN_LIMIT]), dim)

    def _stream(self, sql: str, params: dict[str, Any], dim: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        size = dim * 4
        with reading(self.catalog) as reader:
            for rows in reader.stream(sql, params, BATCH):
                good = [r for r in rows if r[1] is not None and len(r[1]) == size]
                if len(good) < len(rows):
                    skipped = len(rows) - len(good)
                    log.warning("%s: skipped %d vectors not of dimension %d", self.table, skipped, dim)
                if good:
                    labels = np.fromiter((r[0] for r in good), dtype=np.int64, count=len(good))
                    yield labels, stack_blobs((r[1] for r in good), dim)


class IndexStamps:
    """Stamps of saved HNSW files in the catalog's index_state table (vectors.ports.StampStore)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def read(self, space: str) -> IndexStamp | None:
        with reading(self.catalog) as reader:
            row = reads.index_stamp(reader, space)
        return None if row is None else IndexStamp(*row)

    def write(self, space: str, stamp: IndexStamp) -> None:
        from desktop.core.catalog.tables import IndexState

        with self.catalog.session() as session:
            session.merge(IndexState(
                space=space, model_version_id=stamp.model_version_id, dim=stamp.dim, count=stamp.count,
                sha256=stamp.sha256, file_name=stamp.file_name, saved_at=time.time(),
            ))
