"""Committing a batch of prepared files: catalog rows, vectors and keyword entries in one transaction,
then the HNSW caches, in that order, so the catalog is always the truth."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, PhotoVector
from desktop.core.catalog.writes import add_chunk_keywords, clear_content, index_file_name
from desktop.core.common.records import SkippedFile
from desktop.core.common.vector_codec import to_blob
from desktop.core.indexing.moves import repoint
from desktop.core.ingest.prepared import Prepared, PreparedImage, PreparedText, Skipped
from desktop.core.workspace import Workspace


@dataclass
class FileWrite:
    prepared: Prepared
    status: str
    reason: str | None = None
    chunk_vectors: np.ndarray | None = None
    photo_vector: np.ndarray | None = None

    @property
    def path(self) -> str:
        return self.prepared.path

    @property
    def problem(self) -> SkippedFile | None:
        if self.status in (FileStatus.SKIPPED, FileStatus.WAITING_MODEL):
            return SkippedFile(self.path, self.reason or "", self.status)
        return None

    @classmethod
    def from_text(cls, prepared: PreparedText, vectors: np.ndarray) -> FileWrite:
        return cls(prepared, FileStatus.INDEXED, chunk_vectors=vectors)

    @classmethod
    def from_image(cls, prepared: PreparedImage, vector: np.ndarray) -> FileWrite:
        return cls(prepared, FileStatus.INDEXED, photo_vector=vector)

    @classmethod
    def from_prepared(cls, prepared: Prepared, clip_problem: str | None) -> FileWrite:
        if isinstance(prepared, Skipped):
            return cls(prepared, FileStatus.SKIPPED, prepared.reason)
        return cls(prepared, FileStatus.WAITING_MODEL, clip_problem or "photo search needs CLIP weights")


def store_batch(ws: Workspace, writes: list[FileWrite], *, text_version: int, image_version: int) -> None:
    dropped_chunks: list[int] = []
    new_chunks: list[tuple[list[int], np.ndarray]] = []
    new_photos: list[tuple[int, np.ndarray]] = []
    with ws.catalog.session() as session:
        for write in writes:
            prepared = write.prepared
            record = session.get(FileRecord, prepared.file_id)
            if record is None:  # removed by the user while we worked on it
                continue
            dropped_chunks += clear_content(session, [record.id])
            record.status = write.status
            record.reason = write.reason
            record.indexed_at = time.time()
            if prepared.content_hash is not None:
                record.content_hash = prepared.content_hash
                record.size, record.mtime = prepared.size, prepared.mtime
            if isinstance(prepared, PreparedText):
                record.title = prepared.title
                if write.chunk_vectors is not None:
                    record.model_version_id = text_version
                    new_chunks.append(
                        (_add_chunks(session, prepared, write.chunk_vectors, text_version), write.chunk_vectors)
                    )
            elif isinstance(prepared, PreparedImage):
                record.width, record.height = prepared.width, prepared.height
                record.taken_at, record.camera = prepared.taken_at, prepared.camera
                if write.photo_vector is not None:
                    record.model_version_id = image_version
                    session.add(
                        PhotoVector(
                            file_id=record.id, model_version_id=image_version, vector=to_blob(write.photo_vector)
                        )
                    )
                    new_photos.append((record.id, write.photo_vector))
            caption = prepared.caption if isinstance(prepared, PreparedImage) else ""
            index_file_name(session, record.id, record.path, record.title, caption)
    ws.indexes.forget(
        chunk_ids=dropped_chunks, photo_ids=[w.prepared.file_id for w in writes if w.prepared.kind == "image"]
    )
    if new_chunks:
        ids = np.array([i for ids, _ in new_chunks for i in ids], dtype=np.int64)
        ws.indexes.get("text").add(ids, np.concatenate([v for _, v in new_chunks]))
    if new_photos:
        ws.indexes.get("image").add(
            np.array([i for i, _ in new_photos], dtype=np.int64), np.stack([v for _, v in new_photos])
        )


def _add_chunks(session: Session, prepared: PreparedText, vectors: np.ndarray, version: int) -> list[int]:
    chunks = [
        Chunk(
            file_id=prepared.file_id, seq=seq, start=span.start, end=span.end,
            text=prepared.text[span.start : span.end],
            heading=prepared.headings[seq] if seq < len(prepared.headings) else "",
        )
        for seq, span in enumerate(prepared.spans)
    ]
    session.add_all(chunks)
    session.flush()
    session.add_all(
        ChunkVector(chunk_id=c.id, model_version_id=version, vector=to_blob(vectors[i])) for i, c in enumerate(chunks)
    )
    add_chunk_keywords(session, [(c.id, prepared.title, c.text) for c in chunks])
    return [c.id for c in chunks]


def apply_moves(ws: Workspace, moves: list[tuple[int, int]]) -> None:
    """A file that reappeared under a new path with the same content keeps its vectors and marks."""
    with ws.catalog.session() as session:
        for old_id, new_id in moves:
            new = session.get(FileRecord, new_id)
            old = session.get(FileRecord, old_id)
            if new is None or old is None:
                continue
            path, folder_id, size, mtime = new.path, new.folder_id, new.size, new.mtime
            repoint(session, old, path, folder_id)  # drops the new row: it had no content yet
            old.size, old.mtime = size, mtime
