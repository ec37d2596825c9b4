"""Every read a search makes, once: plain SQL text with `:name` parameters, run through a Reader
(catalog/reader.py): sqlite3 on a folder library, a SQLAlchemy session on a server library or
inside a write. The ORM models (catalog/tables.py) name the same tables and columns.

Keyword SQL here is SQLite's FTS5; a server library's full-text search is server/keywords.py.
Table names put into SQL come from this module only, never from callers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from desktop.core.catalog.reader import Reader, expand, scalar

# ---- settings ------------------------------------------------------------------------------


def setting(reader: Reader, key: str) -> tuple[bool, Any]:
    """(stored?, value) of one setting."""
    rows = reader.rows("SELECT value FROM settings WHERE key = :key", {"key": key})
    return (True, json.loads(rows[0][0])) if rows else (False, None)


def settings(reader: Reader) -> dict[str, Any]:
    return {key: json.loads(value) for key, value in reader.rows("SELECT key, value FROM settings")}


# ---- model versions ------------------------------------------------------------------------


@dataclass
class VersionRow:
    """A model_versions row as read (the fields of tables.ModelVersion)."""

    id: int
    space: str
    name: str
    weights: str | None
    base_model: str | None
    dim: int | None
    created_at: float
    active: bool
    metrics: str | None
    data_size: int | None


def active_version(reader: Reader, space: str) -> VersionRow | None:
    """The active version of a space (at most one is; the first if a crash left two)."""
    rows = reader.rows(
        "SELECT id, space, name, weights, base_model, dim, created_at, active, metrics, data_size "
        "FROM model_versions WHERE space = :space AND active = :yes LIMIT 1", {"space": space, "yes": True})
    if not rows:
        return None
    row = list(rows[0])
    row[3] = reader.mapped_text(row[3])  # a fine-tuned model's folder: through the path map
    row[7] = bool(row[7])
    return VersionRow(*row)


# ---- vector tables and saved index stamps ----------------------------------------------------

# space -> (table, item id column)
VECTOR_TABLES: dict[str, tuple[str, str]] = {
    "text": ("chunk_vectors", "chunk_id"),
    "image": ("photo_vectors", "file_id"),
}


def vector_signature(reader: Reader, space: str) -> tuple[int, int]:
    """(row count, max rowid) of a whole vector table (see vector_rows.VectorSource.signature)."""
    table, _ = VECTOR_TABLES[space]
    count, max_rowid = reader.rows(f"SELECT (SELECT count(*) FROM {table}), (SELECT max(rowid) FROM {table})")[0]
    return int(count), int(max_rowid or 0)


def vector_count(reader: Reader, space: str, version: int) -> int:
    table, _ = VECTOR_TABLES[space]
    return int(scalar(reader, f"SELECT count(*) FROM {table} WHERE model_version_id = :v", {"v": version}))


def vector_ids(reader: Reader, space: str, version: int) -> list[int]:
    table, column = VECTOR_TABLES[space]
    return [r[0] for r in reader.rows(f"SELECT {column} FROM {table} WHERE model_version_id = :v", {"v": version})]


def vectors_sql(space: str, version: int, ids: list[int] | None = None) -> tuple[str, dict[str, Any]]:
    """(sql, params) of (item id, blob) rows of a version: all of them, or only `ids`."""
    table, column = VECTOR_TABLES[space]
    sql = f"SELECT {column}, vector FROM {table} WHERE model_version_id = :v"
    if ids is None:
        return sql, {"v": version}
    listed, params = expand("id", ids)
    return f"{sql} AND {column} IN ({listed})", {"v": version, **params}


def index_stamp(reader: Reader, space: str) -> tuple[int, int, int, str, str] | None:
    """(model version, dim, count, sha256, file name) of a saved index file, or None."""
    rows = reader.rows("SELECT model_version_id, dim, count, sha256, file_name FROM index_state "
                       "WHERE space = :space", {"space": space})
    return tuple(rows[0]) if rows else None  # type: ignore[return-value]


# ---- keywords (SQLite FTS5) ------------------------------------------------------------------

RANKED_CHUNKS = (
    "SELECT rowid, score FROM (SELECT rowid, bm25(chunk_fts, 2.0, 1.0) AS score FROM chunk_fts "
    "WHERE chunk_fts MATCH :m LIMIT :cap) ORDER BY score LIMIT :n"
)
COUNT_MATCHES = "SELECT count(*) FROM (SELECT 1 FROM chunk_fts WHERE chunk_fts MATCH :m LIMIT :n)"


def ranked_chunks(reader: Reader, match: str, limit: int, cap: int) -> list[tuple[int, float]]:
    """(chunk id, bm25) best first (lower is better) among the first `cap` rows `match` finds."""
    return [(int(r), float(s)) for r, s in reader.rows(RANKED_CHUNKS, {"m": match, "n": limit, "cap": cap})]


def count_matches(reader: Reader, match: str, cap: int) -> int:
    return int(scalar(reader, COUNT_MATCHES, {"m": match, "n": cap}) or 0)


def max_chunk_rowid(reader: Reader) -> int:
    return int(scalar(reader, "SELECT max(rowid) FROM chunk_fts") or 0)


def chunks_matching(reader: Reader, match: str, chunk_ids: Iterable[int]) -> set[int]:
    listed, params = expand("c", chunk_ids)
    sql = f"SELECT rowid FROM chunk_fts WHERE chunk_fts MATCH :m AND rowid IN ({listed})"
    return {int(r[0]) for r in reader.rows(sql, {"m": match, **params})}


def photos_named(reader: Reader, match: str, limit: int) -> list[int]:
    """Photos whose file_fts row (name, title, caption) matches, best first."""
    sql = ("SELECT file_fts.rowid FROM file_fts JOIN files ON files.id = file_fts.rowid "
           "WHERE file_fts MATCH :m AND files.kind = 'image' AND files.status IN ('indexed', 'waiting_model') "
           "ORDER BY bm25(file_fts) LIMIT :n")
    return [int(r[0]) for r in reader.rows(sql, {"m": match, "n": limit})]


def files_with_passage(reader: Reader, match: str) -> set[int]:
    sql = ("SELECT DISTINCT chunks.file_id FROM chunk_fts JOIN chunks ON chunks.id = chunk_fts.rowid "
           "WHERE chunk_fts MATCH :m")
    return {int(r[0]) for r in reader.rows(sql, {"m": match})}


def files_named(reader: Reader, match: str) -> set[int]:
    return {int(r[0]) for r in reader.rows("SELECT rowid FROM file_fts WHERE file_fts MATCH :m", {"m": match})}


# ---- files and passages for filters and hits --------------------------------------------------

WHEN = "coalesce(files.taken_at, files.mtime)"  # a photo's own date when it has one
# A path as text for LIKE: SQLite's LIKE ignores ASCII letter case; the path is a blob (any bytes).
_PATH_LIKE = {"sqlite": "CAST(files.path AS TEXT) LIKE", "postgresql": "encode(files.path, 'escape') ILIKE"}


@dataclass(frozen=True)
class FileFilter:
    """What narrows the files a query may answer with (retrieval/constraints.py decides it)."""

    kind: str
    statuses: tuple[str, ...]
    folder: str | None = None  # the file lies in or below this folder
    since: float | None = None  # when >= since (the filter row's dates)
    until: float | None = None  # when <= until
    after: float | None = None  # when >= after (the query's own dates)
    before: float | None = None  # when < before
    path_patterns: tuple[tuple[str, ...], ...] = ()  # each group: any of these LIKE patterns on the path


def filtered_files(reader: Reader, f: FileFilter) -> set[int]:
    listed, params = expand("status", f.statuses)
    where = ["files.kind = :kind", f"files.status IN ({listed})"]
    params["kind"] = f.kind
    if f.folder:
        prefix = f.folder.rstrip("/")  # below it: bytes order puts '0' right after '/'
        where.append("(files.path = :folder OR files.path BETWEEN :below AND :beyond)")
        params |= {"folder": reader.stored(f.folder), "below": reader.stored(prefix + "/"),
                   "beyond": reader.stored(prefix + "0")}
    bounds = (("since", ">=", f.since), ("until", "<=", f.until), ("after", ">=", f.after), ("before", "<", f.before))
    for name, op, value in bounds:
        if value is not None:
            where.append(f"{WHEN} {op} :{name}")
            params[name] = value
    like = _PATH_LIKE[reader.dialect]
    for n, patterns in enumerate(f.path_patterns):
        names = {f"like{n}_{i}": pattern for i, pattern in enumerate(patterns)}
        where.append("(" + " OR ".join(f"{like} :{k} ESCAPE '\\'" for k in names) + ")")
        params |= names
    return {int(r[0]) for r in reader.rows(f"SELECT files.id FROM files WHERE {' AND '.join(where)}", params)}


def files_with_person(reader: Reader, name: str) -> set[int]:
    """Photos with a visible face of the (visible) person of this name, any letter case."""
    sql = ("SELECT DISTINCT faces.file_id FROM faces JOIN people ON people.id = faces.person_id "
           "WHERE lower(people.name) = lower(:name) AND NOT faces.hidden AND NOT people.hidden")
    return {int(r[0]) for r in reader.rows(sql, {"name": " ".join(name.split())})}


def chunks_of(reader: Reader, file_ids: Iterable[int]) -> set[int]:
    listed, params = expand("f", file_ids)
    return {int(r[0]) for r in reader.rows(f"SELECT id FROM chunks WHERE file_id IN ({listed})", params)}


def newest_files(reader: Reader, file_ids: Iterable[int], limit: int) -> list[int]:
    listed, params = expand("f", file_ids)
    sql = f"SELECT id FROM files WHERE id IN ({listed}) ORDER BY {WHEN} DESC LIMIT :n"
    return [int(r[0]) for r in reader.rows(sql, {**params, "n": limit})]


def first_chunks(reader: Reader, file_ids: Iterable[int]) -> dict[int, int]:
    """file id -> its first passage's id."""
    listed, params = expand("f", file_ids)
    sql = f"SELECT file_id, min(id) FROM chunks WHERE file_id IN ({listed}) GROUP BY file_id"
    return {int(f): int(c) for f, c in reader.rows(sql, params)}


