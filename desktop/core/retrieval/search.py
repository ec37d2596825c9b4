"""Query -> ranked hits. Documents: dense vectors (HNSW) and SQLite FTS5 keyword hits fused by
score (retrieval/fusion.py), grouped per file with the best passage first; the score is a
calibrated relevance. Photos: CLIP vectors and file-name keywords by reciprocal rank fusion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from desktop.core.catalog import reads
from desktop.core.catalog.reader import reading
from desktop.core.common.cjk import mostly_cjk
from desktop.core.common.query_words import query_words
from desktop.core.common.records import Filters, Hit, Passage
from desktop.core.common.settings import ENGLISH_ONLY_TEXT_MODELS
from desktop.core.common.vector_codec import normalise, stack_blobs
from desktop.core.retrieval.constraints import allowed_files, lists
from desktop.core.retrieval.fusion import (
    PLAIN_KEYWORD_WEIGHT,
    document_scores,
    keyword_weight,
    passage_scores,
    shown_score,
)
from desktop.core.retrieval.keywords import keyword_evidence, ranked_chunks
from desktop.core.retrieval.meaning import query_vector
from desktop.core.retrieval.query_syntax import ParsedQuery, parse
from desktop.core.workspace import Workspace

RRF_K = 60
PASSAGES_PER_FILE = 3


def rrf(*rankings: list[int]) -> dict[int, float]:
    fused: dict[int, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking):
            fused[item] += 1.0 / (RRF_K + rank + 1)
    return fused


Like = str | Path | int | None  # an example the results should look like: a file's path or id


def search(ws: Workspace, query: str, *, kind: str = "all", top: int = 20, filters: Filters | None = None,
           like: Like = None) -> list[Hit]:
    filters = filters or Filters()
    parsed = parse(clean_query(query))
    hits: list[Hit] = []
    if kind in ("all", "text"):
        hits += search_documents(ws, parsed, top=top, filters=filters, like=like)
    if kind in ("all", "image"):
        hits += search_photos(ws, parsed, top=top, filters=filters, like=like)
    hits.sort(key=lambda h: -h.score)
    return hits[:top]


def clean_query(query: str) -> str:
    """A query the tokenizers accept: a command-line argument that is not UTF-8 arrives with
    lone surrogates, which crash them (found by the reliability fuzz tests)."""
    return query.encode("utf-8", "replace").decode("utf-8").strip()


def _parsed(query: str | ParsedQuery) -> ParsedQuery:
    """The query language (retrieval/query_syntax.py): operators out, the words to search for left."""
    return query if isinstance(query, ParsedQuery) else parse(clean_query(query))


def _example(ws: Workspace, like: Like, space: str) -> np.ndarray | None:
    if like is None:
        return None
    from desktop.core.retrieval.like import example_vector

    example_space, vector = example_vector(ws, like)
    return vector if example_space == space else None  # a photo example steers photos, not documents


def search_documents(ws: Workspace, query: str | ParsedQuery, *, top: int = 20, filters: Filters | None = None,
                     like: Like = None) -> list[Hit]:
    parsed = _parsed(query)
    filters = filters or Filters()
    if parsed.kind == "image":
        return []
    example = _example(ws, like, "text")
    words = parsed.text
    if not words and example is None:
        return listed(ws, parsed, filters, "text", top) if lists(filters, parsed) else []
    files = allowed_files(ws, filters, "text", parsed)
    if files is not None:  # the words OCR read in photos are passages too: a filter lets them through
        files |= allowed_files(ws, filters, "image", parsed) or set()
    allowed_chunks = None if files is None else _chunks_of(ws, files)
    index = ws.indexes.ready("text")
    weight = keyword_weight(words)
    if example is None and mostly_cjk(words) and ws.settings.get("text_model") in ENGLISH_ONLY_TEXT_MODELS:
        # An English-only model reads Chinese and Japanese as noise: on the Chinese FAQ its meaning list
        # had nDCG@10 0.23 and pulled the fused ranking to 0.34 from the keywords' 0.62 (scripts/bench
        # --only quality). The keywords rank alone, on their own 0..1 scale.
        vector, weight = None, 1.0
    else:
        vector = query_vector(ws.encoders.query().encode_query, words, parsed.excluded, like=example)
        if vector is None and not words:
            return []
    # No direction (the negative's vector was the words' own: an English-only model read two Chinese
    # words alike and "系统 -动漫" cancelled out), or none wanted: the keywords still answer.
    dense = [] if vector is None else index.query(vector, max(50, top * 8), allowed=allowed_chunks)
    keyword = keyword_chunks(ws, words, 50, allowed_chunks) if words else []
    return document_hits(ws, dense, keyword, top, exclude_file=None, query_vector=vector, weight=weight)


def search_photos(ws: Workspace, query: str | ParsedQuery, *, top: int = 20, filters: Filters | None = None,
                  like: Like = None) -> list[Hit]:
    parsed = _parsed(query)
    filters = filters or Filters()
    if parsed.kind == "text":
        return []
    words = parsed.text
    if not words and like is None:
        return listed(ws, parsed, filters, "image", top) if lists(filters, parsed) else []
    files = allowed_files(ws, filters, "image", parsed)
    dense: list[tuple[int, float]] = []
    if ws.encoders.clip_problem() is None:
        example = _example(ws, like, "image")
        if words or example is not None:
            vector = query_vector(ws.encoders.clip().encode_query, words, parsed.excluded, like=example)
            if vector is not None:
                dense = ws.indexes.ready("image").query(vector, max(50, top * 2), allowed=files)
    keyword = _keyword_files(ws, words, 50, files) if words else []
    keyword += [f for f in _photos_by_their_words(ws, words, files) if f not in keyword] if words else []
    return photo_hits(ws, dense, keyword, top, exclude_file=None)


def _photos_by_their_words(ws: Workspace, words: str, allowed: set[int] | None) -> list[int]:
    """Photos whose words (read by OCR) hold the query's words, best first. A picture with text is a
    photo and a document: its words list it among documents (the passage), and here among photos too,
    so a receipt found under Documents is not missing from Photos (issue 24)."""
    with reading(ws.catalog) as reader:
        passages = reads.photo_passages(reader)
    if allowed is not None:
        passages = {c: f for c, f in passages.items() if f in allowed}
    if not passages:
        return []
    found = keyword_chunks(ws, words, 50, set(passages))
    return list(dict.fromkeys(passages[c] for c, _ in found))


def listed(ws: Workspace, parsed: ParsedQuery, filters: Filters, kind: str, top: int) -> list[Hit]:
    """A query of operators alone ("kind:photo year:2023"): what they allow, newest first."""
    files = allowed_files(ws, filters, kind, parsed, every=True)
    if not files:
        return []
    with reading(ws.catalog) as reader:
        newest = reads.newest_files(reader, files, top)
        first = {} if kind == "image" else reads.first_chunks(reader, newest)
    if kind == "image":
        records = _file_rows(ws, newest)
        return [photo_hit(ws, records[f], 1.0, "filters") for f in newest if f in records]
    hits = document_hits(ws, [(c, 1.0) for c in first.values()], [], top, exclude_file=None)
    order = {f: i for i, f in enumerate(newest)}
    return sorted((replace(h, why="filters") for h in hits), key=lambda h: order.get(h.file_id, len(order)))


def _chunks_of(ws: Workspace, files: set[int]) -> set[int]:
    with reading(ws.catalog) as reader:
        return reads.chunks_of(reader, files)


def keyword_chunks(ws: Workspace, query: str, limit: int, allowed: set[int] | None) -> list[tuple[int, float]]:
    """(chunk id, keyword evidence in [0, 1]) best first, within `allowed` chunks when a filter is on."""
    with reading(ws.catalog) as reader:
        index = ws.keywords(reader)  # one per search: a server's counts are shared by both steps
        rows = ranked_chunks(index, query, limit * 4 if allowed is not None else limit)
        rows = [r for r in rows if allowed is None or r[0] in allowed][:limit]
        return keyword_evidence(index, query, rows)


def _keyword_files(ws: Workspace, query: str, limit: int, allowed: set[int] | None) -> list[int]:
    words = query_words(query)  # the documents' rule: stop words out unless nothing else is left
    if not words:
        return []
    with reading(ws.catalog) as reader:
        found = ws.keywords(reader).ranked_photos(words, limit)
    return [int(r) for r in found if allowed is None or r in allowed]


def document_hits(
    ws: Workspace,
    dense: list[tuple[int, float]],
    keyword: list[tuple[int, float]],
    top: int,
    exclude_file: int | None,
    *,
    query_vector: np.ndarray | None = None,
    weight: float = PLAIN_KEYWORD_WEIGHT,
    file_scores: dict[int, float] | None = None,
) -> list[Hit]:
    """Documents ranked by fused passage scores (retrieval/fusion.py), best passages first; with
    `file_scores`, those rank and score the documents instead ("more like this" scores whole files)."""
    cosines = dict(dense)
    missing = [cid for cid, _ in keyword if cid not in cosines]
    if missing and query_vector is not None:
        cosines.update(_exact_cosines(ws, missing, query_vector))
    elif missing:  # no meaning to measure against (search_documents): the keywords alone rank
        cosines.update(dict.fromkeys(missing, 0.0))
    scores = passage_scores(cosines, keyword, weight)
    if not scores:
        return []
    with reading(ws.catalog) as reader:
        rows = reads.passage_rows(reader, scores)
    by_chunk = {row.id: row for row in rows if row.file_id != exclude_file}
    documents = document_scores(scores, {cid: row.file_id for cid, row in by_chunk.items()})
    if file_scores is not None:
        documents = {f: (file_scores[f], chunks) for f, (_, chunks) in documents.items() if f in file_scores}
    meaning_set, keyword_set = {cid for cid, _ in dense}, {cid for cid, _ in keyword}
    hits = []
    for file_id, (score, chunks) in sorted(documents.items(), key=lambda kv: -kv[1][0])[:top]:
        best = by_chunk[chunks[0]]
        passages = tuple(_passage(by_chunk[c], scores[c]) for c in chunks[:PASSAGES_PER_FILE])
        why = " + ".join(
            label
            for label, present in (("meaning", best.id in meaning_set), ("keywords", best.id in keyword_set))
            if present
        ) or "meaning"
        hits.append(
            Hit(
                file_id=file_id,
                path=best.path,
                kind="text",
                score=shown_score(score),
                snippet=best.text,
                start=best.start,
                end=best.end,
                chunk_id=best.id,
                title=best.title,
                folder=best.folder_path,
                passages=passages,
                mtime=best.mtime,
                why=why,
                found_in=found_in(best.kind, best.ocr_base, best.start),
                heading=best.heading,
            )
        )
    return hits


def _passage(row: reads.PassageRow, score: float) -> Passage:
    return Passage(row.id, row.start, row.end, row.text, shown_score(score), row.heading)


def found_in(kind: str, ocr_base: int | None, start: int) -> str:
    """What a passage OCR read says about itself: the words were in a picture, not in a text."""
    if kind == "image":
        return "text in photo"
    return "text in scan" if ocr_base is not None and start >= ocr_base else ""


def _exact_cosines(ws: Workspace, chunk_ids: list[int], query_vector: np.ndarray) -> dict[int, float]:
    """Cosines of keyword-only candidates, from their stored vectors (the truth, not the graph)."""
    version = ws.versions.active_id("text")
    with reading(ws.catalog) as reader:
        rows = reads.chunk_vectors(reader, chunk_ids, version)
    if not rows:
        return {}
    dim = len(query_vector)
    good = [(cid, blob) for cid, blob in rows if blob is not None and len(blob) == dim * 4]
    if not good:
        return {}
    matrix = normalise(stack_blobs((blob for _, blob in good), dim))
    sims = matrix @ normalise(np.asarray(query_vector, dtype=np.float32))
    return {int(cid): float(sim) for (cid, _), sim in zip(good, sims, strict=True)}


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
    with reading(ws.catalog) as reader:
        return reads.file_rows(reader, ids)


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
