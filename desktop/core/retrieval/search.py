"""Query -> ranked hits. Dense vectors (HNSW) fused with SQLite FTS5 keyword hits by
reciprocal rank fusion, grouped per file with the best passage first.

Scores are RRF scores divided by the best score possible for the lists that answered,
so 1.0 means "first for meaning and first for keywords"; they read as percentages.
"""

from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import and_, func, select, text

from desktop.core.catalog import Chunk, FileRecord, FileStatus, Folder
from desktop.core.catalog.tables import under
from desktop.core.common.records import Filters, Hit, Passage
from desktop.core.retrieval.keywords import ranked_chunk_ids
from desktop.core.workspace import Workspace

RRF_K = 60
PASSAGES_PER_FILE = 3
_WORD = re.compile(r"\w+", re.UNICODE)


def fts_match(query: str) -> str | None:
    """Any of the query's words (quoted, so FTS5 syntax in user input is inert); bm25 favours all."""
    words = [w for w in _WORD.findall(query.lower()) if len(w) > 1 or w.isdigit()]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words)) or None


def rrf(*rankings: list[int]) -> dict[int, float]:
    fused: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] += 1.0 / (RRF_K + rank + 1)
    return fused


def allowed_files(ws: Workspace, filters: Filters, kind: str) -> set[int] | None:
    if not filters.active:
        return None
    conditions = [FileRecord.kind == kind, FileRecord.status == FileStatus.INDEXED]
    if filters.folder:
        conditions.append(under(FileRecord.path, filters.folder))
    when = func.coalesce(FileRecord.taken_at, FileRecord.mtime)
    if filters.date_from is not None:
        conditions.append(when >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(when <= filters.date_to)
    with ws.catalog.session() as session:
        return set(session.scalars(select(FileRecord.id).where(and_(*conditions))))


def search(ws: Workspace, query: str, *, kind: str = "all", top: int = 20, filters: Filters | None = None) -> list[Hit]:
    filters = filters or Filters()
    hits: list[Hit] = []
    if kind in ("all", "text"):
        hits += search_documents(ws, query, top=top, filters=filters)
    if kind in ("all", "image"):
        hits += search_photos(ws, query, top=top, filters=filters)
    hits.sort(key=lambda h: -h.score)
    return hits[:top]


def clean_query(query: str) -> str:
    """A query the tokenizers accept: a command-line argument that is not UTF-8 arrives with
    lone surrogates, which crash them (found by the reliability fuzz tests)."""
    return query.encode("utf-8", "replace").decode("utf-8").strip()


def search_documents(ws: Workspace, query: str, *, top: int = 20, filters: Filters | None = None) -> list[Hit]:
    query = clean_query(query)
    if not query:
        return []
    filters = filters or Filters()
    files = allowed_files(ws, filters, "text")
    allowed_chunks = None if files is None else _chunks_of(ws, files)
    index = ws.indexes.ready("text")
    dense = index.query(ws.encoders.query().encode_query(query), max(50, top * 8), allowed=allowed_chunks)
    keyword = _keyword_chunks(ws, query, 50, allowed_chunks)
    return document_hits(ws, dense, keyword, top, exclude_file=None)


def search_photos(ws: Workspace, query: str, *, top: int = 20, filters: Filters | None = None) -> list[Hit]:
    query = clean_query(query)
    if not query:
        return []
    filters = filters or Filters()
    files = allowed_files(ws, filters, "image")
    dense: list[tuple[int, float]] = []
    if ws.encoders.clip_problem() is None:
        index = ws.indexes.ready("image")
        dense = index.query(ws.encoders.clip().encode_query(query), max(50, top * 2), allowed=files)
    keyword = _keyword_files(ws, query, 50, files)
    return photo_hits(ws, dense, keyword, top, exclude_file=None)


def _chunks_of(ws: Workspace, files: set[int]) -> set[int]:
    with ws.catalog.session() as session:
        return set(session.scalars(select(Chunk.id).where(Chunk.file_id.in_(files))))


def _keyword_chunks(ws: Workspace, query: str, limit: int, allowed: set[int] | None) -> list[int]:
    with ws.catalog.session() as session:
        rows = ranked_chunk_ids(session, query, limit * 4 if allowed is not None else limit)
    ids = [r for r in rows if allowed is None or r in allowed]
    return ids[:limit]


def _keyword_files(ws: Workspace, query: str, limit: int, allowed: set[int] | None) -> list[int]:
    match = fts_match(query)
    if match is None:
        return []
    with ws.catalog.session() as session:
        rows = (
            session.execute(
                text(
                    "SELECT file_fts.rowid FROM file_fts JOIN files ON files.id = file_fts.rowid "
                    "WHERE file_fts MATCH :m AND files.kind = 'image' AND files.status IN ('indexed', 'waiting_model') "
                    "ORDER BY bm25(file_fts) LIMIT :n"
                ),
                {"m": match, "n": limit},
            )
            .scalars()
            .all()
        )
    return [int(r) for r in rows if allowed is None or r in allowed]


def document_hits(
    ws: Workspace, dense: list[tuple[int, float]], keyword: list[int], top: int, exclude_file: int | None
) -> list[Hit]:
    fused = rrf([c for c, _ in dense], keyword)
    if not fused:
        return []
    best_possible = sum(1.0 / (RRF_K + 1) for ranking in (dense, keyword) if ranking)
    similarity = dict(dense)
    with ws.catalog.session() as session:
        rows = session.execute(
            select(
                Chunk.id,
                Chunk.file_id,
                Chunk.start,
                Chunk.end,
                Chunk.text,
                FileRecord.path,
                FileRecord.title,
                FileRecord.mtime,
                Folder.path,
            )
            .join(FileRecord, FileRecord.id == Chunk.file_id)
            .join(Folder, Folder.id == FileRecord.folder_id)
            .where(Chunk.id.in_(list(fused)))
        ).all()
    per_file: dict[int, list[tuple[float, tuple]]] = defaultdict(list)
    for row in rows:
        if row[1] != exclude_file:
            per_file[row[1]].append((fused[row[0]], row))
    keyword_set = set(keyword)
    hits = []
    for file_id, scored in per_file.items():
        scored.sort(key=lambda s: -s[0])
        best_score, best = scored[0]
        passages = tuple(
            Passage(r[0], r[2], r[3], r[4], min(1.0, s / best_possible)) for s, r in scored[:PASSAGES_PER_FILE]
        )
        why = " + ".join(
            label
            for label, present in (("meaning", best[0] in similarity), ("keywords", best[0] in keyword_set))
            if present
        )
        hits.append(
            Hit(
                file_id=file_id,
                path=best[5],
                kind="text",
                score=min(1.0, best_score / best_possible),
                snippet=best[4],
                start=best[2],
                end=best[3],
                chunk_id=best[0],
                title=best[6],
                folder=best[8],
                passages=passages,
                mtime=best[7],
                why=why,
            )
        )
    hits.sort(key=lambda h: -h.score)
    return hits[:top]


def photo_hits(
    ws: Workspace, dense: list[tuple[int, float]], keyword: list[int], top: int, exclude_file: int | None
) -> list[Hit]:
    fused = rrf([f for f, _ in dense], keyword)
    fused.pop(exclude_file, None)  # type: ignore[arg-type]
    if not fused:
        return []
    best_possible = sum(1.0 / (RRF_K + 1) for ranking in (dense, keyword) if ranking)
    meaning, keyword_set = {f for f, _ in dense}, set(keyword)
    records = _file_rows(ws, list(fused))
    hits = []
    for file_id, score in sorted(fused.items(), key=lambda kv: -kv[1])[:top]:
        record = records.get(file_id)
        if record is None:
            continue
        why = " + ".join(
            label
            for label, present in (("meaning", file_id in meaning), ("keywords", file_id in keyword_set))
            if present
        )
        hits.append(photo_hit(ws, record, min(1.0, score / best_possible), why))
    return hits


def _file_rows(ws: Workspace, ids: list[int]) -> dict[int, tuple]:
    with ws.catalog.session() as session:
        rows = session.execute(
            select(
                FileRecord.id,
                FileRecord.path,
                FileRecord.title,
                FileRecord.mtime,
                FileRecord.taken_at,
                FileRecord.camera,
                FileRecord.content_hash,
                Folder.path,
            )
            .join(Folder, Folder.id == FileRecord.folder_id)
            .where(FileRecord.id.in_(ids))
        ).all()
    return {row[0]: tuple(row) for row in rows}


def photo_hit(ws: Workspace, record: tuple, score: float, why: str) -> Hit:
    from desktop.core.ingest.images import thumbnail_relpath

    file_id, path, title, mtime, taken_at, camera, digest, folder = record
    thumb = ws.paths.thumbs / thumbnail_relpath(digest) if digest else None
    return Hit(
        file_id=file_id,
        path=path,
        kind="image",
        score=score,
        title=title,
        folder=folder,
        mtime=mtime,
        taken_at=taken_at,
        camera=camera,
        thumbnail=str(thumb) if thumb and thumb.exists() else None,
        why=why,
    )
