"""A file that moved keeps its row: the one place where a row follows its file to a new path.

The row's id is kept, and with it the chunks, the vectors, the HNSW labels (chunk ids and
photo file ids) and the marks, so a rename or a move never re-embeds anything. Both the full
scan (a vanished file found again by content hash) and the folder watcher (a rename it saw)
come through `repoint`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.core.catalog import FileRecord, Mark
from desktop.core.catalog.tables import under
from desktop.core.catalog.writes import delete_files, index_file_name, retitle_chunks
from desktop.core.ingest.prepared import document_title
from desktop.core.workspace import Workspace


def repoint(session: Session, record: FileRecord, path: str, folder_id: int) -> list[int]:
    """Give `record` the path `path`; a row already holding that path is dropped (its file is this one
    now). Returns the chunk ids dropped with it, for the caller to forget in the HNSW caches."""
    dropped: list[int] = []
    other = session.scalar(select(FileRecord.id).where(FileRecord.path == path))
    if other is not None and other != record.id:
        dropped = delete_files(session, [other])
        session.flush()
    if record.title is not None and record.title == document_title("", record.path):
        # A title that was the file's name (no title of its own inside) follows the new name.
        record.title = document_title("", path)
        retitle_chunks(session, record.id, record.title)
    record.path, record.folder_id = path, folder_id
    session.execute(update(Mark).where(Mark.file_id == record.id).values(path=path))
    index_file_name(session, record.id, path, record.title)
    return dropped


def root_of(roots: Sequence[tuple[int, Path]], path: str) -> tuple[int, Path] | None:
    """The library folder holding `path` (the innermost, though folders never nest)."""
    best: tuple[int, Path] | None = None
    for folder_id, root in roots:
        top = str(root)
        if (path == top or path.startswith(top.rstrip(os.sep) + os.sep)) and (
            best is None or len(top) > len(str(best[1]))
        ):
            best = (folder_id, root)
    return best


def move_rows(ws: Workspace, roots: Sequence[tuple[int, Path]], src: str, dest: str) -> int:
    """A file or folder renamed or moved from `src` to `dest`, both seen by the watcher: its rows follow.

    Nothing happens unless the move is complete on disk (`src` gone, `dest` there) and `dest` is in
    the library; anything else is left to the caller's look at both paths. Returns the rows moved.
    """
    if os.path.lexists(src) or not os.path.lexists(dest):
        return 0
    target = root_of(roots, dest)
    if target is None:
        return 0  # moved out of the library: the caller sees `src` gone and forgets it
    moved = 0
    dropped: list[int] = []
    dropped_files: list[int] = []
    with ws.catalog.session() as session:
        for record in list(session.scalars(select(FileRecord).where(under(FileRecord.path, src)))):
            new_path = dest + record.path[len(src):]
            if not os.path.lexists(new_path):
                continue  # changed again since; the caller looks at it
            other = session.scalar(select(FileRecord.id).where(FileRecord.path == new_path))
            if other is not None and other != record.id:
                dropped_files.append(other)
            dropped += repoint(session, record, new_path, target[0])
            moved += 1
    if dropped or dropped_files:
        ws.indexes.forget(chunk_ids=dropped, photo_ids=dropped_files)
    return moved
