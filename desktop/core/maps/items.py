"""What goes on a map, read from the catalog: ids, vectors and the facts the map is coloured by.

A document is one point (the normalised mean of its passage vectors) unless the map is per
passage; a photo is one point in CLIP space. Vectors are only read for the items that need
a (new) position, so reopening a map of 50k items reads ids and metadata, not 50k blobs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from sqlalchemy import func, select

from desktop.core.catalog import Chunk, ChunkVector, Face, FileRecord, FileStatus, Folder, Person, PhotoVector
from desktop.core.common.text import clip
from desktop.core.common.vector_codec import DTYPE, normalise
from desktop.core.workspace import Workspace

SNIPPET_CHARS = 280
NOBODY = "no one named"  # colour by person: a photo with no named person in it (and every document)
SEVERAL = "several people"


@dataclass(frozen=True)
class MapKey:
    """One cached map: a vector space, the model version that made its vectors, and the unit."""

    space: str  # "text" or "image"
    model_version: int
    per_chunk: bool = False

    @property
    def name(self) -> str:
        unit = "chunks" if self.per_chunk else "files"
        return f"{self.space}-{unit}-v{self.model_version}"


@dataclass(frozen=True)
class ItemFacts:
    """Per-point facts, aligned with `ids`; read fresh on every open (files move, titles change).
    Frozen, down to its arrays (read-only) and lists (tuples): it crosses threads inside a MapData."""

    ids: np.ndarray  # item ids: file ids, or chunk ids for a per-passage map
    file_ids: np.ndarray
    paths: Sequence[str]
    titles: Sequence[str]
    groups: Sequence[str]  # the sub-folder of its library folder a file lies in (colour by folder)
    dates: np.ndarray  # photo date taken, else modification time (seconds)
    snippets: Sequence[str]  # hover text: the first passage, or "" for photos
    thumbs: Sequence[str]  # cached thumbnail path of a photo ("" if none yet), for hover previews
    people: Sequence[str] = ()  # who is in a photo (colour by person); empty: nobody
    headings: Sequence[str] = ()  # a passage's section headings (hover text); may be empty

    def __post_init__(self) -> None:
        for name in ("ids", "file_ids", "dates"):
            object.__setattr__(self, name, read_only(getattr(self, name)))
        for name in ("paths", "titles", "groups", "snippets", "thumbs", "people", "headings"):
            object.__setattr__(self, name, tuple(getattr(self, name)))

    def __reduce__(self) -> tuple[Any, ...]:
        """Unpickled through __init__, so the arrays come back read-only (maps/map_data.py)."""
        return (ItemFacts, tuple(getattr(self, f.name) for f in fields(self)))


def read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view of `array` (the caller's array keeps its own flags)."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def item_ids(ws: Workspace, key: MapKey) -> np.ndarray:
    """Sorted ids of every indexed item that has a vector for the key's model version."""
    version = key.model_version
    with ws.catalog.session() as session:
        if key.space == "image":
            query = (
                select(PhotoVector.file_id)
                .join(FileRecord, FileRecord.id == PhotoVector.file_id)
                .where(PhotoVector.model_version_id == version)
            )
        else:
            unit = Chunk.id if key.per_chunk else Chunk.file_id
            query = (
                select(unit)
                .join(ChunkVector, ChunkVector.chunk_id == Chunk.id)
                .join(FileRecord, FileRecord.id == Chunk.file_id)
                .where(ChunkVector.model_version_id == version)
                .distinct()
            )
        query = query.where(FileRecord.status == FileStatus.INDEXED)
        return np.array(sorted(session.scalars(query)), dtype=np.int64)


