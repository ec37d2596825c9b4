"""Engine, pragmas, schema versioning and migrations for the catalog database.

Versioning follows rclip and qutebrowser: `PRAGMA user_version` holds the schema
version, migrations run step by step, and a database newer than this app is refused
rather than half-understood.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session, sessionmaker

from desktop.core.catalog.tables import Base, OcrFile, OcrLine
from desktop.core.common.errors import (
    CatalogDamaged,
    CatalogTooNew,
    DiskFull,
    is_damaged_database,
    is_disk_full,
)

SCHEMA_VERSION = 2

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
}

# The window opens right after the library: a cold read of a bigger file could cost seconds.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


def damaged(path: Path, detail: object) -> CatalogDamaged:
    return CatalogDamaged(
        f"The library's catalog at {path} is damaged and cannot be read ({detail}). "
        "Rebuild it from your folders with `semdesk rebuild` (the damaged file is kept); "
        "your marks are kept in marks.jsonl beside it."
    )


def _set_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 10000")  # another process writing: wait, don't fail at once
    cursor.execute("PRAGMA foreign_keys = ON")
    # NORMAL in WAL mode never corrupts; an OS crash may lose the last commits. Marks use FULL.
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


class Catalog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.engine: Engine = create_engine(f"sqlite:///{path}", future=True)
        event.listen(self.engine, "connect", _set_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._open()

    def _open(self) -> None:
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode = WAL")
                version = conn.exec_driver_sql("PRAGMA user_version").scalar_one()
                if version > SCHEMA_VERSION:
                    raise CatalogTooNew(
                        f"This library was written by a newer version of semdesk (catalog schema {version}; "
                        f"this app understands up to {SCHEMA_VERSION}). Update semdesk, or open another library."
                    )
                if version == 0:
                    self._create(conn)
                else:
                    self._check(conn)
                    self._migrate(conn, version)
                conn.commit()
        except DatabaseError as error:
            raise damaged(self.path, error.orig) from error

    def _check(self, conn: Connection) -> None:
        """Garbage in a page is only noticed when a query reads it: check every page at open
        while that is cheap (~0.15 s for 250 MB when cached); bigger catalogs are caught by `session()`."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return
        if size <= QUICK_CHECK_MAX_BYTES:
            rows = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
            if rows != ["ok"]:
                raise damaged(self.path, rows[0] if rows else "quick_check failed")

    def _create(self, conn: Connection) -> None:
        Base.metadata.create_all(conn)
        for ddl in _FTS_DDL:
            conn.exec_driver_sql(ddl)
        conn.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _migrate(self, conn: Connection, version: int) -> None:
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](conn)
            version += 1
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")

    def integrity_problems(self) -> list[str]:
        """SQLite's own check; an empty list means the database is sound."""
        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
        except DatabaseError as error:
            return [str(error.orig)]
        return [] if rows == ["ok"] else [str(r) for r in rows]

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except DatabaseError as error:
            if is_disk_full(error):  # SQLITE_FULL: the transaction was rolled back
                raise DiskFull(
                    "The disk is full, so semdesk could not save its work; nothing was lost. "
                    "Free some space and try again."
                ) from error
            if is_damaged_database(error):
                raise damaged(self.path, error.orig) from error
            raise

    @contextmanager
    def durable_session(self) -> Iterator[Session]:
        """A transaction synced to disk at commit: for what a user must never lose (marks)."""
        with self._sessions() as session:
            session.execute(text("PRAGMA synchronous = FULL"))
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
            finally:
                session.execute(text("PRAGMA synchronous = NORMAL"))
                session.commit()

    def dispose(self) -> None:
        self.engine.dispose()
