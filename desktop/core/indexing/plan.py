"""Planning an index run: which folders to walk, what the walk found, and which files need work
(new, changed, made by an older model, or waiting for the photo model that is now here)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from desktop.core.catalog import FileRecord, FileStatus, Folder
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Progress
from desktop.core.common.records import SkippedFile
from desktop.core.ingest.scan import ScanEntry, ScanProblem, scan_folder
from desktop.core.workspace import Workspace


@dataclass
class Plan:
    roots: list[tuple[int, Path]] = field(default_factory=list)
    to_process: list[tuple[int, str, str]] = field(default_factory=list)  # (file id, path, kind)
    missing: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # id -> (kind, hash)
    complete_roots: set[int] = field(default_factory=set)  # roots whose scan finished
    scanned: int = 0
    problems: list[SkippedFile] = field(default_factory=list)


def register_roots(ws: Workspace, paths: list[Path] | None) -> list[tuple[int, Path]]:
    """Folders to scan. New paths become folders; a folder inside another is merged into it."""
    with ws.catalog.session() as session:
        if paths is None:
            return [(f.id, Path(f.path)) for f in session.scalars(select(Folder).order_by(Folder.path))]
        roots: list[tuple[int, Path]] = []
        for raw in paths:
            path = Path(raw).expanduser().absolute()
            if not path.exists():
                raise SemdeskError(f"There is no file or folder at {path}.")
            path = path.resolve()
            if path == ws.path or ws.path in path.parents:
                raise SemdeskError(f"{path} is semdesk's own data folder; it is never indexed.")
            folders = session.scalars(select(Folder)).all()
            outer = next((f for f in folders if Path(f.path) == path or Path(f.path) in path.parents), None)
            if outer is not None:
                roots.append((outer.id, Path(outer.path)))
                continue
            folder = Folder(path=str(path))
            session.add(folder)
            session.flush()
            for inner in folders:  # an existing folder inside the new one joins it
                if path in Path(inner.path).parents:
                    for record in session.scalars(select(FileRecord).where(FileRecord.folder_id == inner.id)):
                        record.folder_id = folder.id
                    session.delete(inner)
            roots.append((folder.id, path))
        return list(dict.fromkeys(roots))


def scan_root(
    ws: Workspace,
    plan: Plan,
    folder_id: int,
    root: Path,
    settings: dict[str, Any],
    exclude: list[str],
    cancel: CancelToken,
) -> Iterator[Progress]:
    with ws.catalog.session() as session:
        known = {r.path: r for r in session.scalars(select(FileRecord).where(FileRecord.folder_id == folder_id))}
        for record in known.values():
            session.expunge(record)
    seen: set[str] = set()
    batch: list[ScanEntry | ScanProblem] = []
    walker = scan_folder(
        root,
        exclude=exclude,
        include_hidden=settings["include_hidden"],
        follow_symlinks=settings["follow_symlinks"],
        skip_dirs=[ws.path],
    )
    try:
        for item in walker:
            seen.add(item.path)
            batch.append(item)
            if len(batch) >= 1000:
                record_scan(ws, folder_id, batch, known)
                plan.scanned += sum(isinstance(i, ScanEntry) for i in batch)
                batch.clear()
                yield Progress("scanning", plan.scanned, 0, str(root))
                if cancel.cancelled:
                    return
    except FileNotFoundError:
        # An unplugged drive must not wipe its files from the library: keep them, say why.
        plan.problems.append(SkippedFile(str(root), "folder not found (is the drive connected?)", "skipped"))
        return
    record_scan(ws, folder_id, batch, known)
    plan.scanned += sum(isinstance(i, ScanEntry) for i in batch)
    plan.complete_roots.add(folder_id)
    for path, record in known.items():
        if path not in seen:
            plan.missing[record.id] = (record.kind, record.content_hash)
    with ws.catalog.session() as session:
        folder = session.get(Folder, folder_id)
        if folder is not None:
            folder.scanned_at = time.time()
    yield Progress("scanning", plan.scanned, 0, str(root))


def record_scan(
    ws: Workspace, folder_id: int, batch: list[ScanEntry | ScanProblem], known: dict[str, FileRecord]
) -> None:
    with ws.catalog.session() as session:
        for item in batch:
            record = known.get(item.path)
            if isinstance(item, ScanProblem):
                if record is None:
                    session.add(
                        FileRecord(
                            folder_id=folder_id,
                            path=item.path,
                            kind="other",
                            size=0,
                            mtime=0.0,
                            status=FileStatus.SKIPPED,
                            reason=item.reason,
                        )
                    )
                continue
            if record is None:
                session.add(
                    FileRecord(
                        folder_id=folder_id,
                        path=item.path,
                        kind=item.kind,
                        size=item.size,
                        mtime=item.mtime,
                        status=FileStatus.PENDING,
                    )
                )
            elif record.size != item.size or record.mtime != item.mtime:
                stored = session.get(FileRecord, record.id)
                if stored is not None:
                    stored.status = FileStatus.PENDING
                    stored.size, stored.mtime = item.size, item.mtime


def select_work(ws: Workspace, plan: Plan, only: set[str] | None = None) -> None:
    """Files of the scanned roots that need (re)processing: new, changed, or made by an older model.
    `only`: just these paths (the files a watcher saw change)."""
    needs = needs_work(ws)
    folder_ids = [fid for fid, _ in plan.roots]
    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.path, FileRecord.kind, FileRecord.status, FileRecord.model_version_id)
            .where(FileRecord.folder_id.in_(folder_ids), FileRecord.kind.in_(["text", "image"]))
            .order_by(FileRecord.kind, FileRecord.path)
        ).all()
    for file_id, path, kind, status, version in rows:
        if file_id in plan.missing or (only is not None and path not in only):
            continue
        if needs(kind, status, version):
            plan.to_process.append((file_id, path, kind))


def still_needed(ws: Workspace, work: list[tuple[int, str, str]], needs: Needs) -> list[tuple[int, str, str]]:
    """Of planned files, those that need work now: on a server library another writer may have
    indexed some since this one planned (server/lock.py). Read after claiming them, so nobody
    else changes them until this writer lets go."""
    if not work:
        return []
    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.kind, FileRecord.status, FileRecord.model_version_id)
            .where(FileRecord.id.in_([file_id for file_id, _, _ in work]))
        ).all()
    wanted = {file_id for file_id, kind, status, version in rows if needs(kind, status, version)}
    return [item for item in work if item[0] in wanted]


Needs = Callable[[str, str, "int | None"], bool]  # (kind, status, model version) -> needs work?


def needs_work(ws: Workspace) -> Needs:
    """The one rule for "this file needs (re)processing", given its kind, status and model version."""
    text_version = ws.versions.active_id("text")
    image_version = ws.versions.active_id("image")
    clip_ready = ws.encoders.clip_problem() is None

    def needs(kind: str, status: str, version: int | None) -> bool:
        wanted = text_version if kind == "text" else image_version
        return (
            status == FileStatus.PENDING
            or (status == FileStatus.INDEXED and version != wanted)
            or (status == FileStatus.WAITING_MODEL and clip_ready)
        )

    return needs
