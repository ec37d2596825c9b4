"""Writes that must keep the catalog's tables and its FTS5 tables in step.

The FTS tables are plain FTS5 tables keyed by rowid (chunk id / file id), so every
insert or delete of a chunk or file goes through these functions, inside the caller's
transaction. What they hold is the keyword copy of the text (common/cjk.index_text: words inside
Chinese or Japanese text cut apart; other text as it is); the chunk's own text stays in `chunks`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from desktop.core.catalog.tables import Chunk, ChunkVector, FileRecord, PhotoVector
from desktop.core.common.cjk import index_text
from desktop.core.common.text import displayable


def chunk_ids_of(session: Session, file_ids: Sequence[int]) -> list[int]:
    if not file_ids:
        return []
    return list(session.scalars(select(Chunk.id).where(Chunk.file_id.in_(file_ids))))


def clear_content(session: Session, file_ids: Sequence[int]) -> list[int]:
    """Drop chunks, vectors and keyword entries of these files; return the dropped chunk ids."""
    chunk_ids = chunk_ids_of(session, file_ids)
    for start in range(0, len(chunk_ids), 500):
        part = chunk_ids[start : start + 500]
        session.execute(delete(ChunkVector).where(ChunkVector.chunk_id.in_(part)))
        session.execute(text(f"DELETE FROM chunk_fts WHERE rowid IN ({','.join(str(int(c)) for c in part)})"))
    if file_ids:
        session.execute(delete(Chunk).where(Chunk.file_id.in_(file_ids)))
        session.execute(delete(PhotoVector).where(PhotoVector.file_id.in_(file_ids)))
    return chunk_ids


def delete_files(session: Session, file_ids: Sequence[int]) -> list[int]:
    """Remove files entirely (marks keep their path and hash); return dropped chunk ids."""
    chunk_ids = clear_content(session, file_ids)
    for start in range(0, len(file_ids), 500):
        part = list(file_ids[start : start + 500])
        session.execute(text(f"DELETE FROM file_fts WHERE rowid IN ({','.join(str(int(f)) for f in part)})"))
        session.execute(delete(FileRecord).where(FileRecord.id.in_(part)))
    return chunk_ids


def index_file_name(session: Session, file_id: int, path: str, title: str | None, extra: str = "") -> None:
    """The file's keyword row: its name, title and `extra` words (a photo's caption)."""
    name = os.path.basename(path)
    stem = os.path.splitext(name)[0].replace("_", " ").replace("-", " ")
    words = index_text(displayable(f"{name} {stem} {title or ''} {extra}".strip()))
    session.execute(text("DELETE FROM file_fts WHERE rowid = :id"), {"id": file_id})
    session.execute(text("INSERT INTO file_fts(rowid, name) VALUES (:id, :name)"), {"id": file_id, "name": words})


def retitle_chunks(session: Session, file_id: int, title: str) -> None:
    """The title words a file's passages are found by, after the file's title changed (a rename)."""
    session.execute(text("UPDATE chunk_fts SET title = :title WHERE rowid IN "
                         "(SELECT id FROM chunks WHERE file_id = :id)"), {"title": title, "id": file_id})


def add_chunk_keywords(session: Session, rows: Sequence[tuple[int, str, str]]) -> None:
    """rows: (chunk id, document title, passage text)."""
    if rows:
        session.execute(
            text("INSERT INTO chunk_fts(rowid, title, body) VALUES (:id, :title, :body)"),
            [{"id": cid, "title": index_text(title), "body": index_text(body)} for cid, title, body in rows],
        )


def insert_new(session: Session, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows, skipping those whose key is already there (an idempotent batch), on either database."""
    if not rows:
        return
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        session.execute(pg_insert(model).on_conflict_do_nothing(), rows)
    else:
        session.execute(insert(model).prefix_with("OR IGNORE"), rows)