def photo_passages(reader: Reader) -> dict[int, int]:
    """chunk id -> photo id, for the passages OCR read in photos."""
    sql = ("SELECT chunks.id, chunks.file_id FROM chunks JOIN files ON files.id = chunks.file_id "
           "WHERE files.kind = 'image'")
    return {int(c): int(f) for c, f in reader.rows(sql, {})}


class PassageRow(NamedTuple):
    """A passage as a search reads it: the chunk's columns, its file's and folder's, and where the
    file's OCR text starts (ocr_files.base, None when no scan was read)."""

    id: int
    file_id: int
    start: int
    end: int
    text: str
    path: str
    title: str | None
    mtime: float
    folder_path: str
    kind: str
    ocr_base: int | None
    heading: str  # the trail of section headings it stands under, "" when none


def passage_rows(reader: Reader, chunk_ids: Iterable[int]) -> list[PassageRow]:
    listed, params = expand("c", chunk_ids)
    sql = ("SELECT chunks.id, chunks.file_id, chunks.start, chunks.\"end\", chunks.text, files.path, files.title, "
           "files.mtime, folders.path, files.kind, ocr_files.base, chunks.heading FROM chunks "
           "JOIN files ON files.id = chunks.file_id JOIN folders ON folders.id = files.folder_id "
           "LEFT OUTER JOIN ocr_files ON ocr_files.file_id = chunks.file_id AND ocr_files.status = 'text' "
           f"WHERE chunks.id IN ({listed})")
    return [PassageRow(*r[:5], reader.path(r[5]), *r[6:8], reader.path(r[8]), *r[9:11], r[11] or "")
            for r in reader.rows(sql, params)]


