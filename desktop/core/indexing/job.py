"""The indexing job: scan -> plan -> (loader thread: read, extract, chunk, decode) -> encode -> store.

Resumable by construction: a file becomes `indexed` in the same transaction that stores
its chunks and vectors, so a killed run leaves only `pending` files for the next run.
Decoding and extraction run ahead on loader threads while the main thread encodes, so the
pipeline costs little next to the text encoder; photos are limited by decoding (scripts/bench).
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.jobs import CancelToken, Job, Progress, RateMeter
from desktop.core.common.records import IndexSummary, SkippedFile
from desktop.core.indexing.commit import FileWrite, apply_moves, store_batch
from desktop.core.indexing.faces_phase import FaceCounts, faces_phase
from desktop.core.indexing.ocr_phase import OcrCounts, ocr_phase
from desktop.core.indexing.plan import Needs, Plan, needs_work, register_roots, scan_root, select_work, still_needed
from desktop.core.indexing.remove import remove_missing
from desktop.core.indexing.thumbnails import restore_thumbnails
from desktop.core.ingest.prepared import Prepared, PreparedImage, PreparedText, prepare_file
from desktop.core.workspace import Workspace

LOOKAHEAD = 8  # files prepared ahead of the encoder: enough to hide decode time, bounded memory


def index_job(ws: Workspace, paths: list[Path] | None, *, exclude: list[str], cancel: CancelToken) -> Job[IndexSummary]:
    started = time.monotonic()
    ws.write_lock.acquire("indexing", shared=True)  # other desktops may index at once: files are claimed
    try:
        settings = ws.settings.all()
        with ws.write_lock.planning():  # the folder list and the scan's new rows: one writer at a time
            plan = Plan(roots=register_roots(ws, paths))
            if paths is not None:
                ws.mirror_folders()  # the folder list must survive a catalog that cannot be read
            for folder_id, root in plan.roots:
                yield from scan_root(ws, plan, folder_id, root, settings, [*settings["exclude"], *exclude], cancel)
                if cancel.cancelled:
                    return IndexSummary(scanned=plan.scanned, cancelled=True, seconds=time.monotonic() - started)
            select_work(ws, plan)
        counts = yield from process_selected(ws, plan, settings, cancel)
        ocr = OcrCounts()
        faces = FaceCounts()
        if not cancel.cancelled:
            restore_thumbnails(ws, settings)
            folder_ids = [folder_id for folder_id, _ in plan.roots]
            # Last: photos are searchable by CLIP before faces are looked for and OCR reads them.
            faces = yield from faces_phase(ws, folder_ids, settings, cancel)
            ocr = yield from ocr_phase(ws, folder_ids, settings, cancel)
        return summarise(
            plan, counts, started, cancel,
            problems=(*(p for p in plan.problems if p.path not in ocr.rescued), *faces.problems, *ocr.problems),
            text_in_pictures=ocr.with_text, faces_found=faces.faces,
        )
    finally:
        for index in ws.indexes.loaded():
            index.save()
        ws.write_lock.release()


def process_selected(
    ws: Workspace, plan: Plan, settings: dict[str, Any], cancel: CancelToken
) -> Job[dict[str, int]]:
    """Index the files `select_work` chose, then drop the rows of files that are gone (unless
    cancelled: a cancelled run has not looked at everything, so absence proves nothing)."""
    counts: dict[str, int] = {"indexed": 0, "skipped": 0, "waiting_model": 0, "moved": 0, "removed": 0}
    yield from process(ws, plan, settings, cancel, counts)
    counts["removed"] = 0 if cancel.cancelled else remove_missing(ws, plan)
    return counts


def summarise(
    plan: Plan, counts: dict[str, int], started: float, cancel: CancelToken, *,
    moved: int = 0, problems: tuple[SkippedFile, ...] | None = None, text_in_pictures: int = 0,
    faces_found: int = 0,
) -> IndexSummary:
    """The one way a run's counts become its summary, for full runs and for watched changes alike."""
    return IndexSummary(
        scanned=plan.scanned,
        indexed=counts["indexed"],
        unchanged=plan.scanned - len(plan.to_process),
        skipped=counts["skipped"],
        waiting_model=counts["waiting_model"],
        removed=counts["removed"],
        moved=moved + counts["moved"],
        cancelled=cancel.cancelled,
        seconds=time.monotonic() - started,
        problems=tuple(plan.problems) if problems is None else problems,
        text_in_pictures=text_in_pictures,
        faces_found=faces_found,
    )


