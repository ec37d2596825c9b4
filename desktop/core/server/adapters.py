"""psycopg adapters for pgvector's `vector`: numpy float32 arrays go out in pgvector's binary format
and come back as numpy arrays, with no Python loop per float (pgvector's own text loader parses
each float in Python: seconds for a 100k-vector map)."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
from psycopg.adapt import Dumper, Loader
from psycopg.pq import Format
from psycopg.types import TypeInfo


class _BinaryDumper(Dumper):
    format = Format.BINARY

    def dump(self, obj: Any) -> bytes:
        array = np.asarray(obj, dtype=">f4").reshape(-1)
        return struct.pack(">HH", len(array), 0) + array.tobytes()


class _TextLoader(Loader):
    format = Format.TEXT

    def load(self, data: Any) -> np.ndarray:
        return np.array(bytes(data)[1:-1].split(b","), dtype=np.float32)


class _BinaryLoader(Loader):
    format = Format.BINARY

    def load(self, data: Any) -> np.ndarray:
        dim, _ = struct.unpack_from(">HH", data)
        return np.frombuffer(bytes(data), dtype=">f4", count=dim, offset=4).astype(np.float32)


def register_vector(connection: Any) -> None:
    """On a new psycopg connection to a database where the `vector` extension exists."""
    info = TypeInfo.fetch(connection, "vector")
    if info is None:  # not yet created (the catalog creates it on open, then new connections have it)
        return
    info.register(connection)
    dumper = type("VectorDumper", (_BinaryDumper,), {"oid": info.oid})
    connection.adapters.register_dumper("numpy.ndarray", dumper)
    connection.adapters.register_loader(info.oid, _TextLoader)
    connection.adapters.register_loader(info.oid, _BinaryLoader)
