"""Relevant / not-relevant marks: the user's own judgements, the most precious data in a library.

Written with synchronous=FULL, and mirrored to marks.jsonl (keyed by path and content hash)
so they survive even a rebuild of a damaged catalog.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, Mark
from desktop.core.common.errors import SemdeskError
from desktop.core.common.records import MarkRecord
from desktop.core.common.vector_codec import from_blob

if TYPE_CHECKING:
    from desktop.core.library import Library

EXPORT_NAME = "marks.jsonl"


def mark(
    lib: Library, query: str, target: str | Path | int, relevant: bool, *, chunk_id: int | None = None
) -> MarkRecord:
    query = " ".join(query.split())
    if not query:
        raise SemdeskError("A mark needs the query it answers.")
    with lib.catalog.durable_session() as session:
        if isinstance(target, int):
            record = session.get(FileRecord, target)
        else:
            path = str(Path(target).expanduser().absolute())
            record = session.scalars(select(FileRecord).where(FileRecord.path == path)).first()
        if record is None or record.status != FileStatus.INDEXED:
            raise SemdeskError(f"{target} is not an indexed file of this library; index it first.")
        if record.kind == "text" and chunk_id is None:
            chunk_id = _best_passage(lib, session, query, record.id)
        chunk = session.get(Chunk, chunk_id) if chunk_id is not None else None
        existing = session.scalars(
            select(Mark).where(
                Mark.query == query,
                Mark.file_id == record.id,
                Mark.chunk_id.is_(chunk_id) if chunk_id is None else Mark.chunk_id == chunk_id,
            )
        ).first()
        row = existing or Mark(query=query, kind=record.kind, file_id=record.id, path=record.path)
        row.chunk_id = chunk_id
        row.content_hash = record.content_hash
        row.start, row.end = (chunk.start, chunk.end) if chunk else (None, None)
        row.passage = chunk.text if chunk else None
        row.relevant = relevant
        session.add(row)
        session.flush()
        result = _record(row)
    export(lib)
    return result


def marks(lib: Library, query: str | None = None) -> list[MarkRecord]:
    with lib.catalog.session() as session:
        statement = select(Mark).order_by(Mark.query, Mark.created_at)
        if query is not None:
            statement = statement.where(Mark.query == " ".join(query.split()))
        return [_record(m) for m in session.scalars(statement)]


def unmark(lib: Library, mark_id: int) -> None:
    with lib.catalog.durable_session() as session:
        session.execute(delete(Mark).where(Mark.id == mark_id))
    export(lib)


def export(lib: Library) -> Path:
    """Rewrite marks.jsonl atomically: one JSON object per mark."""
    target = lib.path / EXPORT_NAME
    with lib.catalog.session() as session:
        rows = [
            {
                "query": m.query,
                "kind": m.kind,
                "path": m.path,
                "content_hash": m.content_hash,
                "start": m.start,
                "end": m.end,
                "passage": m.passage,
                "relevant": m.relevant,
                "created_at": m.created_at,
            }
            for m in session.scalars(select(Mark).order_by(Mark.id))
        ]
    fd, temp = tempfile.mkstemp(dir=lib.path, prefix=".marks-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape") as out:
            for row in rows:
                out.write(json.dumps(row, ensure_ascii=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError as error:
        # The marks themselves are committed in the catalog; only the spare copy is behind.
        Path(temp).unlink(missing_ok=True)
        raise SemdeskError(
            f"Your marks are saved in the library, but their copy in {EXPORT_NAME} could not be "
            f"updated: {(error.strerror or str(error)).lower()}. Free some space and mark again to refresh it."
        ) from error
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


def _best_passage(lib: Library, session: Session, query: str, file_id: int) -> int | None:
    """The passage of the file that the query matches best: what the user meant by 'this is relevant'."""
    version = lib.active_version_id("text")
    rows = session.execute(
        select(ChunkVector.chunk_id, ChunkVector.vector)
        .join(Chunk, Chunk.id == ChunkVector.chunk_id)
        .where(Chunk.file_id == file_id, ChunkVector.model_version_id == version)
    ).all()
    if not rows:
        return None
    query_vector = lib.query_encoder().encode_query(query)
    scores = np.stack([from_blob(v) for _, v in rows]) @ query_vector
    return int(rows[int(np.argmax(scores))][0])


def _record(row: Mark) -> MarkRecord:
    return MarkRecord(
        row.id,
        row.query,
        row.path,
        row.kind,
        bool(row.relevant),
        row.created_at,
        row.passage,
        row.file_id,
        row.chunk_id,
    )
