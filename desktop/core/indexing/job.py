"""The indexing job: scan -> plan -> (loader thread: read, extract, chunk, decode) -> encode -> store.

Resumable by construction: a file becomes `indexed` in the same transaction that stores
its chunks and vectors, so a killed run leaves only `pending` files for the next run.
Decoding and extraction run ahead on loader threads while the main thread encodes, so the
pipeline costs little next to the text encoder; photos are limited by decoding (scripts/bench).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import select

from desktop.core.catalog import FileRecord, FileStatus, Folder
from desktop.core.catalog.tables import under
from desktop.core.catalog.writes import delete_files
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress, RateMeter
from desktop.core.common.records import IndexSummary, SkippedFile
from desktop.core.indexing.commit import FileWrite, apply_moves, store_batch
from desktop.core.indexing.loader import Prepared, PreparedImage, PreparedText, prepare_file
from desktop.core.indexing.thumbnails import restore_thumbnails
from desktop.core.ingest.scan import ScanEntry, ScanProblem, scan_folder
from desktop.core.recovery.rebuild import mirror_folders

if TYPE_CHECKING:
    from desktop.core.library import Library

LOOKAHEAD = 8  # files prepared ahead of the encoder: enough to hide decode time, bounded memory


@dataclass
class Plan:
    roots: list[tuple[int, Path]] = field(default_factory=list)
    to_process: list[tuple[int, str, str]] = field(default_factory=list)  # (file id, path, kind)
    missing: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # id -> (kind, hash)
    complete_roots: set[int] = field(default_factory=set)  # roots whose scan finished
    scanned: int = 0
    problems: list[SkippedFile] = field(default_factory=list)


def index_job(lib: Library, paths: list[Path] | None, *, exclude: list[str], cancel: CancelToken) -> Job[IndexSummary]:
    started = time.monotonic()
    lib.write_lock.acquire("indexing")
    try:
        plan = Plan(roots=register_roots(lib, paths))
        if paths is not None:
            mirror_folders(lib)  # the folder list must survive a catalog that cannot be read
        settings = lib.settings()
        for folder_id, root in plan.roots:
            yield from scan_root(lib, plan, folder_id, root, settings, [*settings["exclude"], *exclude], cancel)
            if cancel.cancelled:
                return IndexSummary(scanned=plan.scanned, cancelled=True, seconds=time.monotonic() - started)
        select_work(lib, plan)
        counts: dict[str, int] = {"indexed": 0, "skipped": 0, "waiting_model": 0, "moved": 0}
        yield from process(lib, plan, settings, cancel, counts)
        removed = 0 if cancel.cancelled else remove_missing(lib, plan)
        if not cancel.cancelled:
            restore_thumbnails(lib, settings)
        return IndexSummary(
            scanned=plan.scanned,
            indexed=counts["indexed"],
            unchanged=plan.scanned - len(plan.to_process),
            skipped=counts["skipped"],
            waiting_model=counts["waiting_model"],
            removed=removed,
            moved=counts["moved"],
            cancelled=cancel.cancelled,
            seconds=time.monotonic() - started,
            problems=tuple(plan.problems),
        )
    finally:
        for index in lib.loaded_indexes():
            index.save()
        lib.write_lock.release()


def register_roots(lib: Library, paths: list[Path] | None) -> list[tuple[int, Path]]:
    """Folders to scan. New paths become folders; a folder inside another is merged into it."""
    with lib.catalog.session() as session:
        if paths is None:
            return [(f.id, Path(f.path)) for f in session.scalars(select(Folder).order_by(Folder.path))]
        roots: list[tuple[int, Path]] = []
        for raw in paths:
            path = Path(raw).expanduser().absolute()
            if not path.exists():
                raise SemdeskError(f"There is no file or folder at {path}.")
            path = path.resolve()
            if path == lib.path or lib.path in path.parents:
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
    lib: Library,
    plan: Plan,
    folder_id: int,
    root: Path,
    settings: dict[str, Any],
    exclude: list[str],
    cancel: CancelToken,
) -> Iterator[Progress]:
    with lib.catalog.session() as session:
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
        skip_dirs=[lib.path],
    )
    try:
        for item in walker:
            seen.add(item.path)
            batch.append(item)
            if len(batch) >= 1000:
                record_scan(lib, folder_id, batch, known)
                plan.scanned += sum(isinstance(i, ScanEntry) for i in batch)
                batch.clear()
                yield Progress("scanning", plan.scanned, 0, str(root))
                if cancel.cancelled:
                    return
    except FileNotFoundError:
        # An unplugged drive must not wipe its files from the library: keep them, say why.
        plan.problems.append(SkippedFile(str(root), "folder not found (is the drive connected?)", "skipped"))
        return
    record_scan(lib, folder_id, batch, known)
    plan.scanned += sum(isinstance(i, ScanEntry) for i in batch)
    plan.complete_roots.add(folder_id)
    for path, record in known.items():
        if path not in seen:
            plan.missing[record.id] = (record.kind, record.content_hash)
    with lib.catalog.session() as session:
        folder = session.get(Folder, folder_id)
        if folder is not None:
            folder.scanned_at = time.time()
    yield Progress("scanning", plan.scanned, 0, str(root))


def record_scan(
    lib: Library, folder_id: int, batch: list[ScanEntry | ScanProblem], known: dict[str, FileRecord]
) -> None:
    with lib.catalog.session() as session:
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


def select_work(lib: Library, plan: Plan) -> None:
    """Files of the scanned roots that need (re)processing: new, changed, or made by an older model."""
    text_version = lib.active_version_id("text")
    image_version = lib.active_version_id("image")
    clip_ready = lib.clip_problem() is None
    folder_ids = [fid for fid, _ in plan.roots]
    with lib.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.path, FileRecord.kind, FileRecord.status, FileRecord.model_version_id)
            .where(FileRecord.folder_id.in_(folder_ids), FileRecord.kind.in_(["text", "image"]))
            .order_by(FileRecord.kind, FileRecord.path)
        ).all()
    for file_id, path, kind, status, version in rows:
        if file_id in plan.missing:
            continue
        wanted = text_version if kind == "text" else image_version
        if (
            status == FileStatus.PENDING
            or (status == FileStatus.INDEXED and version != wanted)
            or (status == FileStatus.WAITING_MODEL and clip_ready)
        ):
            plan.to_process.append((file_id, path, kind))


def prepared_stream(
    work: list[tuple[int, str, str]],
    prepare: Callable[[int, str, str], Prepared],
    lookahead: int = LOOKAHEAD,
    workers: int = 1,
) -> Iterator[Prepared]:
    """Prepare files on loader threads, `lookahead` ahead of the consumer (bounded memory), in order."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="semdesk-loader") as pool:
        pending: deque[Future[Prepared]] = deque()
        items = iter(work)
        try:
            for item in items:
                pending.append(pool.submit(prepare, *item))
                if len(pending) >= lookahead:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