def load_vectors(ws: Workspace, key: MapKey, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(ids that have vectors, their unit vectors), in the order of `ids`. Documents average their
    passages. An id may lack vectors when its file was re-indexed or removed a moment ago."""
    wanted = [int(i) for i in ids]
    rows: list[tuple[int, bytes]] = []
    with ws.catalog.session() as session:
        for start in range(0, len(wanted), 20_000):  # SQLite caps the parameters of one statement
            part = wanted[start : start + 20_000]
            if key.space == "image":
                query = select(PhotoVector.file_id, PhotoVector.vector).where(
                    PhotoVector.model_version_id == key.model_version, PhotoVector.file_id.in_(part)
                )
            elif key.per_chunk:
                query = select(ChunkVector.chunk_id, ChunkVector.vector).where(
                    ChunkVector.model_version_id == key.model_version, ChunkVector.chunk_id.in_(part)
                )
            else:
                query = (
                    select(Chunk.file_id, ChunkVector.vector)
                    .join(ChunkVector, ChunkVector.chunk_id == Chunk.id)
                    .where(ChunkVector.model_version_id == key.model_version, Chunk.file_id.in_(part))
                )
            rows.extend(session.execute(query).tuples())
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros((0, 1), dtype=np.float32)
    rows.sort(key=lambda r: r[0])
    dim = len(rows[0][1]) // DTYPE.itemsize
    owners = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype=DTYPE).reshape(-1, dim).astype(np.float32)
    # Rows are sorted by owner: one reduceat sums every document's passages at once.
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    sums = np.add.reduceat(vectors, starts, axis=0)
    found = ids[np.isin(ids, owners[starts])]
    return found, normalise(sums[np.searchsorted(owners[starts], found)])


def load_facts(ws: Workspace, key: MapKey, ids: np.ndarray) -> ItemFacts:
    """Metadata for every point, in the order of `ids`."""
    with ws.catalog.session() as session:
        if key.per_chunk:
            rows = session.execute(
                select(Chunk.id, Chunk.file_id, FileRecord.path, FileRecord.title, Folder.path,
                       func.coalesce(FileRecord.taken_at, FileRecord.mtime), Chunk.text, FileRecord.content_hash,
                       Chunk.heading)
                .join(FileRecord, FileRecord.id == Chunk.file_id)
                .join(Folder, Folder.id == FileRecord.folder_id)
            ).tuples().all()
        else:
            rows = session.execute(
                select(FileRecord.id, FileRecord.id, FileRecord.path, FileRecord.title, Folder.path,
                       func.coalesce(FileRecord.taken_at, FileRecord.mtime), Chunk.text, FileRecord.content_hash,
                       Chunk.heading)
                .join(Folder, Folder.id == FileRecord.folder_id)
                .outerjoin(Chunk, (Chunk.file_id == FileRecord.id) & (Chunk.seq == 0))
                .where(FileRecord.kind == ("image" if key.space == "image" else "text"))
            ).tuples().all()
    by_id = {row[0]: row for row in rows}
    missing = (0, 0, "", "", "", 0.0, "", None, "")
    picked = [by_id.get(int(i), missing) for i in ids]
    return ItemFacts(
        ids=ids,
        file_ids=np.array([r[1] for r in picked], dtype=np.int64),
        paths=[r[2] for r in picked],
        titles=[r[3] or os.path.basename(r[2]) for r in picked],
        groups=[folder_group(r[2], r[4]) for r in picked],
        dates=np.array([r[5] or 0.0 for r in picked], dtype=np.float64),
        snippets=[clip((r[6] or "")[: SNIPPET_CHARS * 2], SNIPPET_CHARS) for r in picked],
        thumbs=[_thumb(ws, r[7]) if key.space == "image" else "" for r in picked],
        people=_people(ws, [int(r[1]) for r in picked]) if key.space == "image" else [NOBODY] * len(picked),
        headings=[r[8] or "" for r in picked] if key.per_chunk else [],
    )


def _people(ws: Workspace, file_ids: list[int]) -> list[str]:
    """Per photo: the one named person in it, SEVERAL when more than one, NOBODY when none is named."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(Face.file_id, Person.name).join(Person, Person.id == Face.person_id)
            .where(Person.name.is_not(None), Person.hidden.is_(False), Face.hidden.is_(False)).distinct()
        ).tuples().all()
    named: dict[int, set[str]] = {}
    for file_id, name in rows:
        named.setdefault(int(file_id), set()).add(name)
    return [NOBODY if not (n := named.get(f)) else next(iter(n)) if len(n) == 1 else SEVERAL for f in file_ids]


def _thumb(ws: Workspace, digest: str | None) -> str:
    from desktop.core.ingest.images import thumbnail_relpath

    path = ws.paths.thumbs / thumbnail_relpath(digest) if digest else None
    return str(path) if path is not None and path.exists() else ""


def folder_group(path: str, root: str) -> str:
    """'docs/library' for /home/me/docs/library/x.rst in library folder /home/me/docs.

    The first level below the indexed folder is what a person recognises as "where it is";
    a whole library folder would often be one colour.
    """
    root = root.rstrip("/")
    name = os.path.basename(root) or root
    rest = path[len(root) + 1 :] if path.startswith(root + "/") else os.path.basename(path)
    parts = rest.split("/")
    return f"{name}/{parts[0]}" if len(parts) > 1 else name


def cluster_texts(ws: Workspace, key: MapKey, facts: ItemFacts, passages_per_file: int = 3) -> list[str]:
    """Text per point for keyword labels: the first few passages of a document (enough to name a
    topic, and it keeps 50k documents' worth of text within memory)."""
    if key.space == "image":
        return [f"{t} {os.path.basename(p)}" for t, p in zip(facts.titles, facts.paths, strict=True)]
    if key.per_chunk:
        with ws.catalog.session() as session:
            text = dict(session.execute(select(Chunk.id, Chunk.text)).tuples().all())
        return [text.get(int(i), "") for i in facts.ids]
    parts: dict[int, list[str]] = {}
    with ws.catalog.session() as session:
        for file_id, body in session.execute(
            select(Chunk.file_id, Chunk.text).where(Chunk.seq < passages_per_file)
        ).tuples():
            parts.setdefault(file_id, []).append(body)
    return [f"{t} " + " ".join(parts.get(int(f), [])) for t, f in zip(facts.titles, facts.file_ids, strict=True)]
