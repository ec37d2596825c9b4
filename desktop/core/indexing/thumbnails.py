"""Bringing back cached thumbnails that went missing (thumbs dir deleted, disk full when written).

Thumbnails are a cache keyed by content hash, so a missing one is made again from the
photo itself; search never waits for this (a hit without one has `thumbnail=None` and
the window shows the original).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from desktop.core.catalog import FileRecord, FileStatus
from desktop.core.common.errors import SkipFile
from desktop.core.ingest.images import load_photo, make_thumbnail, thumbnail_relpath
from desktop.core.ingest.prepared import MAX_IMAGE_BYTES, write_thumbnail
from desktop.core.ingest.read import content_hash, read_stable
from desktop.core.workspace import Workspace


def restore_thumbnails(ws: Workspace, settings: dict[str, Any]) -> int:
    """Remake the thumbnail of every photo in the catalog whose file is missing; returns how many."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.path, FileRecord.content_hash).where(
                FileRecord.kind == "image",
                FileRecord.status.in_([FileStatus.INDEXED, FileStatus.WAITING_MODEL]),
                FileRecord.content_hash.is_not(None),
            )
        ).all()
    size = int(settings["thumbnail_size"])
    restored = 0
    for path, digest in rows:
        target = ws.paths.thumbs / thumbnail_relpath(digest)
        if target.exists():
            continue
        try:
            data, _ = read_stable(path, max_bytes=MAX_IMAGE_BYTES)
            if content_hash(data) != digest:
                continue  # changed since indexed: the next run re-indexes it, thumbnail included
            max_pixels = int(settings["max_image_megapixels"]) * 1_000_000
            photo = load_photo(data, max_pixels=max_pixels, target_size=0, longest=size)
        except SkipFile:
            continue
        write_thumbnail(target, make_thumbnail(photo.image, size))
        restored += target.exists()
    return restored