def process(
    lib: Library, plan: Plan, settings: dict[str, Any], cancel: CancelToken, counts: dict[str, int]
) -> Iterator[Progress]:
    if not plan.to_process:
        return
    has_text = any(kind == "text" for _, _, kind in plan.to_process)
    has_image = any(kind == "image" for _, _, kind in plan.to_process)
    text_encoder = lib.text_encoder() if has_text else None
    clip_problem = lib.clip_problem() if has_image else None
    clip_encoder = lib.clip_encoder() if has_image and clip_problem is None else None
    if text_encoder is not None:
        text_encoder.load()
        lib.ready_index("text")
    if clip_encoder is not None:
        clip_encoder.load()
        lib.ready_index("image")
    missing_by_hash = {
        (kind, digest): file_id for file_id, (kind, digest) in plan.missing.items() if digest is not None
    }
    meter = RateMeter(total=len(plan.to_process))
    done = 0
    text_batch: list[PreparedText] = []
    image_batch: list[PreparedImage] = []
    others: list[Prepared] = []
    batch_chunks = max(8, settings["text_batch_size"] * 2)

    def prepare(file_id: int, path: str, kind: str) -> Prepared:
        return prepare_file(lib, file_id, path, kind, settings, text_encoder=text_encoder, clip_encoder=clip_encoder)

    def flush() -> Iterator[Progress]:
        nonlocal done
        writes: list[FileWrite] = []
        if text_batch:
            yield from encode_texts(text_batch, text_encoder, settings, cancel, writes, meter, done)
        if image_batch and not cancel.cancelled:
            writes.extend(encode_images(image_batch, clip_encoder, settings))
        if cancel.cancelled:
            return
        writes.extend(FileWrite.from_prepared(p, clip_problem) for p in others)
        store_batch(
            lib, writes, text_version=lib.active_version_id("text"), image_version=lib.active_version_id("image")
        )
        for write in writes:
            counts[write.status] = counts.get(write.status, 0) + 1
            if write.problem is not None:
                plan.problems.append(write.problem)
        done += len(writes)
        text_batch.clear()
        image_batch.clear()
        others.clear()
        yield meter.progress("indexing", done, Path(writes[-1].path).name if writes else "")

    # Photos are encoded a batch at a time: the loaders must get a whole next batch ready while
    # one encodes. Decoding is the photo pipeline's limit once CLIP runs in OpenVINO; Pillow lets
    # go of the GIL while it decodes, so a second loader thread is 15% faster even on 2 cores.
    # (Text gains nothing from it: its chunking shares one tokenizer.)
    photos = clip_encoder is not None
    lookahead = max(LOOKAHEAD, 2 * int(settings["image_batch_size"])) if photos else LOOKAHEAD
    for prepared in prepared_stream(plan.to_process, prepare, lookahead, workers=2 if photos else 1):
        if cancel.cancelled:
            break
        moved_from = (
            missing_by_hash.pop((prepared.kind, prepared.content_hash), None) if prepared.content_hash else None
        )
        if moved_from is not None:
            apply_moves(lib, [(moved_from, prepared.file_id)])
            plan.missing.pop(moved_from, None)
            counts["moved"] += 1
            done += 1
            continue
        if isinstance(prepared, PreparedText):
            text_batch.append(prepared)
        elif isinstance(prepared, PreparedImage) and clip_encoder is not None:
            image_batch.append(prepared)
        else:
            others.append(prepared)
        chunk_count = sum(len(p.spans) for p in text_batch)
        if chunk_count >= batch_chunks or len(image_batch) >= settings["image_batch_size"] or len(others) >= 64:
            yield from flush()
    if not cancel.cancelled:
        yield from flush()


