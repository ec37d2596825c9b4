"""The column type of stored vectors: float32 blobs in SQLite, pgvector `vector` on PostgreSQL.

Python code sees the same `bytes` (little-endian float32, common/vector_codec) on both, so
the code that reads and writes vectors does not know which database holds them. On PostgreSQL
the column has no fixed dimension (model versions differ); the HNSW indexes are per model version
on `vector::vector(dim)` (server/vector_index.py). The values travel as numpy arrays: the server
room registers psycopg adapters that send them in pgvector's binary format and read them back
without a Python loop per float.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sqlalchemy import LargeBinary, TypeDecorator
from sqlalchemy.types import UserDefinedType


class PgVector(UserDefinedType[Any]):
    """pgvector's `vector` without a dimension; values pass through to the driver's adapters."""

    cache_ok = True

    def get_col_spec(self, **kw: Any) -> str:
        return "VECTOR"


class VectorBlob(TypeDecorator[bytes]):
    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(PgVector())
        return dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None or dialect.name != "postgresql":
            return value
        if isinstance(value, bytes | bytearray | memoryview):
            return np.frombuffer(value, dtype="<f4")
        return np.asarray(value, dtype=np.float32)

    def process_result_value(self, value: Any, dialect: Any) -> bytes | None:
        if value is None or dialect.name != "postgresql":
            return value
        return np.asarray(value, dtype="<f4").tobytes()
