"""The faces phase: after the photos are searchable, find the faces in each photo, store their boxes
and descriptors, and group the new faces into people (indexing/face_groups.py).

Resumable like the OCR phase: a photo is done when its `face_files` row says which size and mtime it
looked at, written in the same transaction as its faces; a killed run redoes the photo in flight
only (and gives up on a photo after two runs stopped on it: see TRYING). A photo the detector cannot
read is recorded with the reason (status "failed") and not tried again until it changes. Off (the
`faces` setting), the phase does nothing; turning it off deletes every face record (people/people.py,
forget_all).
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, or_, select, true

from desktop.core.catalog import Face, FaceFile, FileRecord, FileStatus
from desktop.core.common.errors import SkipFile
from desktop.core.common.jobs import CancelToken, Progress, RateMeter
from desktop.core.common.native_child import ChildProblem
from desktop.core.common.records import SkippedFile
from desktop.core.common.vector_codec import to_blob
from desktop.core.faces.detect import WORK_SIDE, FoundFace
from desktop.core.faces.models import FaceModelsMissing, check_installed
from desktop.core.faces.worker import FaceWorker
from desktop.core.indexing.face_groups import group_faces
from desktop.core.ingest.images import load_photo
from desktop.core.ingest.read import read_stable
from desktop.core.workspace import Workspace

log = logging.getLogger(__name__)
PHASE = "finding faces"
MAX_PHOTO_BYTES = 300 * 1024 * 1024
FACES_STATUS = "faces_skipped"  # how a photo the faces phase could not read is listed among the problems
# dlib runs in a child (faces/worker.py): a crash there costs the photo. The decoding runs here, and a run
# can be killed: a photo that crashed every run after must not be tried for ever. So a photo's
# row says "trying" while it is looked at (committed first); a run that finds it so (killed, or crashed)
# tries once more as "retrying", and one that finds "retrying" gives up on the photo with a reason.
TRYING = ("trying", "retrying")
GAVE_UP = "faces not read: the face detector stopped twice while reading this photo (it may crash on it)"


@dataclass
class FaceCounts:
    photos: int = 0  # photos looked at this run
    faces: int = 0
    failed: int = 0
    problems: list[SkippedFile] = field(default_factory=list)


@dataclass
class _Looked:
    size: int
    mtime: float
    status: str  # "faces", "none", "failed"
    faces: list[FoundFace]
    reason: str | None = None
    seconds: float = 0.0


def faces_phase(
    ws: Workspace, folder_ids: list[int], settings: dict[str, Any], cancel: CancelToken
) -> Generator[Progress, None, FaceCounts]:
    counts = FaceCounts()
    if not settings.get("faces", True) or cancel.cancelled or not folder_ids:
        return counts
    work = faces_work(ws, folder_ids)
    if work:
        try:
            check_installed()
        except FaceModelsMissing as missing:
            log.warning("faces phase skipped: %s", missing)
            return counts
        yield from _look_at_all(ws, work, folder_ids, settings, cancel, counts)
        if cancel.cancelled:
            return counts
    if not cancel.cancelled:
        with ws.write_lock.planning():  # one writer at a time groups: two would make the same person twice
            group_faces(ws)
    return counts


def _look_at_all(ws: Workspace, work: list[tuple[int, str]], folder_ids: list[int], settings: dict[str, Any],
                 cancel: CancelToken, counts: FaceCounts) -> Generator[Progress, None, None]:
    """Each photo decoded on a loader thread while the detector, in its child, looks at the one before:
    the two share both cores (decoding a 12 MP photo to 1600 px costs about half what detection does)."""
    meter = RateMeter(total=len(work))
    with FaceWorker() as worker, ThreadPoolExecutor(1, thread_name_prefix="semdesk-faces-load") as loader:
        ahead: Future[_Decoded | _Looked] | None = loader.submit(decode, work[0][1], settings)
        for done, (file_id, path) in enumerate(work, 1):
            cancel.hold()  # paused: the photo before is stored, this one not started
            if cancel.cancelled:
                return
            yield meter.progress(PHASE, done - 1, os.path.basename(path))
            loaded, ahead = ahead, (loader.submit(decode, work[done][1], settings) if done < len(work) else None)
            if not _claim(ws, file_id, folder_ids):
                continue  # another desktop of a server library looks at it
            try:
                decoded = loaded.result() if loaded is not None else decode(path, settings)
                looked = look_at(worker, decoded) if attempt(ws, file_id) else _gave_up(ws, file_id)
                store(ws, file_id, looked)
            finally:
                ws.write_lock.unclaim([file_id])
            counts.photos += 1
            counts.faces += len(looked.faces)
            if looked.status == "failed":
                counts.failed += 1
                counts.problems.append(SkippedFile(path, looked.reason or "faces not read", FACES_STATUS))
        yield meter.progress(PHASE, len(work), "")


def _claim(ws: Workspace, file_id: int, folder_ids: list[int]) -> bool:
    if not ws.write_lock.claim([file_id]):
        return False
    if faces_work(ws, folder_ids, only=file_id):
        return True
    ws.write_lock.unclaim([file_id])
    return False


def faces_work(ws: Workspace, folder_ids: list[int], only: int | None = None) -> list[tuple[int, str]]:
    """Photos not yet looked at in their current version: (file id, path)."""
    photo = and_(FileRecord.kind == "image", FileRecord.status.in_([FileStatus.INDEXED, FileStatus.WAITING_MODEL]))
    stale = or_(FaceFile.file_id.is_(None), FaceFile.size != FileRecord.size, FaceFile.mtime != FileRecord.mtime,
                FaceFile.status.in_(TRYING))
    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.path)
            .outerjoin(FaceFile, FaceFile.file_id == FileRecord.id)
            .where(FileRecord.folder_id.in_(folder_ids), photo, stale,
                   true() if only is None else FileRecord.id == only)
            .order_by(FileRecord.id)
        ).all()
    return [(int(file_id), str(path)) for file_id, path in rows]


def attempt(ws: Workspace, file_id: int) -> bool:
    """Record that this photo is being looked at; False when two looks at it already stopped half-way."""
    with ws.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        row = session.get(FaceFile, file_id)
        if record is None:
            return True  # removed meanwhile: store() drops it
        current = row is not None and row.size == record.size and row.mtime == record.mtime
        if current and row.status == "retrying":  # type: ignore[union-attr]
            return False
        status = "retrying" if current and row.status == "trying" else "trying"  # type: ignore[union-attr]
        session.merge(FaceFile(file_id=file_id, size=record.size, mtime=record.mtime, status=status, faces=0))
    return True


def _gave_up(ws: Workspace, file_id: int) -> _Looked:
    with ws.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        size, mtime = (record.size, record.mtime) if record is not None else (0, 0.0)
    return _Looked(size, mtime, "failed", [], GAVE_UP)


@dataclass
class _Decoded:
    size: int
    mtime: float
    image: np.ndarray  # RGB uint8, at most WORK_SIDE on its long side
    seconds: float


def decode(path: str, settings: dict[str, Any]) -> _Decoded | _Looked:
    """The photo as the detector looks at it; whatever goes wrong becomes a reason, never an exception."""
    started = time.perf_counter()
    try:
        data, stat = read_stable(path, max_bytes=MAX_PHOTO_BYTES)
    except SkipFile as skip:
        return _Looked(0, 0.0, "failed", [], f"faces not read: {skip.reason}")
    try:
        photo = load_photo(data, max_pixels=int(settings["max_image_megapixels"]) * 1_000_000,
                           target_size=0, longest=WORK_SIDE)
    except SkipFile as skip:
        return _Looked(stat.st_size, stat.st_mtime, "failed", [], f"faces not read: {skip.reason}")
    return _Decoded(stat.st_size, stat.st_mtime, np.asarray(photo.image), time.perf_counter() - started)


def look_at(worker: FaceWorker, decoded: _Decoded | _Looked) -> _Looked:
    """The faces of one decoded photo (a photo that could not be decoded is already its answer)."""
    if isinstance(decoded, _Looked):
        return decoded
    started = time.perf_counter()
    found = worker.find(decoded.image)
    seconds = decoded.seconds + time.perf_counter() - started
    if isinstance(found, ChildProblem):  # the detector failed, hung or crashed on this photo: it only
        return _Looked(decoded.size, decoded.mtime, "failed", [], f"faces not read: {found}"[:500], seconds)
    return _Looked(decoded.size, decoded.mtime, "faces" if found else "none", found, seconds=seconds)


def store(ws: Workspace, file_id: int, looked: _Looked) -> None:
    """The photo's faces and its done-row, in one transaction (a kill leaves neither or both)."""
    with ws.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        if record is None:
            return  # removed meanwhile
        session.execute(delete(Face).where(Face.file_id == file_id))
        session.merge(FaceFile(
            file_id=file_id, size=looked.size or record.size, mtime=looked.mtime or record.mtime,
            status=looked.status, reason=looked.reason, faces=len(looked.faces), seconds=looked.seconds,
            done_at=time.time(),
        ))
        session.add_all(
            Face(file_id=file_id, left=f.box[0], top=f.box[1], right=f.box[2], bottom=f.box[3],
                 score=round(f.score, 4), vector=to_blob(f.vector))
            for f in looked.faces
        )
