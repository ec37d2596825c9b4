"""The words the catalog stores for a file's state and kind: plain enums, so readers that never
touch SQLAlchemy (a search on a folder library) share them with the ORM models."""

from __future__ import annotations

from enum import StrEnum


class FileStatus(StrEnum):
    PENDING = "pending"  # found by a scan, not yet (completely) indexed
    INDEXED = "indexed"
    SKIPPED = "skipped"  # bad input; `reason` says why
    WAITING_MODEL = "waiting_model"  # a photo that needs CLIP weights


class Kind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