def prepared_stream(
    work: Iterable[tuple[int, str, str]],
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
    ws: Workspace, plan: Plan, settings: dict[str, Any], cancel: CancelToken, counts: dict[str, int]
) -> Iterator[Progress]:
    """Index `plan.to_process`: a pipeline of named steps over each prepared file (_Run): a moved
    file is recognised, the rest are batched, each full batch encoded and committed. Files are
    claimed a few at a time; those another writer held are taken once it lets them go."""
    if not plan.to_process:
        return
    run = _Run(ws, plan, settings, cancel, counts)
    work = plan.to_process
    while work:
        busy: list[tuple[int, str, str]] = []  # files another writer held when this one came to them
        claims = claimed(ws, work, run.needs, busy)
        for prepared in prepared_stream(claims, run.prepare, run.lookahead, workers=2 if run.photos else 1):
            if cancel.cancelled:
                break
            if run.moved(prepared):
                continue
            run.add(prepared)
            if run.batch_full():
                yield from run.flush()
                cancel.hold()  # paused: after a batch is stored, so nothing waits half-done
        if cancel.cancelled:
            return
        yield from run.flush()
        # Holding no claims now: wait for the writers that held files, then take what they left.
        work = still_needed(ws, busy, run.needs)
        ws.write_lock.wait_for(file_id for file_id, _, _ in work)


