"""The OCR phase: after the photos are embedded (searchable by CLIP), read the words in them and in
scanned PDF pages, and store what was read as passages like any document text.

Resumable: a file is done when its `ocr_files` row says which size and mtime it read, written in
the same transaction as its lines and passages; a killed run redoes the file in flight only. The
OCR result is kept apart from the passages, so re-embedding (a new text model, a photo re-read
for CLIP) makes passages again from the stored text without running OCR again.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlalchemy import and_, delete, exists, func, or_, select, true

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, OcrFile, OcrLine
from desktop.core.catalog.writes import add_chunk_keywords, index_file_name, insert_new
from desktop.core.common.embedding_input import passage_input
from desktop.core.common.errors import SkipFile
from desktop.core.common.jobs import CancelToken, Progress, RateMeter
from desktop.core.common.records import SkippedFile
from desktop.core.common.vector_codec import to_blob
from desktop.core.ingest.chunk import chunk_spans_in_pieces
from desktop.core.ingest.extract import extract_text
from desktop.core.ingest.read import content_hash, read_stable
from desktop.core.ocr.layout import PlacedLine, lay_out
from desktop.core.ocr.pictures import Picture, PictureProblem, gate_picture, pdf_pictures, photo_picture
from desktop.core.ocr.records import Failure, Line, Reading
from desktop.core.ocr.worker import OcrWorker, default_threads
from desktop.core.workspace import Workspace

PHASE = "reading text in pictures"
TIME_LIMIT_SECONDS = 60.0  # one picture; a normal one takes 0.1-2 s on two cores
MAX_PICTURE_BYTES = 300 * 1024 * 1024
OCR_STATUS = "ocr_skipped"  # how a picture OCR could not read is listed among the problems


@dataclass
class OcrCounts:
    read: int = 0  # files OCR looked at this run
    with_text: int = 0
    failed: int = 0
    problems: list[SkippedFile] = field(default_factory=list)
    rescued: set[str] = field(default_factory=set)  # scanned PDFs the text phase had skipped, now read


@dataclass
class _Work:
    file_id: int
    path: str
    kind: str


@dataclass
class _Result:
    size: int
    mtime: float
    digest: str | None
    status: str  # "text", "none", "failed"
    reason: str | None = None
    pages: list[tuple[int, tuple[Line, ...]]] = field(default_factory=list)
    base_text: str = ""  # a PDF's own text layer, which the OCR text follows in the document text
    seconds: float = 0.0


def ocr_phase(
    ws: Workspace, folder_ids: list[int], settings: dict[str, Any], cancel: CancelToken
) -> Generator[Progress, None, OcrCounts]:
    counts = OcrCounts()
    mode = settings.get("ocr", "off")
    if mode == "off" or cancel.cancelled or not folder_ids:
        return counts
    work = ocr_work(ws, folder_ids, mode)
    refill = passages_missing(ws, folder_ids)
    if not work and not refill:
        return counts
    # Loaded at the first picture with text, not here: most photos hold none, and a watched folder's one new
    # photo would otherwise wait a second for a text model it does not need.
    encoder = ws.encoders.text()
    for file_id in refill:
        if cancel.cancelled:
            return counts
        if ws.write_lock.claim([file_id]):  # another desktop refilling it makes the same passages
            try:
                _refill(ws, encoder, settings, file_id)  # adds only what is missing once claimed
            finally:
                ws.write_lock.unclaim([file_id])
    meter = RateMeter(total=len(work))
    with OcrWorker(default_threads(), TIME_LIMIT_SECONDS) as worker, \
            ThreadPoolExecutor(1, thread_name_prefix="semdesk-ocr-load") as loader:
        ahead: Future[_Loaded | _Result] | None = loader.submit(load_file, work[0], settings) if work else None
        for done, item in enumerate(work, 1):
            cancel.hold()  # paused: the picture before is stored, this one not started
            if cancel.cancelled:
                break
            yield meter.progress(PHASE, done - 1, os.path.basename(item.path))
            loaded, ahead = ahead, (loader.submit(load_file, work[done], settings) if done < len(work) else None)
            if not _claim(ws, item, folder_ids, mode):
                continue  # another desktop of a server library reads it, or has read it since the plan
            try:
                # Read before the claim: a file another desktop took is read for nothing, never stored.
                result = read_file(worker, item, settings, cancel, loaded.result() if loaded else None)
                if result is not None:
                    store(ws, encoder, settings, item, result)
            finally:
                ws.write_lock.unclaim([item.file_id])
            if result is None:  # cancelled inside a long PDF: nothing stored, redone next time
                break
            counts.read += 1
            counts.with_text += result.status == "text"
            if result.status == "text" and item.kind == "text":
                counts.rescued.add(item.path)
            if result.reason is not None:
                counts.failed += result.status == "failed"
                counts.problems.append(SkippedFile(item.path, result.reason, OCR_STATUS))
        if work and not cancel.cancelled:
            yield meter.progress(PHASE, len(work), "")
    return counts


def _claim(ws: Workspace, item: _Work, folder_ids: list[int], mode: str) -> bool:
    """This writer holds the file (server/lock.py) and it still needs reading: several desktops may run
    this phase over one server library at once, and two readings would store its passages twice."""
    if not ws.write_lock.claim([item.file_id]):
        return False
    if ocr_work(ws, folder_ids, mode, only=item.file_id):
        return True
    ws.write_lock.unclaim([item.file_id])
    return False


def ocr_work(ws: Workspace, folder_ids: list[int], mode: str, only: int | None = None) -> list[_Work]:
    """Photos (all, or only those no camera took) and PDFs not yet read in their current version
    (`only`: just that file, if it is one)."""
    photo = and_(FileRecord.kind == "image", FileRecord.status.in_([FileStatus.INDEXED, FileStatus.WAITING_MODEL]))
    if mode == "screenshots":
        photo = and_(photo, FileRecord.camera.is_(None))
    document = and_(FileRecord.kind == "text", FileRecord.status.in_([FileStatus.INDEXED, FileStatus.SKIPPED]))
    stale = or_(OcrFile.file_id.is_(None), OcrFile.size != FileRecord.size, OcrFile.mtime != FileRecord.mtime)
    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.path, FileRecord.kind)
            .outerjoin(OcrFile, OcrFile.file_id == FileRecord.id)
            .where(FileRecord.folder_id.in_(folder_ids), or_(photo, document), stale,
                   true() if only is None else FileRecord.id == only)
            .order_by(FileRecord.id)
        ).all()
    return [
        _Work(file_id, path, kind)
        for file_id, path, kind in rows
        if kind == "image" or path.lower().endswith(".pdf")
    ]


def passages_missing(ws: Workspace, folder_ids: list[int]) -> list[int]:
    """Files whose stored OCR text has no passage embedded by the active text model (their passages
    were dropped when the file was re-read, or made by another model)."""
    version = ws.versions.active_id("text")
    embedded = (
        select(Chunk.id)
        .join(ChunkVector, and_(ChunkVector.chunk_id == Chunk.id, ChunkVector.model_version_id == version))
        .where(Chunk.file_id == OcrFile.file_id, Chunk.start >= OcrFile.base)
    )
    with ws.catalog.session() as session:
        return list(
            session.scalars(
                select(OcrFile.file_id)
                .join(FileRecord, FileRecord.id == OcrFile.file_id)
                .where(
                    FileRecord.folder_id.in_(folder_ids), OcrFile.status == "text",
                    OcrFile.size == FileRecord.size, OcrFile.mtime == FileRecord.mtime, ~exists(embedded),
                )
            )
        )


@dataclass
class _Loaded:
    """A file read, and for a photo its picture at the gate's size: made on a loader thread while the
    worker reads the file before it (the gate runs in the child, the decoding here: both cores busy)."""

    data: bytes
    result: _Result
    small: Picture | PictureProblem | None = None


def load_file(item: _Work, settings: dict[str, Any]) -> _Loaded | _Result:
    limit = MAX_PICTURE_BYTES if item.kind == "image" else int(settings["max_text_mb"]) * 1024 * 1024
    try:
        data, stat = read_stable(item.path, max_bytes=limit)
    except SkipFile as skip:
        return _Result(0, 0.0, None, "failed", f"OCR skipped: {skip.reason}")
    # The digest makes a rescued scan's record whole (_refill); a photo's record has its own already.
    result = _Result(stat.st_size, stat.st_mtime, content_hash(data) if item.kind == "text" else None, "none")
    if item.kind != "image":
        return _Loaded(data, result)
    # The gate on the picture decoded as small as it needs; the 2000 px decode only for a photo it
    # kept (most camera photos hold no text: a 12 MP JPEG decodes at 1/8 instead of 1/2 of its size).
    return _Loaded(data, result, gate_picture(data, int(settings["max_image_megapixels"]) * 1_000_000))


def read_file(worker: OcrWorker, item: _Work, settings: dict[str, Any], cancel: CancelToken,
              loaded: _Loaded | _Result | None = None) -> _Result | None:
    loaded = load_file(item, settings) if loaded is None else loaded
    if isinstance(loaded, _Result):
        return loaded
    data, result = loaded.data, loaded.result
    step = "both"
    if item.kind == "image":
        max_pixels = int(settings["max_image_megapixels"]) * 1_000_000
        small = loaded.small
        loaded.small = None  # the picture is freed once the gate has seen it
        if isinstance(small, Picture):
            seen = worker.read(small.image, "gate")
            if isinstance(seen, Reading) and seen.gated_out:
                result.seconds = seen.seconds
                return result
            if isinstance(seen, Failure):  # not tried again at full size: a hang would cost twice
                result.status, result.reason = "failed", seen.reason
                return result
            result.seconds, step = seen.seconds, "read"
        del small
        pictures: Any = [photo_picture(data, max_pixels)]
    else:
        result.base_text = _text_layer(data, item.path)
        pictures = pdf_pictures(data)
    del data, loaded
    problems: list[str] = []
    for picture in pictures:
        if cancel.cancelled:
            return None
        if isinstance(picture, PictureProblem):
            problems.append(picture.reason)
            continue
        reading = worker.read(picture.image, step) if isinstance(picture, Picture) else Failure("no picture")
        if isinstance(reading, Failure):
            problems.append(reading.reason if picture.page == 0 else f"page {picture.page}: {reading.reason}")
            continue
        result.seconds += reading.seconds
        if reading.lines:
            result.pages.append((picture.page, reading.lines))
    if result.pages:
        result.status = "text"
    elif problems:
        result.status = "failed"
    if problems:
        result.reason = "; ".join(dict.fromkeys(problems))[:500]
    return result


def _text_layer(data: bytes, path: str) -> str:
    """The PDF's own text, exactly as previews extract it: OCR offsets follow it."""
    try:
        return extract_text(data, os.path.basename(path)).text
    except Exception:  # an unreadable text layer: the OCR text stands alone
        return ""


