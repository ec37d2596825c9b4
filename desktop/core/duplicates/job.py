"""Find Duplicates: a job over the whole library (photos and documents), yielding Progress.

The slow part is decoding each photo once for its perceptual hashes (cached by content hash);
comparing is blocked numpy work. Exact copies are collapsed to one representative before the
near and similar passes, so a file is never reported as "near" its own byte-identical copy.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, Folder, PhotoVector
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.common.records import DuplicateFile, DuplicateGroup
from desktop.core.common.vector_codec import from_blob, normalise
from desktop.core.duplicates.groups import (
    NEAR_BITS,
    NEAR_CLIP,
    NEAR_FINE_BITS,
    NEAR_TEXT,
    UnionFind,
    best_first,
    cosine_pairs,
    make_group,
    sort_groups,
)
from desktop.core.duplicates.hashes import HashCache, close_pairs, fine_distance, hash_matrix, photo_hashes
from desktop.core.workspace import Workspace

CACHE_NAME = "perceptual_hashes.json"


@dataclass
class _Item:
    file: DuplicateFile
    digest: str | None


def find_duplicates(ws: Workspace, *, similar: float | None = None, cancel: CancelToken | None = None
                    ) -> Job[list[DuplicateGroup]]:
    """Groups of exact, near and similar files. `similar`: the cosine for similar shots (None: the
    similar_photos_percent setting; 1.0 or more: no similar groups)."""
    cancel = cancel or CancelToken()
    threshold = similar if similar is not None else ws.settings.get("similar_photos_percent") / 100
    yield Progress("reading the library")
    items = _items(ws)
    groups: list[DuplicateGroup] = []
    representatives: dict[str, list[int]] = {"image": [], "text": []}
    by_digest: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        if item.digest:
            by_digest[(item.file.kind, item.digest)].append(i)
        else:
            representatives[item.file.kind].append(i)
    for (kind, _), members in by_digest.items():
        best = best_first([items[m].file for m in members])[0]  # the copy to keep stands for the others
        representatives[kind].append(next(m for m in members if items[m].file is best))
        if len(members) > 1:
            groups.append(make_group("exact", [items[m].file for m in members], 1.0))
    photos = sorted(representatives["image"])
    vectors = _photo_vectors(ws, [items[i].file.file_id for i in photos])
    hashes = yield from _hashes(ws, [items[i] for i in photos], cancel)
    groups += _photo_groups(items, photos, hashes, vectors, threshold)
    cancel.raise_if_cancelled()
    documents = sorted(representatives["text"])
    groups += _document_groups(ws, items, documents)
    yield Progress("done", len(groups), len(groups))
    return sort_groups(groups)


def _items(ws: Workspace) -> list[_Item]:
    from desktop.core.ingest.images import thumbnail_relpath

    with ws.catalog.session() as session:
        rows = session.execute(
            select(FileRecord.id, FileRecord.path, FileRecord.kind, FileRecord.size,
                   func.coalesce(FileRecord.taken_at, FileRecord.mtime), Folder.path, FileRecord.width,
                   FileRecord.height, FileRecord.content_hash)
            .join(Folder, Folder.id == FileRecord.folder_id)
            .where(FileRecord.status.in_([FileStatus.INDEXED, FileStatus.WAITING_MODEL]))
            .order_by(FileRecord.id)
        ).all()
    items = []
    for file_id, path, kind, size, date, folder, width, height, digest in rows:
        thumb = ws.paths.thumbs / thumbnail_relpath(digest) if digest and kind == "image" else None
        items.append(_Item(DuplicateFile(
            file_id=file_id, path=path, kind=kind, size=size, date=date, folder=folder, width=width, height=height,
            thumbnail=str(thumb) if thumb is not None and thumb.exists() else None), digest))
    return items


def _photo_vectors(ws: Workspace, file_ids: list[int]) -> dict[int, np.ndarray]:
    version = ws.versions.active_id("image")
    out: dict[int, np.ndarray] = {}
    with ws.catalog.session() as session:
        for start in range(0, len(file_ids), 500):
            part = file_ids[start:start + 500]
            for file_id, blob in session.execute(select(PhotoVector.file_id, PhotoVector.vector).where(
                    PhotoVector.file_id.in_(part), PhotoVector.model_version_id == version)):
                out[file_id] = from_blob(blob)
    if not out:
        return {}
    ids = list(out)
    matrix = normalise(np.stack([out[i] for i in ids]))
    return dict(zip(ids, matrix, strict=True))


def _hashes(ws: Workspace, photos: list[_Item], cancel: CancelToken) -> Job[list[list[int] | None]]:
    cache = HashCache(ws.path / CACHE_NAME)
    out: list[list[int] | None] = []
    for done, item in enumerate(photos, 1):
        cancel.raise_if_cancelled()
        hashes = cache.get(item.digest)
        if hashes is None:
            hashes = photo_hashes(item.file.path)
            if hashes is not None:
                cache.put(item.digest, hashes)
        out.append(hashes)
        if done % 20 == 0 or done == len(photos):
            yield Progress("comparing photos", done, len(photos))
    cache.keep_only(item.digest for item in photos if item.digest)
    cache.save()
    return out


def _photo_groups(items: list[_Item], photos: list[int], hashes: list[list[int] | None],
                  vectors: dict[int, np.ndarray], threshold: float) -> list[DuplicateGroup]:
    hashed = [k for k, h in enumerate(hashes) if h is not None]
    near = UnionFind(len(photos))
    lowest: dict[int, float] = {}
    if hashed:
        matrix = hash_matrix([hashes[k] for k in hashed])  # type: ignore[misc]
        for a, b, distance in close_pairs(matrix, NEAR_BITS):
            ka, kb = hashed[a], hashed[b]
            if fine_distance(hashes[ka], hashes[kb]) > NEAR_FINE_BITS:  # type: ignore[arg-type]
                continue  # another shot of the same scene, not the same picture
            va = vectors.get(items[photos[ka]].file.file_id)
            vb = vectors.get(items[photos[kb]].file.file_id)
            if va is not None and vb is not None and float(va @ vb) < NEAR_CLIP:
                continue
            near.union(ka, kb)
            lowest[ka] = min(lowest.get(ka, 1.0), 1 - distance / 64)
    groups = []
    near_groups = near.groups(range(len(photos)))
    for members in near_groups:
        score = min((lowest.get(m, 1.0) for m in members), default=1.0)
        groups.append(make_group("near", [items[photos[m]].file for m in members], score))
    if threshold >= 1.0:
        return groups
    # Similar shots: between near classes (a class stands for all its copies).
    with_vector = [k for k in range(len(photos)) if items[photos[k]].file.file_id in vectors]
    leaders = [k for k in with_vector if near.find(k) == k]
    if len(leaders) < 2:
        return groups
    matrix = np.stack([vectors[items[photos[k]].file.file_id] for k in leaders])
    similar = UnionFind(len(leaders))
    joined: dict[int, float] = {}
    for a, b, cosine in cosine_pairs(matrix, threshold):
        similar.union(a, b)
        joined[a] = min(joined.get(a, 1.0), cosine)
    for members in similar.groups(range(len(leaders))):
        score = min((joined.get(m, 1.0) for m in members), default=1.0)
        groups.append(make_group("similar", [items[photos[leaders[m]]].file for m in members], score))
    return groups


def _document_groups(ws: Workspace, items: list[_Item], documents: list[int]) -> list[DuplicateGroup]:
    """Near-same documents: the mean of their passage vectors at a cosine of NEAR_TEXT or more."""
    version = ws.versions.active_id("text")
    sums: dict[int, np.ndarray] = {}
    counts: dict[int, int] = defaultdict(int)
    wanted = {items[i].file.file_id: i for i in documents}
    with ws.catalog.session() as session:
        rows = session.execute(select(Chunk.file_id, ChunkVector.vector)
                               .join(ChunkVector, ChunkVector.chunk_id == Chunk.id)
                               .where(ChunkVector.model_version_id == version))
        for file_id, blob in rows:
            if file_id in wanted:
                vector = from_blob(blob)
                sums[file_id] = sums[file_id] + vector if file_id in sums else vector.copy()
                counts[file_id] += 1
    ids = list(sums)
    if len(ids) < 2:
        return []
    matrix = normalise(np.stack([sums[i] / counts[i] for i in ids]))
    union = UnionFind(len(ids))
    lowest: dict[int, float] = {}
    for a, b, cosine in cosine_pairs(matrix, NEAR_TEXT):
        union.union(a, b)
        lowest[a] = min(lowest.get(a, 1.0), cosine)
    return [make_group("near", [items[wanted[ids[m]]].file for m in members],
                       min((lowest.get(m, 1.0) for m in members), default=1.0))
            for members in union.groups(range(len(ids)))]
