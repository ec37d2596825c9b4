"""The catalog: SQLite through SQLAlchemy, the source of truth for everything in a library."""

from desktop.core.catalog.db import SCHEMA_VERSION, Catalog
from desktop.core.catalog.tables import (
    Base,
    Chunk,
    ChunkVector,
    FileRecord,
    FileStatus,
    Folder,
    IndexState,
    Mark,
    ModelVersion,
    OcrFile,
    OcrLine,
    PhotoVector,
    SettingRow,
)

__all__ = [
    "SCHEMA_VERSION",
    "Base",
    "Catalog",
    "Chunk",
    "ChunkVector",
    "FileRecord",
    "FileStatus",
    "Folder",
    "IndexState",
    "Mark",
    "ModelVersion",
    "OcrFile",
    "OcrLine",
    "PhotoVector",
    "SettingRow",
]
