"""The column type of stored vectors: float32 blobs in SQLite, pgvector `vector` on PostgreSQL.

Python code sees the same `bytes` (little-endian float32, common/vector_codec) on both, so
the code that reads and writes vectors does not know which database holds them. On PostgreSQL
the column has no fixed dimension (model versions differ); the HNSW indexes are per model version
on `vector::vector(dim)` (server/vector_index.py).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import LargeBinary, TypeDecorator


class VectorBlob(TypeDecorator[bytes]):
    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            from pgvector.sqlalchemy import Vector

            return dialect.type_descriptor(Vector())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or dialect.name != "postgresql":
            return value
        return np.frombuffer(value, dtype="<f4") if isinstance(value, bytes | bytearray | memoryview) else value

    def process_result_value(self, value: Any, dialect: Any) -> bytes | None:
        if value is None or dialect.name != "postgresql":
            return value
        return np.asarray(value, dtype="<f4").tobytes()