def encode_texts(
    batch: list[PreparedText],
    encoder: Any,
    settings: dict[str, Any],
    cancel: CancelToken,
    writes: list[FileWrite],
    meter: RateMeter,
    done: int,
) -> Iterator[Progress]:
    """Embed every chunk of the batch's files; a huge file is embedded in slices so cancel stays quick."""
    # Passage strings are made slice by slice: all at once would copy a huge document's whole text.
    inputs = [(p, span) for p in batch for span in p.spans]
    slice_size = max(1, settings["text_batch_size"]) * 8
    parts: list[np.ndarray] = []
    for start in range(0, len(inputs), slice_size):
        if cancel.cancelled:
            return
        texts = [p.embedding_input(span) for p, span in inputs[start : start + slice_size]]
        parts.append(encoder.encode(texts, batch_size=settings["text_batch_size"]))
        if len(inputs) > slice_size:
            yield meter.progress("indexing", done, f"{batch[-1].name}: {start + slice_size}/{len(inputs)} passages")
    vectors = np.concatenate(parts) if parts else np.zeros((0, encoder.dim), np.float32)
    offset = 0
    for prepared in batch:
        n = len(prepared.spans)
        writes.append(FileWrite.from_text(prepared, vectors[offset : offset + n]))
        offset += n


def encode_images(batch: list[PreparedImage], encoder: Any, settings: dict[str, Any]) -> list[FileWrite]:
    import torch

    vectors = encoder.encode_tensors(torch.stack([p.tensor for p in batch]))
    return [FileWrite.from_image(p, vectors[i]) for i, p in enumerate(batch)]


def remove_missing(lib: Library, plan: Plan) -> int:
    ids = [fid for fid in plan.missing]
    if not ids:
        return 0
    with lib.catalog.session() as session:
        chunk_ids = delete_files(session, ids)
    lib.forget_vectors(chunk_ids=chunk_ids, photo_ids=ids)
    return len(ids)


def remove_path(lib: Library, path: Path) -> int:
    """Forget a folder or a file (or everything under a path); nothing on disk is touched."""
    target = str(path.expanduser().absolute())
    lib.write_lock.acquire("removing")
    try:
        with lib.catalog.session() as session:
            ids = list(session.scalars(select(FileRecord.id).where(under(FileRecord.path, target))))
            folders = list(session.scalars(select(Folder).where(under(Folder.path, target))))
            if not ids and not folders:
                raise SemdeskError(f"{target} is not in the library.")
            chunk_ids = delete_files(session, ids)
            for folder in folders:
                session.delete(folder)
        if folders:
            mirror_folders(lib)
        lib.forget_vectors(chunk_ids=chunk_ids, photo_ids=ids)
        for index in lib.loaded_indexes():
            index.save()
        return len(ids)
    finally:
        lib.write_lock.release()
