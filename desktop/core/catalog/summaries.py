"""Counts for the sidebar, the status bar and `semdesk status`: one query each, grouped in SQL."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from desktop.core.catalog.db import Catalog
from desktop.core.catalog.tables import Chunk, FileRecord, FileStatus, Folder
from desktop.core.common.records import FolderSummary, SkippedFile


def folder_summaries(catalog: Catalog) -> list[FolderSummary]:
    with catalog.session() as session:
        folders = session.scalars(select(Folder).order_by(Folder.path)).all()
        counts = session.execute(
            select(FileRecord.folder_id, FileRecord.status, func.count()).group_by(
                FileRecord.folder_id, FileRecord.status
            )
        ).all()
    per_folder: dict[int, dict[str, int]] = {}
    for folder_id, status, count in counts:
        per_folder.setdefault(folder_id, {})[status] = count
    return [FolderSummary(f.id, f.path, per_folder.get(f.id, {}), f.scanned_at) for f in folders]


def skipped_files(catalog: Catalog, limit: int | None = None) -> list[SkippedFile]:
    with catalog.session() as session:
        query = (
            select(FileRecord.path, FileRecord.reason, FileRecord.status)
            .where(FileRecord.status.in_([FileStatus.SKIPPED, FileStatus.WAITING_MODEL]))
            .order_by(FileRecord.path)
        )
        if limit:
            query = query.limit(limit)
        return [SkippedFile(p, r or "", s) for p, r, s in session.execute(query)]


def file_counts(catalog: Catalog) -> tuple[dict[str, int], dict[str, int], int]:
    """(files per status, indexed files per kind, passages).

    Kinds count the files a search lists, like the sidebar's "items" (FolderSummary.items): indexed
    ones and photos waiting for the photo model (found by their names); a skipped file is not listed
    (issue 13: "429 items" beside "386 photos"; issue 24: "0 items" beside 54 photos listed)."""
    with catalog.session() as session:
        statuses = Counter(
            dict(session.execute(select(FileRecord.status, func.count()).group_by(FileRecord.status)).all())
        )
        kinds = Counter(dict(session.execute(
            select(FileRecord.kind, func.count())
            .where(FileRecord.status.in_([FileStatus.INDEXED, FileStatus.WAITING_MODEL]))
            .group_by(FileRecord.kind)).all()))
        chunks = session.scalar(select(func.count()).select_from(Chunk)) or 0
    return dict(statuses), dict(kinds), chunks


def passage_sample(catalog: Catalog, limit: int = 300, chars: int = 400) -> list[str]:
    """The beginnings of up to `limit` passages spread evenly over the library (by id): enough to tell
    which script most of the text is in, read in one query."""
    with catalog.session() as session:
        total = session.scalar(select(func.max(Chunk.id))) or 0
        step = max(1, total // limit)
        rows = session.scalars(
            select(func.substr(Chunk.text, 1, chars)).where(Chunk.id % step == 0).limit(limit)).all()
    return [str(r) for r in rows]
