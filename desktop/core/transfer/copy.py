"""Copying a whole library into a new one of either kind (a folder <-> a server): every table row by
row with its ids (vectors, marks and model versions keep pointing at what they did), the keyword
tables rebuilt on the destination's own engine, fine-tuned models and thumbnails copied into the
destination's folders. Then verified: the same rows in every table (the facade adds a sample of
searches that must find the same documents first: searching is another capability's).

Generic over the tables (catalog.tables.Base.metadata), so a table added later is copied too.
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, insert, select, update

from desktop.core.catalog import Chunk, FileRecord, ModelVersion
from desktop.core.catalog.tables import Base
from desktop.core.catalog.writes import add_chunk_keywords, index_file_name
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.workspace import Workspace

BATCH = 2000
SKIP = {"index_state"}  # stamps of the source's own HNSW files: the destination makes its own
CHECKED = ("folders", "files", "chunks", "chunk_vectors", "photo_vectors", "marks", "model_versions")


@dataclass
class CopyReport:
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows copied (equal on both sides)
    models: int = 0  # fine-tuned model files or folders copied
    searches: int = 0  # sample searches run on both (the facade fills these in)
    same_first: int = 0  # of them, those whose first document is the same in both libraries
    differences: list[str] = field(default_factory=list)


def copy_library(src: Workspace, dst: Workspace, *, cancel: CancelToken | None = None) -> Job[CopyReport]:
    """Copy `src` into the empty library `dst`; raises if any table's rows differ afterwards."""
    cancel = cancel or CancelToken()
    _refuse_unless_empty(dst)
    dst.write_lock.acquire("receiving a copy")
    try:
        report = CopyReport()
        tables = [t for t in Base.metadata.sorted_tables if t.name not in SKIP]
        with src.catalog.session() as reading, dst.catalog.session() as writing:
            writing.execute(Base.metadata.tables["settings"].delete())
            for table in tables:
                done = 0
                result = reading.execute(select(table).execution_options(yield_per=BATCH))
                for rows in result.partitions(BATCH):
                    cancel.raise_if_cancelled()
                    writing.execute(insert(table), [dict(r._mapping) for r in rows])
                    done += len(rows)
                    yield Progress(f"copying {table.name}", done, 0, table.name)
                report.counts[table.name] = done
            yield Progress("rebuilding keyword search")
            _keywords(reading, writing)
            report.models = _models(src, dst, writing)
        dst.catalog.follow_id_sequences()
        _thumbnails(src, dst)
        yield Progress("checking the copy")
        _verify_counts(src, dst, report)
        if report.differences:
            raise SemdeskError("The copy differs from the original: " + "; ".join(report.differences) + ".")
        return report
    finally:
        dst.write_lock.release()


def _refuse_unless_empty(dst: Workspace) -> None:
    with dst.catalog.session() as session:
        used = sum(session.scalar(select(func.count()).select_from(Base.metadata.tables[name])) or 0
                   for name in ("folders", "files", "marks", "model_versions"))
    if used:
        raise SemdeskError(f"{dst.location} is not empty; a library is copied only into a new one.")


def _keywords(reading: object, writing: object) -> None:
    """FTS5 and PostgreSQL full-text tables are not copied but made again from the passages."""
    titles = dict(reading.execute(select(FileRecord.id, FileRecord.title)).all())  # type: ignore[attr-defined]
    for record_id, path, title in reading.execute(select(FileRecord.id, FileRecord.path, FileRecord.title)):  # type: ignore[attr-defined]
        index_file_name(writing, record_id, path, title)  # type: ignore[arg-type]
    result = reading.execute(select(Chunk.id, Chunk.file_id, Chunk.text).execution_options(yield_per=BATCH))  # type: ignore[attr-defined]
    for rows in result.partitions(BATCH):
        add_chunk_keywords(writing, [(cid, titles.get(fid) or "", body) for cid, fid, body in rows])  # type: ignore[arg-type]


def _models(src: Workspace, dst: Workspace, writing: object) -> int:
    """Fine-tuned models live in the source's models folder: copied, and their rows point at the copies."""
    copied = 0
    source = src.paths.models.resolve()
    for version_id, weights in writing.execute(select(ModelVersion.id, ModelVersion.weights)).all():  # type: ignore[attr-defined]
        if not weights or not Path(weights).exists():
            continue
        path = Path(weights).resolve()
        if source not in path.parents:
            continue  # a CLIP weights file of the user's: stays where it is
        target = dst.paths.models / path.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy2(path, target)
        writing.execute(update(ModelVersion).where(ModelVersion.id == version_id).values(weights=str(target)))  # type: ignore[attr-defined]
        copied += 1
    return copied


def _thumbnails(src: Workspace, dst: Workspace) -> None:
    if src.paths.thumbs.is_dir() and src.paths.thumbs.resolve() != dst.paths.thumbs.resolve():
        shutil.copytree(src.paths.thumbs, dst.paths.thumbs, dirs_exist_ok=True)


def _verify_counts(src: Workspace, dst: Workspace, report: CopyReport) -> None:
    for name in CHECKED:
        table = Base.metadata.tables[name]
        counts = []
        for ws in (src, dst):
            with ws.catalog.session() as session:
                counts.append(session.scalar(select(func.count()).select_from(table)) or 0)
        if counts[0] != counts[1]:
            report.differences.append(f"{name} has {counts[0]} rows in the original and {counts[1]} in the copy")


def sample_queries(ws: Workspace, sample: int = 5) -> list[str]:
    """Opening words of a few passages: searches whose first document must be the same in a copy."""
    with ws.catalog.session() as session:
        passages = list(session.scalars(select(Chunk.text).order_by(Chunk.id)))
    picked = random.Random(7).sample(passages, min(sample, len(passages)))
    # Words only: a passage's "-b" or "type:x" read as the query language left out the very document
    # searched for, and what ranked first among the rest could differ between the two storages' keyword
    # scores (a manual page in Japanese, whose search is keywords alone under an English-only model).
    return [q for q in (" ".join([w for w in p.split() if not _operator_like(w)][:12]) for p in picked) if q]


def _operator_like(word: str) -> bool:
    return word.startswith("-") or ":" in word or '"' in word
