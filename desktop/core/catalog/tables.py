"""SQLAlchemy 2 typed models of the catalog.

Paths are stored as bytes (os.fsencode) so that file names that are not valid UTF-8
round-trip exactly; Python code always sees `str` (os.fsdecode, surrogate escapes).
"""

from __future__ import annotations

import os
import time
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from desktop.core.catalog import path_map
from desktop.core.catalog.kinds import FileStatus
from desktop.core.catalog.kinds import Kind as Kind  # re-exported: both live in catalog/kinds.py
from desktop.core.catalog.vector_type import VectorBlob


class PathType(TypeDecorator[str]):
    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> bytes | None:
        if value is None:
            return None
        mapped = path_map.of(dialect)  # a server library seen from another desktop (catalog/path_map.py)
        return os.fsencode(mapped.to_stored(value) if mapped else value)

    def process_result_value(self, value: bytes | None, dialect: object) -> str | None:
        if value is None:
            return None
        mapped = path_map.of(dialect)
        return mapped.to_local(os.fsdecode(value)) if mapped else os.fsdecode(value)


class MappedPathText(TypeDecorator[str]):
    """Text that holds a path when it holds one (a fine-tuned model's folder, a CLIP weights file):
    through the desktop's path map like PathType, so a model saved in a server library's shared
    folder by one desktop opens from another that mounts the share elsewhere. Other text (a model
    name, "pretrained:openai") starts with no mapped root and passes as it is."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: object) -> str | None:
        mapped = path_map.of(dialect)
        return mapped.to_stored(value) if mapped and value else value

    def process_result_value(self, value: str | None, dialect: object) -> str | None:
        mapped = path_map.of(dialect)
        return mapped.to_local(value) if mapped and value else value


def under(column: Any, path: str) -> Any:
    """SQL condition: a path column equals `path` or lies below it (bytes order: '0' sorts right after '/')."""
    prefix = path.rstrip("/")
    return or_(column == path, column.between(prefix + "/", prefix + "0"))


class Base(DeclarativeBase):
    pass


class Folder(Base):
    __tablename__ = "folders"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    path: Mapped[str] = mapped_column(PathType, unique=True)
    added_at: Mapped[float] = mapped_column(Float, default=time.time)
    scanned_at: Mapped[float | None] = mapped_column(Float)
    files: Mapped[list[FileRecord]] = relationship(back_populates="folder", passive_deletes=True)


class FileRecord(Base):
    __tablename__ = "files"
    # Ids are HNSW labels: never reuse one, or a stale cache could mistake a new item for an old one.
    __table_args__ = ({"sqlite_autoincrement": True},)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    folder_id: Mapped[int] = mapped_column(ForeignKey("folders.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(PathType, unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    size: Mapped[int] = mapped_column(Integer().with_variant(BigInteger(), "postgresql"))  # 4 GB+ files
    mtime: Mapped[float] = mapped_column(Float)
    content_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16), default=FileStatus.PENDING, index=True)
    reason: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    # Which model version made this file's vectors; a different active version means re-embed.
    model_version_id: Mapped[int | None] = mapped_column(Integer)
    indexed_at: Mapped[float | None] = mapped_column(Float)
    taken_at: Mapped[float | None] = mapped_column(Float)  # EXIF DateTimeOriginal as a timestamp
    camera: Mapped[str | None] = mapped_column(Text)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    folder: Mapped[Folder] = relationship(back_populates="files")
    chunks: Mapped[list[Chunk]] = relationship(back_populates="file", passive_deletes=True)


class Chunk(Base):
    __tablename__ = "chunks"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids are HNSW labels: never reused
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)  # char offsets into the extracted text
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    # The trail of section headings the passage stands under ("Installing › From source"); shown, not embedded.
    heading: Mapped[str] = mapped_column(Text, default="", server_default="")
    file: Mapped[FileRecord] = relationship(back_populates="chunks")


class ModelVersion(Base):
    __tablename__ = "model_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    space: Mapped[str] = mapped_column(String(8))  # "text" or "image"
    name: Mapped[str] = mapped_column(Text)  # model name, path or architecture
    weights: Mapped[str | None] = mapped_column(MappedPathText)  # CLIP weights file or fine-tuned model dir
    base_model: Mapped[str | None] = mapped_column(Text)
    dim: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    metrics: Mapped[str | None] = mapped_column(Text)  # JSON
    data_size: Mapped[int | None] = mapped_column(Integer)


class ChunkVector(Base):
    __tablename__ = "chunk_vectors"
    chunk_id: Mapped[int] = mapped_column(ForeignKey("chunks.id", ondelete="CASCADE"), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vector: Mapped[bytes] = mapped_column(VectorBlob)  # float32 blob; pgvector on PostgreSQL


class PhotoVector(Base):
    __tablename__ = "photo_vectors"
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vector: Mapped[bytes] = mapped_column(VectorBlob)  # float32 blob; pgvector on PostgreSQL


class Mark(Base):
    """A relevant / not-relevant judgement. Keyed by path and content hash too, so it survives a rebuild."""

    __tablename__ = "marks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    query: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(8))
    file_id: Mapped[int | None] = mapped_column(ForeignKey("files.id", ondelete="SET NULL"), index=True)
    chunk_id: Mapped[int | None] = mapped_column(ForeignKey("chunks.id", ondelete="SET NULL"))
    path: Mapped[str] = mapped_column(PathType)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    start: Mapped[int | None] = mapped_column(Integer)
    end: Mapped[int | None] = mapped_column(Integer)
    passage: Mapped[str | None] = mapped_column(Text)
    relevant: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


class IndexState(Base):
    """Stamp of a saved HNSW file: a file that disagrees with its stamp is rebuilt, never trusted."""

    __tablename__ = "index_state"
    space: Mapped[str] = mapped_column(String(8), primary_key=True)
    model_version_id: Mapped[int] = mapped_column(Integer)
    dim: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(Text)
    saved_at: Mapped[float] = mapped_column(Float, default=time.time)


class SettingRow(Base):
    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON


class OcrFile(Base):
    """What OCR read in a photo or a scanned PDF (or why it could not). Kept apart from chunks so that
    re-embedding never re-runs OCR; `size`/`mtime` say which version of the file it read."""

    __tablename__ = "ocr_files"
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mtime: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(8))  # "text", "none" (no text found) or "failed"
    reason: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text, default="")
    base: Mapped[int] = mapped_column(Integer, default=0)  # offset of `text` in the document text
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    done_at: Mapped[float] = mapped_column(Float, default=time.time)


class OcrLine(Base):
    """One recognised line: its offsets in the document text and its box (normalised 0..1 corners)."""

    __tablename__ = "ocr_lines"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    page: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    box: Mapped[str] = mapped_column(Text)  # JSON [[x, y] * 4]
    score: Mapped[float] = mapped_column(Float)


class FaceFile(Base):
    """A photo the faces phase has looked at (which version of it: `size`, `mtime`), how many faces it
    found, or why it could not look (`status` "failed", `reason`). Written with the photo's faces."""

    __tablename__ = "face_files"
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mtime: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(8))  # "faces", "none" or "failed"
    reason: Mapped[str | None] = mapped_column(Text)
    faces: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    done_at: Mapped[float] = mapped_column(Float, default=time.time)


