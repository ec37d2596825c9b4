"""The catalog through SQLAlchemy: its engine, pragmas, creation and migrations. Made only when
something writes or needs the ORM (catalog/db.py makes it on first use); reads go through
catalog/reader.py and need none of it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import sessionmaker

from desktop.core.catalog.tables import Base, Face, FaceAnchor, FaceFile, OcrFile, OcrLine, Person
from desktop.core.catalog.version import SCHEMA_VERSION, too_new

# FTS5 tables are not ORM models: SQLAlchemy has no DDL for virtual tables.
_FTS_DDL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5("
    "title, body, tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS file_fts USING fts5(name, tokenize='porter unicode61 remove_diacritics 2')",
]

# MIGRATIONS[n] upgrades a database at version n to n + 1.
MIGRATIONS: dict[int, Callable[[Connection], None]] = {
    # 1 -> 2: OCR results (new tables only; nothing existing changes).
    1: lambda conn: Base.metadata.create_all(conn, tables=[OcrFile.__table__, OcrLine.__table__]),
    # 2 -> 3: faces and people (new tables only).
    2: lambda conn: Base.metadata.create_all(
        conn, tables=[FaceFile.__table__, Person.__table__, Face.__table__, FaceAnchor.__table__]
    ),
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
