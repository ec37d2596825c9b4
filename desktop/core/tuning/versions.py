"""Model versions: installing a kept candidate, switching to any version or the base, listing.

Switching text models embeds every passage into the new version's own vector rows while
search keeps answering from the old ones; only when every passage has a vector does one
transaction flip `active`. Old versions keep their vectors, so rolling back to a version
used before costs only the passages added since. The tuned CLIP text side ("cliptext")
needs no vectors at all: photo vectors come from the frozen image side.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select, update

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, ModelVersion, SettingRow
from desktop.core.catalog.writes import insert_new
from desktop.core.common.embedding_input import passage_input
from desktop.core.common.errors import DiskFull, SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress, RateMeter
from desktop.core.common.vector_codec import to_blob
from desktop.core.embed.registry import shared_text_encoder
from desktop.core.workspace import Workspace
from desktop.core.workspace.versions import CLIP_TEXT, INT8_SUFFIX, text_model_of

if TYPE_CHECKING:
    from desktop.core.tuning.evaluate import Space

EMBED_BATCH = 256


@dataclass(frozen=True)
class ModelInfo:
    id: int
    space: str  # "text" or "cliptext"
    label: str
    created_at: float
    active: bool
    base_model: str | None
    data_size: int | None
    metrics: dict[str, Any]
    path: str | None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def versions(ws: Workspace) -> list[ModelInfo]:
    ws.versions.active_id("text")  # makes sure the base model has its row
    with ws.catalog.session() as session:
        rows = session.scalars(
            select(ModelVersion).where(ModelVersion.space.in_(["text", CLIP_TEXT])).order_by(ModelVersion.id)
        ).all()
        return [_info(r) for r in rows]


NAME_KEY = "user_name"  # a name the user gave a version, kept in its metrics JSON (no schema change)


def _info(row: ModelVersion) -> ModelInfo:
    when = time.strftime("%Y-%m-%d %H:%M", time.localtime(row.created_at))
    metrics = json.loads(row.metrics) if row.metrics else {}
    named = metrics.get(NAME_KEY)
    if named:
        label = f"{'documents' if row.space == 'text' else 'photos'}: {named}"
    elif row.space == "text":
        precision = INT8_SUFFIX if row.name.endswith(INT8_SUFFIX) else ""
        label = f"documents: tuned {when} from {row.base_model}{precision}" if row.base_model else (
            f"documents: base {row.name}")
    else:
        label = f"photos: tuned CLIP text side {when}"
    return ModelInfo(
        row.id, row.space, label, row.created_at, bool(row.active), row.base_model, row.data_size,
        metrics, row.weights,
    )


def _tuned_row(session: Any, version_id: int) -> ModelVersion:
    row = session.get(ModelVersion, version_id)
    if row is None or row.space not in ("text", CLIP_TEXT):
        raise SemdeskError(f"There is no model version {version_id}; `semdesk models` lists them.")
    if not row.base_model:
        raise SemdeskError("The base models come with semdesk; they cannot be renamed or deleted.")
    return row


def rename_version(ws: Workspace, version_id: int, name: str) -> ModelInfo:
    """Give a tuned version a name of the user's choosing ("" goes back to the dated label)."""
    name = " ".join(name.split())[:80]
    with ws.catalog.durable_session() as session:
        row = _tuned_row(session, version_id)
        metrics = json.loads(row.metrics) if row.metrics else {}
        if name:
            metrics[NAME_KEY] = name
        else:
            metrics.pop(NAME_KEY, None)
        row.metrics = json.dumps(metrics)
        session.flush()
        return _info(row)


def delete_version(ws: Workspace, version_id: int) -> None:
    """Forget a tuned version that is not in use: its row, its vectors and its folder on disk."""
    ws.write_lock.acquire("deleting a model version")
    try:
        with ws.catalog.durable_session() as session:
            row = _tuned_row(session, version_id)
            if row.active:
                raise SemdeskError("That model is in use. Switch to another version (or the base models) first, "
                                   "then delete it.")
            weights = Path(row.weights) if row.weights else None
            session.execute(delete(ChunkVector).where(ChunkVector.model_version_id == version_id))
            session.delete(row)
        # The folder goes after the rows: a crash in between leaves an unlisted folder, never a
        # listed version without its files. Only folders semdesk made under models/ are removed.
        folder = weights if weights is None or weights.is_dir() else weights.parent
        models = ws.paths.models.resolve()
        if folder is not None and folder.exists() and folder.resolve().parent == models:
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        ws.write_lock.release()


