"""Relevant / not-relevant marks: the user's own judgements, the most precious data in a library.

Written with synchronous=FULL, and mirrored to marks.jsonl (keyed by path and content hash)
so they survive even a rebuild of a damaged catalog.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from desktop.core.catalog import FileStatus, reads
from desktop.core.catalog.reader import reading
from desktop.core.common.errors import SemdeskError
from desktop.core.common.records import MarkRecord
from desktop.core.common.vector_codec import from_blob
from desktop.core.workspace import Workspace

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from desktop.core.catalog.tables import Mark

# SQLAlchemy and the ORM models are imported inside the writes only: every search in the window reads
# the marks (marks() below, on sqlite3 through catalog/reads.py), and a search never loads SQLAlchemy.


def mark(
    ws: Workspace, query: str, target: str | Path | int, relevant: bool, *, chunk_id: int | None = None
) -> MarkRecord:
    query = " ".join(query.split())
    if not query:
        raise SemdeskError("A mark needs the query it answers.")
    from sqlalchemy import select

    from desktop.core.catalog.tables import Chunk, FileRecord, Mark

    with ws.catalog.durable_session() as session:
        if isinstance(target, int):
            record = session.get(FileRecord, target)
        else:
            path = str(Path(target).expanduser().absolute())
            record = session.scalars(select(FileRecord).where(FileRecord.path == path)).first()
        if record is None or record.status != FileStatus.INDEXED:
            raise SemdeskError(f"{target} is not an indexed file of this library; index it first.")
        if record.kind == "text" and chunk_id is None:
            chunk_id = _best_passage(ws, session, query, record.id)
        chunk = session.get(Chunk, chunk_id) if chunk_id is not None else None
        existing = session.scalars(
            select(Mark).where(
                Mark.query == query,
                Mark.file_id == record.id,
                Mark.chunk_id.is_(chunk_id) if chunk_id is None else Mark.chunk_id == chunk_id,
            )
        ).first()
        # A passage OCR read in a photo is marked as text: text tuning learns from it like any passage.
        kind = "text" if chunk is not None else record.kind
        row = existing or Mark(query=query, kind=kind, file_id=record.id, path=record.path)
        row.chunk_id = chunk_id
        row.content_hash = record.content_hash
        row.start, row.end = (chunk.start, chunk.end) if chunk else (None, None)
        row.passage = chunk.text if chunk else None
        row.relevant = relevant
        session.add(row)
        session.flush()
        result = _record(row)
    ws.export_marks()
    return result


def marks(ws: Workspace, query: str | None = None) -> list[MarkRecord]:
    with reading(ws.catalog) as reader:
        rows = reads.mark_rows(reader, None if query is None else " ".join(query.split()))
    return [_record(m) for m in rows]


def unmark(ws: Workspace, mark_id: int) -> None:
    from sqlalchemy import delete

    from desktop.core.catalog.tables import Mark

    with ws.catalog.durable_session() as session:
        session.execute(delete(Mark).where(Mark.id == mark_id))
    ws.export_marks()


def _best_passage(ws: Workspace, session: Session, query: str, file_id: int) -> int | None:
    """The passage of the file that the query matches best: what the user meant by 'this is relevant'."""
    from sqlalchemy import select

    from desktop.core.catalog.tables import Chunk, ChunkVector

    version = ws.versions.active_id("text")
    rows = session.execute(
        select(ChunkVector.chunk_id, ChunkVector.vector)
        .join(Chunk, Chunk.id == ChunkVector.chunk_id)
        .where(Chunk.file_id == file_id, ChunkVector.model_version_id == version)
    ).all()
    if not rows:
        return None
    query_vector = ws.encoders.query().encode_query(query)
    scores = np.stack([from_blob(v) for _, v in rows]) @ query_vector
    return int(rows[int(np.argmax(scores))][0])


def _record(row: Mark | reads.MarkRow) -> MarkRecord:
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
