"""Which files a query may answer with: the filter row (folder, dates) and the query's own
operators (kind, type, folder name, dates, phrases that must be there, words that must not).

Returns None when nothing narrows the search (the indexes then run unfiltered), else the set
of file ids allowed. A phrase or a left-out word is looked up in the keyword tables, so it
means "the words, in this order" exactly as FTS5 reads them (stemmed, case-folded).
"""

from __future__ import annotations

import re

from sqlalchemy import and_, func, or_, select, text

from desktop.core.catalog import FileRecord, FileStatus
from desktop.core.catalog.tables import under
from desktop.core.common.records import Filters
from desktop.core.retrieval.query_syntax import ParsedQuery
from desktop.core.server import keywords as server_keywords
from desktop.core.workspace import Workspace


def narrows(filters: Filters, parsed: ParsedQuery | None) -> bool:
    return filters.active or (parsed is not None and parsed.has_filters)


def allowed_files(ws: Workspace, filters: Filters, kind: str, parsed: ParsedQuery | None = None) -> set[int] | None:
    if not narrows(filters, parsed):
        return None
    # A photo waiting for the photo model is found by its name and caption (keywords) with no filter
    # on, so a filter must let it through too: "apple" found 7 photos under All folders and none in
    # Pictures, the folder that held them (issue 13).
    statuses = [FileStatus.INDEXED] + ([FileStatus.WAITING_MODEL] if kind == "image" else [])
    dialect = ws.catalog.engine.dialect.name
    conditions = [FileRecord.kind == kind, FileRecord.status.in_(statuses)]
    if filters.folder:
        conditions.append(under(FileRecord.path, filters.folder))
    when = func.coalesce(FileRecord.taken_at, FileRecord.mtime)  # the photo's own date when it has one
    if filters.date_from is not None:
        conditions.append(when >= filters.date_from)
    if filters.date_to is not None:
        conditions.append(when <= filters.date_to)
    if parsed is not None:
        if parsed.date_from is not None:
            conditions.append(when >= parsed.date_from)
        if parsed.date_to is not None:
            conditions.append(when < parsed.date_to)
        if parsed.types:
            conditions.append(_path_like([f"%.{_escape(t)}" for t in parsed.types], "type", dialect))
        for n, name in enumerate(parsed.folders):  # a folder name anywhere above the file, any letter case
            conditions.append(_path_like([f"%/{_escape(name)}/%"], f"folder{n}_", dialect))
    with ws.catalog.session() as session:
        ids = set(session.scalars(select(FileRecord.id).where(and_(*conditions))))
        if parsed is not None and ids:
            loose = _has_free_words(parsed)
            for phrase in parsed.phrases if kind == "text" else ():
                held = _files_with(session, phrase)
                # Quotes among other words that no document holds at all are emphasis, not a demand
                # (the FAQ's 'What are the "best practices" for using import in a module?' found
                # nothing): the phrase's words still count, the requirement goes. A query of phrases
                # alone stays exact.
                if held or not loose:
                    ids &= held
            for excluded in parsed.excluded:
                ids -= _files_with(session, excluded) if kind == "text" else set()
                ids -= _files_named(session, excluded)
    return ids


def _has_free_words(parsed: ParsedQuery) -> bool:
    return any(ch.isalnum() for ch in re.sub(r'"[^"]*"', " ", parsed.text))


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _path_like(patterns: list[str], name: str, dialect: str = "sqlite"):
    """Any of the LIKE patterns on the file's path. SQLite's LIKE ignores ASCII letter case; the
    path is a blob (any bytes a file name may hold), read as text for the comparison."""
    like = server_keywords.PATH_AS_TEXT_LIKE if dialect == "postgresql" else "CAST(files.path AS TEXT) LIKE"
    clauses = [
        text(f"{like} :{name}{i} ESCAPE '\\'").bindparams(**{f"{name}{i}": pattern})
        for i, pattern in enumerate(patterns)
    ]
    return or_(*clauses)


def _fts_phrase(words: str) -> str:
    return '"' + words.replace('"', " ") + '"'  # one FTS5 phrase; user syntax stays inert


def _files_with(session, words: str) -> set[int]:
    """Documents with a passage (or title) holding `words` in this order."""
    if server_keywords.is_postgres(session):
        return server_keywords.passages_with_phrase(session, words)
    rows = session.execute(
        text("SELECT DISTINCT chunks.file_id FROM chunk_fts JOIN chunks ON chunks.id = chunk_fts.rowid "
             "WHERE chunk_fts MATCH :m"), {"m": _fts_phrase(words)})
    return {int(r[0]) for r in rows}


def _files_named(session, words: str) -> set[int]:
    if server_keywords.is_postgres(session):
        return server_keywords.names_with_phrase(session, words)
    rows = session.execute(text("SELECT rowid FROM file_fts WHERE file_fts MATCH :m"), {"m": _fts_phrase(words)})
    return {int(r[0]) for r in rows}