def install(ws: Workspace, space: str, folder: Path, *, name: str, base_model: str, dim: int, data_size: int,
            metrics: dict[str, Any], weights_file: str | None = None) -> int:
    """Move a finished candidate folder into models/ (a rename: same disk) and record it, inactive."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = ws.paths.models / f"{space}-{stamp}"
    n = 1
    while target.exists():
        n += 1
        target = ws.paths.models / f"{space}-{stamp}-{n}"
    weights = str(target / weights_file) if weights_file else str(target)
    # Record first, then rename: a crash in between leaves a listed version whose folder is missing
    # (refused with a plain message when chosen), never a trained model on disk that nothing lists.
    with ws.catalog.durable_session() as session:
        row = ModelVersion(space=space, name=name, weights=weights, base_model=base_model, dim=dim,
                           active=False, metrics=json.dumps(metrics), data_size=data_size)
        session.add(row)
        session.flush()
        version_id = row.id
    try:
        os.replace(folder, target)
    except OSError:
        with ws.catalog.durable_session() as session:
            session.execute(delete(ModelVersion).where(ModelVersion.id == version_id))
        raise
    return version_id


def activate_job(
    ws: Workspace, version_id: int, *, cancel: CancelToken | None = None, vectors: Space | None = None,
    text_model: str | None = None,
) -> Job[ModelInfo]:
    """Make a version active: for text, embed the passages it lacks first (resumable, cancellable).
    `text_model`: the setting changes with it, in the same transaction (switching base models: the
    settings name the active base version, so both must move at once)."""
    cancel = cancel or CancelToken()
    with ws.catalog.session() as session:
        row = session.get(ModelVersion, version_id)
        if row is None or row.space not in ("text", CLIP_TEXT):
            raise SemdeskError(f"There is no model version {version_id}; `semdesk models` lists them.")
        space, (path, int8) = row.space, text_model_of(row)
    ws.write_lock.acquire("switching models")
    try:
        if space == "text":
            yield from _embed_missing(ws, version_id, path, int8, cancel, vectors)
        with ws.catalog.durable_session() as session:
            session.execute(update(ModelVersion).where(ModelVersion.space == space).values(active=False))
            session.execute(update(ModelVersion).where(ModelVersion.id == version_id).values(active=True))
            if text_model is not None:
                session.merge(SettingRow(key="text_model", value=json.dumps(text_model)))
            if space == "text":
                # Files now have vectors from this version: the indexer must not redo them.
                session.execute(
                    update(FileRecord)
                    .where(FileRecord.kind == "text", FileRecord.status == FileStatus.INDEXED)
                    .values(model_version_id=version_id)
                )
        ws.encoders.reset()
        if space == "text":
            yield Progress("building the search index")
            ws.indexes.ready("text").save()
    finally:
        ws.write_lock.release()
    return next(v for v in versions(ws) if v.id == version_id)


def use_base_job(ws: Workspace, target: str = "all", *, cancel: CancelToken | None = None) -> Job[None]:
    """Roll back to the base models: the `text_model` setting, and CLIP's own text side."""
    if target in ("all", "image"):
        with ws.catalog.durable_session() as session:
            session.execute(update(ModelVersion).where(ModelVersion.space == CLIP_TEXT).values(active=False))
        ws.encoders.reset()
    if target in ("all", "text"):
        name = ws.versions.base_text_name()
        with ws.catalog.session() as session:
            base = session.scalars(
                select(ModelVersion.id).where(
                    ModelVersion.space == "text", ModelVersion.name == name,
                    ModelVersion.weights.is_(None), ModelVersion.base_model.is_(None),
                )
            ).first()
            if base is None:
                row = ModelVersion(space="text", name=name, active=False)
                session.add(row)
                session.flush()
                base = row.id
        yield from activate_job(ws, base, cancel=cancel)


def _embed_missing(
    ws: Workspace, version_id: int, model: str, int8: bool, cancel: CancelToken, vectors: Space | None
) -> Job[None]:
    with ws.catalog.session() as session:
        have = select(ChunkVector.chunk_id).where(ChunkVector.model_version_id == version_id)
        rows = session.execute(
            select(Chunk.id, FileRecord.title, Chunk.text)
            .join(FileRecord, FileRecord.id == Chunk.file_id)
            .where(FileRecord.status == FileStatus.INDEXED, Chunk.id.not_in(have))
            .order_by(Chunk.id)
        ).all()
    # Vectors the wizard already computed while measuring the candidate are reused: a chunk id is
    # never reused and a chunk's text never changes, so they are exactly what encoding would give.
    known = {int(i): n for n, i in enumerate(vectors.ids)} if vectors is not None else {}
    encoder = None
    meter = RateMeter(total=len(rows))
    for start in range(0, len(rows), EMBED_BATCH):
        cancel.raise_if_cancelled()
        batch = rows[start : start + EMBED_BATCH]
        todo = [r for r in batch if r[0] not in known]
        encoded = {}
        if todo:
            # The indexer's copy, not a second load; run as the library runs this version (encoder choice).
            encoder = encoder or shared_text_encoder(model, ws.versions.text_runtime(model, int8))
            matrix = encoder.encode([passage_input(title, text) for _, title, text in todo])
            encoded = {r[0]: matrix[i] for i, r in enumerate(todo)}
        values = [
            {"chunk_id": cid, "model_version_id": version_id,
             "vector": to_blob(encoded[cid] if cid in encoded else vectors.vectors[known[cid]])}  # type: ignore[union-attr]
            for cid, _, _ in batch
        ]
        try:
            with ws.catalog.session() as session:
                insert_new(session, ChunkVector, values)
        except DiskFull as error:  # the catalog classifies SQLITE_FULL by its code
            raise DiskFull(
                "The disk is full, so the new model's passages could not be stored. Search keeps using "
                "the model it had; free some space and keep the model again."
            ) from error
        yield meter.progress("re-embedding passages", start + len(batch))