class Person(Base):
    """A group of faces. `key` is what anchors (the user's decisions) point at, so a name outlives the
    grouping and a rebuild of the catalog (workspace/mirrors.py keeps the named ones outside it)."""

    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str | None] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


class Face(Base):
    """One face in a photo: its box (fractions of the photo's width and height), the detector's score,
    its 128-d descriptor, and the person it was grouped into (None: not grouped yet)."""

    __tablename__ = "faces"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"), index=True)
    left: Mapped[float] = mapped_column(Float)
    top: Mapped[float] = mapped_column(Float)
    right: Mapped[float] = mapped_column(Float)
    bottom: Mapped[float] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    vector: Mapped[bytes] = mapped_column(VectorBlob)  # float32 blob; pgvector on PostgreSQL
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)


class FaceAnchor(Base):
    """A face the user decided about (named its person, moved it out, hid it), by its descriptor:
    `person_key` None means the face itself is hidden. Regrouping and rebuilds follow these."""

    __tablename__ = "face_anchors"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_key: Mapped[str | None] = mapped_column(String(32), index=True)
    vector: Mapped[bytes] = mapped_column(VectorBlob)
    path: Mapped[str | None] = mapped_column(PathType)  # where the face was, for the user's sake
    created_at: Mapped[float] = mapped_column(Float, default=time.time)


Index("ix_marks_query", Mark.query)
Index("ix_files_folder_status", FileRecord.folder_id, FileRecord.status)