def store(ws: Workspace, encoder: Any, settings: dict[str, Any], item: _Work, result: _Result) -> None:
    text, placed = lay_out(result.pages)
    base = len(result.base_text) + 2 if result.base_text.strip() else 0
    with ws.catalog.session() as session:
        record = session.get(FileRecord, item.file_id)
        if record is None:
            return  # removed while OCR read it
        session.execute(delete(OcrLine).where(OcrLine.file_id == item.file_id))
        session.merge(
            OcrFile(
                file_id=item.file_id, size=result.size or record.size, mtime=result.mtime or record.mtime,
                status=result.status, reason=result.reason, text=text, base=base, seconds=result.seconds,
                done_at=time.time(),
            )
        )
        session.add_all(_line_rows(item.file_id, base, placed))
    if result.status == "text":
        _refill(ws, encoder, settings, item.file_id, digest=result.digest)


def _line_rows(file_id: int, base: int, placed: list[PlacedLine]) -> list[OcrLine]:
    return [
        OcrLine(
            file_id=file_id, page=p.page, start=base + p.start, end=base + p.end,
            box=json.dumps([[round(x, 5), round(y, 5)] for x, y in p.line.box]), score=round(p.line.score, 4),
        )
        for p in placed
    ]


def _refill(ws: Workspace, encoder: Any, settings: dict[str, Any], file_id: int, digest: str | None = None) -> None:
    """Passages of a file's stored OCR text, embedded by the active text model, with their keywords.
    Passages that exist but lack this model's vectors (a photo still waiting for CLIP when a tuned
    model was kept) get the vectors only."""
    version = ws.versions.active_id("text")
    with ws.catalog.session() as session:
        row = session.get(OcrFile, file_id)
        record = session.get(FileRecord, file_id)
        if row is None or record is None or not row.text:
            return
        text, base, title = row.text, row.base, record.title
        old = session.execute(
            select(Chunk.id, Chunk.text).where(Chunk.file_id == file_id, Chunk.start >= base).order_by(Chunk.id)
        ).all()
        next_seq = (session.scalar(select(func.max(Chunk.seq)).where(Chunk.file_id == file_id)) or -1) + 1
    if old:
        passages = [t for _, t in old]
    else:
        spans = _spans(encoder, settings, text, title)
        passages = [text[s.start : s.end] for s in spans]
    if not passages:
        return
    vectors = np.asarray(
        encoder.encode([passage_input(title, p) for p in passages], batch_size=settings["text_batch_size"])
    )
    with ws.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        if record is None:
            return
        if old:
            ids = [cid for cid, _ in old]
        else:
            chunks = [
                Chunk(file_id=file_id, seq=next_seq + i, start=base + s.start, end=base + s.end, text=passages[i])
                for i, s in enumerate(spans)
            ]
            session.add_all(chunks)
            session.flush()
            ids = [c.id for c in chunks]
            add_chunk_keywords(session, [(cid, title or "", passages[i]) for i, cid in enumerate(ids)])
        insert_new(session, ChunkVector, [
            {"chunk_id": cid, "model_version_id": version, "vector": to_blob(vectors[i])} for i, cid in enumerate(ids)
        ])
        if record.kind == "text" and record.status == FileStatus.SKIPPED:
            # A scanned PDF: its text layer was empty; the words OCR read make it a document.
            record.status, record.reason = FileStatus.INDEXED, None
            record.model_version_id = version
            if digest is not None:
                record.content_hash = digest
            index_file_name(session, record.id, record.path, record.title)
    ws.indexes.ready("text").add(np.array(ids, dtype=np.int64), vectors)


