"""'More like this': nearest items to a file (in the library or not) or a passage.

photo -> photos (CLIP space); document -> documents (mean of its passage vectors);
passage -> passages; a document -> photos too, through the CLIP text encoder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, PhotoVector
from desktop.core.common.errors import SemdeskError
from desktop.core.common.records import Hit
from desktop.core.common.vector_codec import from_blob
from desktop.core.ingest.kinds import kind_of
from desktop.core.retrieval.search import _document_hits, _photo_hits, normalise

if TYPE_CHECKING:
    from desktop.core.library import Library


def similar(lib: Library, target: str | Path | int, *, top: int = 20, kind: str = "all") -> list[Hit]:
    record = _find(lib, target)
    if record is not None and record.status == FileStatus.INDEXED:
        if record.kind == "image":
            return _similar_photos(lib, _photo_vector(lib, record.id), top, exclude=record.id) if kind != "text" else []
        hits: list[Hit] = []
        if kind in ("all", "text"):
            hits += _similar_documents(lib, _document_vector(lib, record.id), top, exclude=record.id)
        if kind in ("all", "image"):
            hits += _photos_for_text(lib, _first_passage(lib, record.id), top)
        return hits
    if isinstance(target, int):
        raise SemdeskError("That item is not indexed yet.")
    return _similar_to_outside_file(lib, Path(target), top, kind)


def similar_passage(lib: Library, chunk_id: int, *, top: int = 20) -> list[Hit]:
    version = lib.active_version_id("text")
    with lib.catalog.session() as session:
        row = session.get(ChunkVector, (chunk_id, version))
        if row is None:
            raise SemdeskError("That passage has no vector for the current text model yet.")
        vector = from_blob(row.vector)
    dense = lib.ready_index("text").query(vector, max(50, top * 8))
    return _document_hits(lib, [(c, s) for c, s in dense if c != chunk_id], [], top, exclude_file=None)


def _find(lib: Library, target: str | Path | int) -> FileRecord | None:
    with lib.catalog.session() as session:
        if isinstance(target, int):
            return session.get(FileRecord, target)
        path = str(Path(target).expanduser().absolute())
        return session.scalars(select(FileRecord).where(FileRecord.path == path)).first()


def _photo_vector(lib: Library, file_id: int) -> np.ndarray:
    version = lib.active_version_id("image")
    with lib.catalog.session() as session:
        row = session.get(PhotoVector, (file_id, version))
    if row is None:
        raise SemdeskError("This photo has no vector yet: photo search needs the CLIP model.")
    return from_blob(row.vector)


def _document_vector(lib: Library, file_id: int) -> np.ndarray:
    version = lib.active_version_id("text")
    with lib.catalog.session() as session:
        blobs = session.scalars(
            select(ChunkVector.vector)
            .join(Chunk, Chunk.id == ChunkVector.chunk_id)
            .where(Chunk.file_id == file_id, ChunkVector.model_version_id == version)
        ).all()
    if not blobs:
        raise SemdeskError("This document has no vectors for the current text model yet.")
    return normalise(np.mean([from_blob(b) for b in blobs], axis=0))


def _first_passage(lib: Library, file_id: int) -> str:
    with lib.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        first = session.scalars(select(Chunk.text).where(Chunk.file_id == file_id).order_by(Chunk.seq)).first()
        return f"{record.title or ''} {first or ''}".strip() if record else ""


def _similar_photos(lib: Library, vector: np.ndarray, top: int, exclude: int | None) -> list[Hit]:
    dense = lib.ready_index("image").query(vector, top + 1)
    hits = _photo_hits(lib, [(f, s) for f, s in dense if f != exclude], [], top, exclude_file=exclude)
    return [_with_similarity(h, dict(dense)) for h in hits]


def _similar_documents(lib: Library, vector: np.ndarray, top: int, exclude: int | None) -> list[Hit]:
    dense = lib.ready_index("text").query(vector, max(50, top * 8))
    return _document_hits(lib, dense, [], top, exclude_file=exclude)


def _photos_for_text(lib: Library, passage: str, top: int) -> list[Hit]:
    if not passage or lib.clip_problem() is not None:
        return []
    vector = lib.clip_encoder().encode_query(passage[:300])  # CLIP's text side reads ~77 tokens
    return _similar_photos(lib, vector, top, exclude=None)


def _with_similarity(hit: Hit, similarity: dict[int, float]) -> Hit:
    """For 'more like this' the cosine itself is the readable score."""
    from dataclasses import replace

    return replace(hit, score=max(0.0, min(1.0, similarity.get(hit.file_id, hit.score))), why="looks similar")


def _similar_to_outside_file(lib: Library, path: Path, top: int, kind: str) -> list[Hit]:
    from desktop.core.indexing.loader import PreparedImage, PreparedText, Skipped, prepare_file

    if not path.is_file():
        raise SemdeskError(f"There is no file at {path}.")
    file_kind = kind_of(path)
    if file_kind is None:
        raise SemdeskError(f"{path.name} is neither a document nor a photo semdesk can read.")
    settings = lib.settings()
    clip = None
    if file_kind == "image":
        problem = lib.clip_problem()
        if problem is not None:
            raise SemdeskError(problem)
        clip = lib.clip_encoder()
    text_encoder = lib.text_encoder() if file_kind == "text" else None
    prepared = prepare_file(lib, -1, os.fspath(path), file_kind, settings, text_encoder=text_encoder, clip_encoder=clip)
    if isinstance(prepared, Skipped):
        raise SemdeskError(f"Cannot read {path.name}: {prepared.reason}.")
    if isinstance(prepared, PreparedImage):
        import torch

        vector = clip.encode_tensors(torch.stack([prepared.tensor]))[0]
        return _similar_photos(lib, vector, top, exclude=None)
    assert isinstance(prepared, PreparedText)
    vectors = text_encoder.encode([prepared.embedding_input(s) for s in prepared.spans])
    hits = _similar_documents(lib, normalise(vectors.mean(axis=0)), top, exclude=None) if kind != "image" else []
    if kind in ("all", "image"):
        hits += _photos_for_text(lib, prepared.embedding_input(prepared.spans[0]), top)
    return hits
