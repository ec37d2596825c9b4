"""The catalog through SQLAlchemy: its engine, pragmas, creation and migrations. Made only when
something writes or needs the ORM (catalog/db.py makes it on first use); reads go through
catalog/reader.py and need none of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import sessionmaker

from desktop.core.catalog.tables import Base, Face, FaceAnchor, FaceFile, OcrFile, OcrLine, Person
from desktop.core.catalog.version import SCHEMA_VERSION, too_new
from desktop.core.common.cjk import CJK_CLASS, WIDE_CLASS, index_text, narrow, simplify

# FTS5 tables are not ORM models: SQLAlchemy has no DDL for virtual tables.
_FTS_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5("
    "title, body, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS file_fts USING fts5(name, tokenize='porter unicode61 remove_diacritics 2')",
]

_REWRITE_BATCH = 500


def _cjk_keywords(conn: Connection) -> None:
    """3 -> 4: the keyword copies of text holding CJK letters rewritten as common/cjk.index_text
    writes them now (words inside Chinese and Japanese text cut apart). Made from what the keyword
    tables hold (the text as it was given them), a batch of rows at a time, only the rows with such
    letters: other rows, the chunks and every vector stay as they are, so nothing is re-embedded.
    Runs on both dialects (the server library's migration is this one too)."""
    _rewrite_keywords(conn, CJK_CLASS, index_text)


def _rewrite_keywords(conn: Connection, characters: str, rewrite: Callable[[str], str]) -> None:
    """Each keyword copy holding one of `characters` (a character class's inside) rewritten by `rewrite`,
    a batch of rows at a time, on both dialects. 4 -> 5 folds width only: the copies 3 -> 4 wrote hold
    bigrams already, and index_text is not to be run on them twice."""
    if conn.dialect.name == "postgresql":
        has, pattern = "~", f"[{characters}]"
    else:
        has, pattern = "GLOB", f"*[{characters}]*"
    for table, columns in (("chunk_fts", ("title", "body")), ("file_fts", ("name",))):
        listed = ", ".join(columns)
        where = " OR ".join(f"{c} {has} :pattern" for c in columns)
        after = 0
        while True:
            rows = conn.execute(text(
                f"SELECT rowid, {listed} FROM {table} WHERE rowid > :after AND ({where}) ORDER BY rowid LIMIT :n"
            ), {"after": after, "pattern": pattern, "n": _REWRITE_BATCH}).all()
            if not rows:
                break
            assignments = ", ".join(f"{c} = :{c}" for c in columns)
            conn.execute(text(f"UPDATE {table} SET {assignments} WHERE rowid = :id"), [
                {"id": row[0], **{c: rewrite(v or "") for c, v in zip(columns, row[1:], strict=True)}}
                for row in rows])
            after = int(rows[-1][0])


def _add_column(conn: Connection, table: str, column: str, ddl: str) -> None:
    """A column added unless there already (a catalog made new and marked older, as tests do)."""
    from sqlalchemy import inspect

    if column not in {c["name"] for c in inspect(conn).get_columns(table)}:
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))


# MIGRATIONS[n] upgrades a database at version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    # 1 -> 2: OCR results (new tables only; nothing existing changes).
    1: lambda conn: Base.metadata.create_all(conn, tables=[OcrFile.__table__, OcrLine.__table__]),
    # 2 -> 3: faces and people (new tables only).
    2: lambda conn: Base.metadata.create_all(
        conn, tables=[FaceFile.__table__, Person.__table__, Face.__table__, FaceAnchor.__table__]
    ),
    # 3 -> 4: words inside CJK text cut apart in the keyword copies (no re-embedding).
    3: _cjk_keywords,
    # 4 -> 5: a passage's section headings; passages indexed before have none until their file changes
    # (the heading is shown, never embedded: no vector changes). The same DDL on both dialects.
    4: lambda conn: _add_column(conn, "chunks", "heading", "TEXT NOT NULL DEFAULT ''"),
    # 5 -> 6: full-width letters and digits folded to ASCII in the keyword copies (no re-embedding).
    5: lambda conn: _rewrite_keywords(conn, WIDE_CLASS, narrow),
    # 6 -> 7: traditional Chinese and Japanese character forms written simplified in the keyword copies (no
    # re-embedding): the copies hold bigrams already, and folding one character for one keeps them bigrams.
    6: lambda conn: _rewrite_keywords(conn, CJK_CLASS, simplify),
}


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")  # another process writing: wait, don't fail at once
    cursor.execute("PRAGMA foreign_keys = ON")
    # NORMAL in WAL mode never corrupts; an OS crash may lose the last commits. Marks use FULL.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


def make_engine(path: Path) -> tuple[Engine, Any]:
    """(engine, session factory) of a catalog file."""
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _set_pragmas)
    return engine, sessionmaker(engine, expire_on_commit=False)


def prepare(engine: Engine, check: Callable[[Callable[[str], list[Any]]], None], damaged: Any) -> None:
    """Make the catalog current: WAL on, created when empty, checked and migrated when older.
    `check(run)` is the page check, given a function that runs one PRAGMA."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA journal_mode = WAL")
            version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
            if version > SCHEMA_VERSION:
                raise too_new(version)
            if version == 0:
                _create(conn)
            else:
                check(lambda sql: conn.exec_driver_sql(sql).scalars().all())
                _migrate(conn, version)
            conn.commit()
    except DatabaseError as error:
        raise damaged(error.orig) from error


def _create(conn: Connection) -> None:
    Base.metadata.create_all(conn)
    for ddl in _FTS_DDL:
        conn.exec_driver_sql(ddl)
    conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _migrate(conn: Connection, version: int) -> None:
    while version < SCHEMA_VERSION:
        MIGRATIONS[version](conn)
        version += 1
        conn.exec_driver_sql(f"PRAGMA user_version = {version}")