def _spans(encoder: Any, settings: dict[str, Any], text: str, title: str | None) -> list[Any]:
    """Passages cut as the text phase cuts documents (ingest/prepared.py)."""
    budget = encoder.max_tokens - encoder.special_tokens_count - encoder.count_tokens(title or "") - 1
    if int(settings["passage_tokens"]) > 0:
        budget = min(budget, int(settings["passage_tokens"]))
    return chunk_spans_in_pieces(
        text, encoder.token_offsets, max_tokens=max(16, budget),
        overlap_tokens=min(int(settings["chunk_overlap_tokens"]), max(0, budget // 4)),
    )


def ocr_cost(ws: Workspace) -> dict[str, tuple[int, float]]:
    """What OCR has cost per photo in this library (on this computer, where it ran), for Settings: for photos
    without text ("none": the gate sends them away) and with text ("text": read in full), how many and the
    mean seconds each. Empty until OCR has read a photo."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(OcrFile.status, func.count(), func.avg(OcrFile.seconds))
            .join(FileRecord, FileRecord.id == OcrFile.file_id)
            .where(FileRecord.kind == "image", OcrFile.status.in_(["none", "text"]))
            .group_by(OcrFile.status)
        ).all()
    return {str(status): (int(count), float(mean or 0.0)) for status, count, mean in rows}
