"""Rebuilding a library whose catalog is damaged, from the user's folders.

The damaged catalog is moved aside (never deleted: it may still hold something worth
recovering), a fresh one is made, the folder list comes back from the damaged file when
SQLite can still read it (else from folders.json, a mirror kept on every change), and the
user's marks come back from marks.jsonl, matched to the re-indexed files by path and
content hash. Marks whose file is gone or changed are kept, detached, never dropped. The decisions
about people (names, hidden faces) come back from people.json as anchors: the faces phase of the
re-indexing groups the faces again and the anchors give the groups their names.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.core.catalog import Catalog, Chunk, FaceAnchor, FileRecord, FileStatus, Folder, Mark, Person
from desktop.core.common.errors import CatalogDamaged, SemdeskError
from desktop.core.common.records import RebuildReport
from desktop.core.workspace import LibraryPaths, Workspace
from desktop.core.workspace.lock import WriteLock

log = logging.getLogger(__name__)


def read_folder_mirror(paths: LibraryPaths) -> list[str]:
    try:
        data = json.loads(paths.folders_mirror.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    folders = data.get("folders") if isinstance(data, dict) else None
    return [f for f in folders if isinstance(f, str)] if isinstance(folders, list) else []


def folders_from_damaged(catalog: Path) -> list[str] | None:
    """The folders table of a damaged catalog, if SQLite can still read that much."""
    if not catalog.exists():
        return None
    try:
        db = sqlite3.connect(f"{catalog.as_uri()}?mode=ro", uri=True)
        try:
            rows = db.execute("SELECT path FROM folders ORDER BY path").fetchall()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    return [os.fsdecode(bytes(p)) if isinstance(p, bytes | memoryview) else str(p) for (p,) in rows]


def read_marks_export(paths: LibraryPaths) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    try:
        lines = paths.marks_mirror.read_text(encoding="utf-8").splitlines()
    except OSError:
        return rows
    for line in lines:
        try:
            row = json.loads(line)
        except ValueError:
            continue  # a damaged line costs that mark, not the others
        if isinstance(row, dict) and row.get("query") and row.get("path") and "relevant" in row:
            rows.append(row)
    return rows


def read_people_export(paths: LibraryPaths) -> list[dict[str, Any]]:
    try:
        data = json.loads(paths.people_mirror.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    people = data.get("people") if isinstance(data, dict) else None
    return [p for p in people if isinstance(p, dict)] if isinstance(people, list) else []


def restore_people(session: Any, people: list[dict[str, Any]]) -> int:
    """The people the user decided about, and their anchors, into a fresh catalog. Returns the anchors."""
    restored = 0
    for row in people:
        key = row.get("key")
        if key is not None:
            if not isinstance(key, str) or not key:
                continue
            name = row.get("name")
            session.add(Person(key=key, name=name if isinstance(name, str) else None, hidden=bool(row.get("hidden"))))
        for anchor in row.get("anchors") or ():
            try:
                vector = base64.b64decode(anchor["vector"], validate=True)
            except (KeyError, TypeError, ValueError):
                continue  # a damaged anchor costs that anchor, not the person
            if len(vector) == 128 * 4:
                path = anchor.get("path")
                session.add(FaceAnchor(person_key=key, vector=vector, path=path if isinstance(path, str) else None))
                restored += 1
    return restored


def catalog_damaged(catalog: Path) -> bool:
    """Whether SQLite refuses the catalog or finds a damaged page (a full check, whatever the size)."""
    try:
        healthy = Catalog(catalog)
    except CatalogDamaged:
        return True
    try:
        return bool(healthy.integrity_problems())
    finally:
        healthy.dispose()


def start_rebuild(library_dir: Path) -> tuple[Workspace, RebuildReport]:
    """Move the damaged catalog aside and open a fresh workspace holding its folders and marks.

    The returned workspace keeps the write lock until the caller has re-indexed every folder and
    run `finish_rebuild` (the facade chains them: recovery does not call indexing).
    """
    paths = LibraryPaths(library_dir.expanduser().resolve())
    catalog = paths.catalog
    if not catalog.exists():
        raise SemdeskError(f"There is no library catalog at {paths.root}; nothing to rebuild.")
    lock = WriteLock(paths.write_lock)
    lock.acquire("rebuilding the catalog")
    try:
        if not catalog_damaged(catalog):
            raise SemdeskError(f"The catalog at {catalog} is sound; it needs no rebuild.")
        folders = folders_from_damaged(catalog)
        if folders is None:
            folders = read_folder_mirror(paths)
        marks = read_marks_export(paths)
        damaged_copy = _move_aside(catalog)
        ws = Workspace(paths.root)
    except BaseException:
        lock.release()
        raise
    ws.write_lock = lock  # the index job re-enters it; nobody else writes meanwhile
    with ws.catalog.durable_session() as session:
        for row in marks:  # detached for now: re-linked to files once they are indexed again
            session.add(_mark_from_export(row))
        restore_people(session, read_people_export(paths))
    _register(ws, folders)
    return ws, RebuildReport(damaged_copy, tuple(folders), len(marks))


def finish_rebuild(ws: Workspace) -> int:
    """After every folder was indexed again: tie the marks back to their files, refresh their mirror,
    and let go of the write lock taken by `start_rebuild`. Returns how many marks were re-linked."""
    try:
        linked = relink_marks(ws)
        ws.export_marks()
        return linked
    finally:
        ws.write_lock.release()


def release(ws: Workspace) -> None:
    """Give up a rebuild that stopped before `finish_rebuild` (cancelled, failed)."""
    ws.write_lock.release()


def relink_marks(ws: Workspace) -> int:
    """Point detached marks at the file with the same path and content (or the same content moved)."""
    linked = 0
    with ws.catalog.durable_session() as session:
        for mark in session.scalars(select(Mark).where(Mark.file_id.is_(None))):
            record = session.scalars(select(FileRecord).where(FileRecord.path == mark.path)).first()
            if record is not None and mark.content_hash and record.content_hash != mark.content_hash:
                record = None  # the file changed since the mark: the judgement was about other content
            if record is None and mark.content_hash:
                record = session.scalars(
                    select(FileRecord).where(FileRecord.content_hash == mark.content_hash)
                ).first()
            if record is None or record.status != FileStatus.INDEXED:
                continue
            mark.file_id, mark.path = record.id, record.path
            if mark.start is not None:
                mark.chunk_id = session.scalars(
                    select(Chunk.id).where(Chunk.file_id == record.id, Chunk.start == mark.start, Chunk.end == mark.end)
                ).first()
            linked += 1
    return linked


def _mark_from_export(row: dict[str, Any]) -> Mark:
    return Mark(
        query=str(row["query"]),
        kind=str(row.get("kind") or "text"),
        file_id=None,
        chunk_id=None,
        path=str(row["path"]),
        content_hash=row.get("content_hash"),
        start=row.get("start"),
        end=row.get("end"),
        passage=row.get("passage"),
        relevant=bool(row["relevant"]),
        created_at=float(row.get("created_at") or time.time()),
    )


def _register(ws: Workspace, folders: list[str]) -> None:
    with ws.catalog.session() as session:
        for path in dict.fromkeys(folders):
            session.add(Folder(path=path))
    ws.mirror_folders()


def _move_aside(catalog: Path) -> Path | None:
    """Rename the catalog and its WAL files to catalog.damaged-<time>.sqlite*, never delete them."""
    if not catalog.exists():
        return None
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = catalog.with_name(f"catalog.damaged-{stamp}.sqlite")
    n = 1
    while target.exists():
        n += 1
        target = catalog.with_name(f"catalog.damaged-{stamp}-{n}.sqlite")
    try:
        for suffix in ("-wal", "-shm"):  # the WAL may hold committed pages: keep it with its file
            side = catalog.with_name(catalog.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
        os.replace(catalog, target)
    except OSError as error:
        raise SemdeskError(f"Cannot move the damaged catalog aside: {error.strerror}.") from error
    return target
