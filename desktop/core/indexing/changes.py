"""Indexing a set of changed paths (what a folder watcher saw), never a walk of whole folders.

The same steps as the full job, on just these paths: renames seen by the watcher re-point
their rows first (`moves.move_rows`, no re-embedding); then each touched path is looked at
as it is now: a file is recorded with its size and mtime like a scan would (`record_scan`),
a folder is walked (a folder copied or moved in), and what is gone is forgotten. The files
that need work go through the full job's `process` (which also re-points a file that turns
up elsewhere with the same content) and `remove_missing`. HNSW caches are not saved here:
the catalog is the truth and a cache file behind it is brought up to date when loaded, so a
watcher saves them now and then (`save_indexes`), not after every saved document.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.core.catalog import FileRecord, Folder
from desktop.core.catalog.tables import under
from desktop.core.common.jobs import CancelToken, Job
from desktop.core.common.records import IndexSummary, SkippedFile
from desktop.core.indexing.faces_phase import FaceCounts, faces_phase
from desktop.core.indexing.job import process_selected, summarise
from desktop.core.indexing.moves import move_rows, root_of
from desktop.core.indexing.plan import Plan, record_scan, select_work
from desktop.core.ingest.kinds import kind_of
from desktop.core.ingest.scan import ScanEntry, ScanProblem, scan_folder, skipped_by_walk
from desktop.core.workspace import Workspace


def changes_job(
    ws: Workspace, touched: Collection[str], moves: Sequence[tuple[str, str]], *, cancel: CancelToken
) -> Job[IndexSummary]:
    started = time.monotonic()
    ws.write_lock.acquire("indexing changes", shared=True)  # as the full job: files are claimed
    try:
        settings = ws.settings.all()
        with ws.write_lock.planning():
            with ws.catalog.session() as session:
                roots = [(f.id, Path(f.path)) for f in session.scalars(select(Folder))]
            plan = Plan(roots=roots)
            paths = set(touched)
            moved = 0
            exclude, hidden = list(settings["exclude"]), bool(settings["include_hidden"])
            for src, dest in moves:
                target = root_of(roots, dest)
                if target is not None and not skipped_by_walk(str(target[1]), dest, exclude=exclude,
                                                              include_hidden=hidden):
                    moved += move_rows(ws, roots, src, dest)
                paths.update((src, dest))  # a moved file may also have changed; a half-seen move is two changes
            seen = _look_at(ws, plan, roots, paths, settings)
            select_work(ws, plan, only=seen)
        counts = yield from process_selected(ws, plan, settings, cancel)
        # New photos' faces are found and grouped as they arrive (OCR waits for the next full run).
        faces = FaceCounts()
        if not cancel.cancelled:
            faces = yield from faces_phase(ws, [folder_id for folder_id, _ in roots], settings, cancel)
        return summarise(plan, counts, started, cancel, moved=moved,
                         problems=(*plan.problems, *faces.problems), faces_found=faces.faces)
    finally:
        ws.write_lock.release()


def save_indexes(ws: Workspace) -> None:
    """Write the HNSW caches changed since the last save (only the write-lock holder saves)."""
    ws.write_lock.acquire("saving", shared=True)  # a server library has nothing to save: never wait on indexers
    try:
        ws.indexes.save()
    finally:
        ws.write_lock.release()


def _look_at(
    ws: Workspace, plan: Plan, roots: list[tuple[int, Path]], paths: set[str], settings: dict[str, Any]
) -> set[str]:
    """Record what each path holds now (like a scan); fill `plan.missing`; return the files found."""
    exclude = list(settings["exclude"])
    hidden = bool(settings["include_hidden"])
    by_root: dict[int, list[str]] = {}
    for path in sorted(paths):
        found = root_of(roots, path)
        if found is None or _inside(path, str(ws.path)):
            continue
        folder_id, root = found
        if not root.exists():
            # An unplugged drive must not wipe its files from the library (as in a full scan).
            plan.problems.append(SkippedFile(str(root), "folder not found (is the drive connected?)", "skipped"))
            continue
        if not skipped_by_walk(str(root), path, exclude=exclude, include_hidden=hidden):
            by_root.setdefault(folder_id, []).append(path)
    found_files: set[str] = set()
    for folder_id, group in by_root.items():
        with ws.catalog.session() as session:
            known: dict[str, FileRecord] = {}
            for path in _outermost(group):
                for record in session.scalars(select(FileRecord).where(under(FileRecord.path, path))):
                    known[record.path] = record
            for record in known.values():
                session.expunge(record)
        entries: list[ScanEntry | ScanProblem] = []
        for path in _outermost(group):
            entries.extend(_entries(ws, path, settings, exclude, hidden))
        record_scan(ws, folder_id, entries, known)
        here = {e.path for e in entries}
        found_files |= {e.path for e in entries if isinstance(e, ScanEntry)}
        plan.scanned += sum(isinstance(e, ScanEntry) for e in entries)
        for path, record in known.items():
            if path not in here:
                plan.missing[record.id] = (record.kind, record.content_hash)
        new = [e for e in entries if isinstance(e, ScanEntry) and e.path not in known]
        _vanished_like(ws, plan, roots, new)
    return found_files


def _vanished_like(ws: Workspace, plan: Plan, roots: list[tuple[int, Path]], new: list[ScanEntry]) -> None:
    """Rows of the same kind and size as a new file whose own file is gone from disk.

    A move between two watched folders can reach us as a creation now and a deletion in a later
    batch; counting such rows as missing lets `process` match the content hash and re-point the
    row (no re-embedding) instead of embedding the file again and dropping the old row later.
    A row under a folder that is not there (an unplugged drive) is left alone."""
    sizes = sorted({e.size for e in new})
    kinds = sorted({e.kind for e in new})
    for start in range(0, len(sizes), 500):
        with ws.catalog.session() as session:
            rows = session.execute(
                select(FileRecord.id, FileRecord.path, FileRecord.kind, FileRecord.content_hash).where(
                    FileRecord.size.in_(sizes[start : start + 500]), FileRecord.kind.in_(kinds),
                    FileRecord.content_hash.is_not(None))
            ).all()
        for file_id, path, kind, digest in rows:
            if file_id in plan.missing or os.path.lexists(path):
                continue
            root = root_of(roots, path)
            if root is not None and root[1].exists():
                plan.missing[file_id] = (kind, digest)


def _entries(
    ws: Workspace, path: str, settings: dict[str, Any], exclude: list[str], hidden: bool
) -> list[ScanEntry | ScanProblem]:
    try:
        st = os.stat(path, follow_symlinks=bool(settings["follow_symlinks"]))
    except OSError:
        return []  # gone (or unreadable: the next full scan says why)
    if stat.S_ISDIR(st.st_mode):
        return list(scan_folder(path, exclude=exclude, include_hidden=hidden,
                                follow_symlinks=settings["follow_symlinks"], skip_dirs=[ws.path]))
    kind = kind_of(os.path.basename(path))
    if kind is None or not stat.S_ISREG(st.st_mode):
        return []
    return [ScanEntry(path, kind, st.st_size, st.st_mtime)]


def _outermost(paths: list[str]) -> list[str]:
    """Paths with those inside another one of them left out (a folder's walk covers its files)."""
    kept: set[str] = set()
    for path in sorted(paths, key=len):
        parent, up = path, os.path.dirname(path)
        while up != parent and up not in kept:
            parent, up = up, os.path.dirname(up)
        if up == parent and path not in kept:  # reached the top without meeting a kept folder
            kept.add(path)
    return sorted(kept)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)
