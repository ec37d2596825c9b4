"""Forgetting files: those gone from disk after a scan, or a folder or file the user removes.
Nothing on disk is ever touched; catalog rows go first, then the HNSW caches follow."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import select

from desktop.core.catalog import FileRecord, Folder
from desktop.core.catalog.tables import under
from desktop.core.catalog.writes import delete_files
from desktop.core.common.errors import SemdeskError
from desktop.core.workspace import Workspace

if TYPE_CHECKING:
    from desktop.core.indexing.plan import Plan


def remove_missing(ws: Workspace, plan: Plan) -> int:
    ids = [fid for fid in plan.missing]
    if not ids:
        return 0
    with ws.catalog.session() as session:
        chunk_ids = delete_files(session, ids)
    ws.indexes.forget(chunk_ids=chunk_ids, photo_ids=ids)
    return len(ids)


def remove_path(ws: Workspace, path: Path) -> int:
    """Forget a folder or a file (or everything under a path); nothing on disk is touched."""
    target = str(path.expanduser().absolute())
    ws.write_lock.acquire("removing")
    try:
        with ws.catalog.session() as session:
            ids = list(session.scalars(select(FileRecord.id).where(under(FileRecord.path, target))))
            folders = list(session.scalars(select(Folder).where(under(Folder.path, target))))
            if not ids and not folders:
                raise SemdeskError(f"{target} is not in the library.")
            chunk_ids = delete_files(session, ids)
            for folder in folders:
                session.delete(folder)
        if folders:
            ws.mirror_folders()
        ws.indexes.forget(chunk_ids=chunk_ids, photo_ids=ids)
        ws.indexes.save()
        return len(ids)
    finally:
        ws.write_lock.release()