def file_rows(reader: Reader, file_ids: Iterable[int]) -> dict[int, tuple[Any, ...]]:
    """id -> (id, path, title, mtime, taken_at, camera, content hash, folder path)."""
    listed, params = expand("f", file_ids)
    sql = ("SELECT files.id, files.path, files.title, files.mtime, files.taken_at, files.camera, "
           "files.content_hash, folders.path FROM files JOIN folders ON folders.id = files.folder_id "
           f"WHERE files.id IN ({listed})")
    return {r[0]: (r[0], reader.path(r[1]), *r[2:7], reader.path(r[7])) for r in reader.rows(sql, params)}


def chunk_vectors(reader: Reader, chunk_ids: Iterable[int], version: int) -> list[tuple[int, bytes | None]]:
    listed, params = expand("c", chunk_ids)
    sql = f"SELECT chunk_id, vector FROM chunk_vectors WHERE chunk_id IN ({listed}) AND model_version_id = :v"
    return [(int(c), blob(v)) for c, v in reader.rows(sql, {**params, "v": version})]


def blob(value: Any) -> bytes | None:
    """A stored vector as float32 bytes: SQLite's blob as it is, pgvector's array packed (vector_type.py)."""
    if value is None or isinstance(value, bytes):
        return value
    import numpy as np

    return np.asarray(value, dtype="<f4").tobytes()


def indexed_paths_with_folders(reader: Reader) -> list[tuple[str, str]]:
    """(file path, its folder's path) of every indexed file."""
    sql = ("SELECT files.path, folders.path FROM files JOIN folders ON folders.id = files.folder_id "
           "WHERE files.status = 'indexed'")
    return [(reader.path(p), reader.path(root)) for p, root in reader.rows(sql)]  # type: ignore[misc]


