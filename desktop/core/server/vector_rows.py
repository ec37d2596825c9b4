"""One vector space's rows in a server library (vectors.ports.VectorRows), for whoever reads them
in bulk: the tuning evaluation, the library copy, exact scoring. Streams through a server-side
cursor, so a million vectors never sit in memory at once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from sqlalchemy import text

from desktop.core.catalog.vector_rows import TABLES
from desktop.core.server.catalog import ServerCatalog

BATCH = 4096

Signature = tuple[int, int]


class ServerVectorRows:
    def __init__(self, catalog: ServerCatalog, space: str) -> None:
        if space not in TABLES:
            raise ValueError(f"unknown vector space {space!r}; expected one of {sorted(TABLES)}")
        self.catalog = catalog
        self.table, self.column = TABLES[space]

    def signature(self) -> Signature:
        sql = f"SELECT count(*), coalesce(max({self.column}), 0) FROM {self.table}"
        with self.catalog.engine.connect() as conn:
            count, top = conn.execute(text(sql)).one()
        return int(count), int(top)

    def count(self, model_version_id: int) -> int:
        sql = f"SELECT count(*) FROM {self.table} WHERE model_version_id = :mv"
        with self.catalog.engine.connect() as conn:
            return int(conn.execute(text(sql), {"mv": model_version_id}).scalar_one())

    def ids(self, model_version_id: int) -> np.ndarray:
        sql = f"SELECT {self.column} FROM {self.table} WHERE model_version_id = :mv"
        with self.catalog.engine.connect() as conn:
            rows = conn.execute(text(sql), {"mv": model_version_id}).scalars().all()
        return np.fromiter(rows, dtype=np.int64, count=len(rows))

    def batches(
        self, model_version_id: int, dim: int, ids: Iterable[int] | None = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """(labels, vectors) in batches; rows of another dimension are skipped, as in SQLite."""
        params: dict[str, object] = {"mv": model_version_id, "dim": dim}
        sql = (f"SELECT {self.column}, vector FROM {self.table} "
               f"WHERE model_version_id = :mv AND vector_dims(vector) = :dim")
        if ids is not None:
            params["ids"] = [int(i) for i in ids]
            sql += f" AND {self.column} = ANY(:ids)"
        with self.catalog.engine.connect().execution_options(stream_results=True, yield_per=BATCH) as conn:
            result = conn.execute(text(sql + f" ORDER BY {self.column}"), params)
            for rows in result.partitions(BATCH):
                labels = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
                yield labels, np.vstack([np.asarray(r[1], dtype=np.float32) for r in rows])
