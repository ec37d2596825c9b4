"""The catalog: SQLite (through sqlite3 for reads, SQLAlchemy for writes and the ORM), the source
of truth for everything in a library. The ORM models are imported only when asked for: a search
reads through catalog/reads.py and never loads SQLAlchemy."""

from typing import Any

from desktop.core.catalog.db import SCHEMA_VERSION, Catalog
from desktop.core.catalog.kinds import FileStatus

_MODELS = ("Base", "Chunk", "ChunkVector", "Face", "FaceAnchor", "FaceFile", "FileRecord", "Folder", "IndexState",
           "Mark", "ModelVersion", "OcrFile", "OcrLine", "Person", "PhotoVector", "SettingRow")

__all__ = ["SCHEMA_VERSION", "Catalog", "FileStatus", *_MODELS]


def __getattr__(name: str) -> Any:
    if name in _MODELS:
        from desktop.core.catalog import tables

        return getattr(tables, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