class _Run:
    """The state of one `process` call and its steps: the encoders, the batches, the progress count."""

    def __init__(
        self, ws: Workspace, plan: Plan, settings: dict[str, Any], cancel: CancelToken, counts: dict[str, int]
    ) -> None:
        self.ws, self.plan, self.settings, self.cancel, self.counts = ws, plan, settings, cancel, counts
        self._load_encoders()
        self.missing_by_hash = {
            (kind, digest): file_id for file_id, (kind, digest) in plan.missing.items() if digest is not None
        }
        self.meter = RateMeter(total=len(plan.to_process))
        self.done = 0
        self.text_batch: list[PreparedText] = []
        self.image_batch: list[PreparedImage] = []
        self.others: list[Prepared] = []
        self.batch_chunks = max(8, settings["text_batch_size"] * 2)
        # Photos are encoded a batch at a time: the loaders must get a whole next batch ready while
        # one encodes. Decoding is the photo pipeline's limit once CLIP runs in OpenVINO; Pillow lets
        # go of the GIL while it decodes, so a second loader thread is 15% faster even on 2 cores.
        # (Text gains nothing from it: its chunking shares one tokenizer.)
        self.photos = self.clip_encoder is not None
        self.lookahead = max(LOOKAHEAD, 2 * int(settings["image_batch_size"])) if self.photos else LOOKAHEAD
        self.needs = needs_work(ws)

    def _load_encoders(self) -> None:
        """Only the encoders the plan's kinds of file need, loaded with their indexes."""
        ws, to_process = self.ws, self.plan.to_process
        has_text = any(kind == "text" for _, _, kind in to_process)
        has_image = any(kind == "image" for _, _, kind in to_process)
        self.text_encoder = ws.encoders.text() if has_text else None
        self.clip_problem = ws.encoders.clip_problem() if has_image else None
        self.clip_encoder = ws.encoders.clip() if has_image and self.clip_problem is None else None
        if self.text_encoder is not None:
            self.text_encoder.load()
            ws.indexes.ready("text")
        if self.clip_encoder is not None:
            self.clip_encoder.load()
            ws.indexes.ready("image")

    def prepare(self, file_id: int, path: str, kind: str) -> Prepared:
        return prepare_file(
            self.ws.paths.thumbs, file_id, path, kind, self.settings,
            text_encoder=self.text_encoder, clip_encoder=self.clip_encoder,
        )

    def moved(self, prepared: Prepared) -> bool:
        """A missing file's content found at a new path: its rows move there, nothing is encoded."""
        moved_from = (
            self.missing_by_hash.pop((prepared.kind, prepared.content_hash), None) if prepared.content_hash else None
        )
        if moved_from is None:
            return False
        apply_moves(self.ws, [(moved_from, prepared.file_id)])
        self.ws.write_lock.unclaim([prepared.file_id])
        self.plan.missing.pop(moved_from, None)
        self.counts["moved"] += 1
        self.done += 1
        return True

    def add(self, prepared: Prepared) -> None:
        if isinstance(prepared, PreparedText):
            self.text_batch.append(prepared)
        elif isinstance(prepared, PreparedImage) and self.clip_encoder is not None:
            self.image_batch.append(prepared)
        else:
            self.others.append(prepared)

    def batch_full(self) -> bool:
        chunk_count = sum(len(p.spans) for p in self.text_batch)
        return (chunk_count >= self.batch_chunks or len(self.image_batch) >= self.settings["image_batch_size"]
                or len(self.others) >= 64)

    def flush(self) -> Iterator[Progress]:
        """Encode the batches and commit them; nothing is committed once cancelled."""
        writes: list[FileWrite] = []
        yield from self._encode(writes)
        if self.cancel.cancelled:
            return
        writes.extend(FileWrite.from_prepared(p, self.clip_problem) for p in self.others)
        self._commit(writes)
        self.text_batch.clear()
        self.image_batch.clear()
        self.others.clear()
        yield self.meter.progress("indexing", self.done, Path(writes[-1].path).name if writes else "")

    def _encode(self, writes: list[FileWrite]) -> Iterator[Progress]:
        if self.text_batch:
            yield from encode_texts(
                self.text_batch, self.text_encoder, self.settings, self.cancel, writes, self.meter, self.done
            )
        if self.image_batch and not self.cancel.cancelled:
            writes.extend(encode_images(self.image_batch, self.clip_encoder, self.settings))

    def _commit(self, writes: list[FileWrite]) -> None:
        ws = self.ws
        store_batch(
            ws, writes, text_version=ws.versions.active_id("text"), image_version=ws.versions.active_id("image")
        )
        ws.write_lock.unclaim(w.prepared.file_id for w in writes)  # committed: other writers may look again
        for write in writes:
            self.counts[write.status] = self.counts.get(write.status, 0) + 1
            if write.problem is not None:
                self.plan.problems.append(write.problem)
        self.done += len(writes)


def claimed(
    ws: Workspace, work: list[tuple[int, str, str]], needs: Needs, busy: list[tuple[int, str, str]],
    step: int = LOOKAHEAD,
) -> Iterator[tuple[int, str, str]]:
    """The files of `work` this writer claims and that still need work, in order, `step` at a time (a
    round trip each on a server). Files another writer holds go to `busy`. In a library folder every
    file is the only writer's, and none changes between planning and here."""
    for start in range(0, len(work), step):
        part = work[start : start + step]
        mine = ws.write_lock.claim(file_id for file_id, _, _ in part)
        busy.extend(item for item in part if item[0] not in mine)
        needed = still_needed(ws, [item for item in part if item[0] in mine], needs)
        ws.write_lock.unclaim(mine - {file_id for file_id, _, _ in needed})  # done by another writer meanwhile
        yield from needed


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
    vectors = encoder.encode_batch([p.tensor for p in batch])  # numpy on the torch-free path
    return [FileWrite.from_image(p, vectors[i]) for i, p in enumerate(batch)]