# ---- an example file ("more like this") and marks: reads a search makes, without SQLAlchemy ----


class ExampleFile(NamedTuple):
    """A files row as "more like this" needs it."""

    id: int
    kind: str
    status: str
    title: str | None


_EXAMPLE = "SELECT id, kind, status, title FROM files WHERE "


def file_by_id(reader: Reader, file_id: int) -> ExampleFile | None:
    rows = reader.rows(_EXAMPLE + "id = :id", {"id": file_id})
    return ExampleFile(*rows[0]) if rows else None


def file_by_path(reader: Reader, path: str) -> ExampleFile | None:
    rows = reader.rows(_EXAMPLE + "path = :p LIMIT 1", {"p": reader.stored(path)})
    return ExampleFile(*rows[0]) if rows else None


def photo_vector(reader: Reader, file_id: int, version: int) -> bytes | None:
    sql = "SELECT vector FROM photo_vectors WHERE file_id = :f AND model_version_id = :v"
    rows = reader.rows(sql, {"f": file_id, "v": version})
    return blob(rows[0][0]) if rows else None


def passage_vectors_of_files(reader: Reader, file_ids: Iterable[int], version: int) -> list[tuple[int, bytes | None]]:
    """(file id, vector) of each passage of these files for a model version, in file and passage order."""
    listed, params = expand("f", file_ids)
    sql = ("SELECT chunks.file_id, chunk_vectors.vector FROM chunk_vectors "
           "JOIN chunks ON chunks.id = chunk_vectors.chunk_id "
           f"WHERE chunks.file_id IN ({listed}) AND chunk_vectors.model_version_id = :v "
           "ORDER BY chunks.file_id, chunks.seq")
    return [(int(f), blob(v)) for f, v in reader.rows(sql, {**params, "v": version})]


def chunk_files(reader: Reader, chunk_ids: Iterable[int]) -> dict[int, int]:
    """chunk id -> its file's id."""
    listed, params = expand("c", chunk_ids)
    return {int(c): int(f) for c, f in reader.rows(f"SELECT id, file_id FROM chunks WHERE id IN ({listed})", params)}


def first_passage_text(reader: Reader, file_id: int) -> str | None:
    sql = "SELECT text FROM chunks WHERE file_id = :f ORDER BY seq LIMIT 1"
    return scalar(reader, sql, {"f": file_id})


class MarkRow(NamedTuple):
    """A marks row, in the order of common.records.MarkRecord."""

    id: int
    query: str
    path: str
    kind: str
    relevant: bool
    created_at: float
    passage: str | None
    file_id: int | None
    chunk_id: int | None


def mark_rows(reader: Reader, query: str | None = None) -> list[MarkRow]:
    """Every mark (of one query when given), by query then age."""
    where = "" if query is None else "WHERE query = :q "
    sql = ("SELECT id, query, path, kind, relevant, created_at, passage, file_id, chunk_id FROM marks "
           f"{where}ORDER BY query, created_at")
    return [MarkRow(r[0], r[1], reader.path(r[2]) or "", *r[3:]) for r in reader.rows(sql, {"q": query})]


# ---- what a preview reads: where a document's text comes from, the lines OCR read ----------------


class TextSource(NamedTuple):
    """A file's path and kind, and the text OCR read in it (None unless ocr_files.status is 'text')."""

    path: str
    kind: str
    ocr_text: str | None
    ocr_base: int


def text_source(reader: Reader, file_id: int) -> TextSource | None:
    sql = ("SELECT files.path, files.kind, ocr_files.text, ocr_files.base FROM files "
           "LEFT OUTER JOIN ocr_files ON ocr_files.file_id = files.id AND ocr_files.status = 'text' "
           "WHERE files.id = :f")
    rows = reader.rows(sql, {"f": file_id})
    if not rows:
        return None
    path, kind, text, base = rows[0]
    return TextSource(reader.path(path) or "", kind, text, 0 if text is None else int(base))


def ocr_lines(reader: Reader, file_id: int) -> list[tuple[int, int, int, str, float]]:
    """(page, start, end, box as JSON, score) of every line OCR read in a file, in reading order."""
    sql = "SELECT page, start, \"end\", box, score FROM ocr_lines WHERE file_id = :f ORDER BY start"
    return [tuple(r) for r in reader.rows(sql, {"f": file_id})]  # type: ignore[misc]
