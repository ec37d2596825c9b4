"""The catalog database of a folder library: opening, schema versioning, reads and sessions.

Versioning follows rclip and qutebrowser: `PRAGMA user_version` holds the schema
version, migrations run step by step, and a database newer than this app is refused
rather than half-understood.

Opening a catalog at this app's schema needs only the standard `sqlite3` module, and so do its
reads (`reader()`, catalog/reads.py): a search never imports SQLAlchemy, whose import alone costs
~0.4 s of CPU per process. The engine and the ORM (catalog/engine.py) are made on first use, by
whatever writes; a catalog to create or migrate makes them at open.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from desktop.core.catalog.reader import SqliteReader, translate
from desktop.core.catalog.version import SCHEMA_VERSION, too_new
from desktop.core.common.errors import CatalogDamaged, is_damaged_database

__all__ = ["QUICK_CHECK_MAX_BYTES", "SCHEMA_VERSION", "Catalog", "damaged"]

# The window opens right after the library: a cold read of a bigger file could cost seconds.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024
_IDLE_READERS = 4  # sqlite3 connections kept open for the next read (a search makes a dozen)


def __getattr__(name: str) -> Any:
    """MIGRATIONS lives with SQLAlchemy (catalog/engine.py); read from there only when asked."""
    if name == "MIGRATIONS":
        from desktop.core.catalog.engine import MIGRATIONS

        return MIGRATIONS
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def damaged(path: Path, detail: object) -> CatalogDamaged:
    return CatalogDamaged(
        f"The library's catalog at {path} is damaged and cannot be read ({detail}). "
        "Rebuild it from your folders with `semdesk rebuild` (the damaged file is kept); "
        "your marks are kept in marks.jsonl beside it."
    )


class Catalog:
    dialect = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Any = None
        self._sessions: Any = None
        self._engine_lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._idle_lock = threading.Lock()
        if not self._current():
            from desktop.core.catalog.engine import prepare

            prepare(self.engine, self._check, lambda detail: damaged(self.path, detail))

    def _current(self) -> bool:
        """True when the file is at this app's schema in WAL mode (and its pages check out), found
        with sqlite3 alone. False sends the catalog through SQLAlchemy's open, which creates,
        migrates, turns WAL on, or says what is wrong as it always did."""
        try:
            if self.path.stat().st_size == 0:
                return False
            connection = self._connect()
        except (OSError, sqlite3.Error):
            return False
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise too_new(version)
            if version != SCHEMA_VERSION or connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                return False
            self._check(lambda sql: [row[0] for row in connection.execute(sql)])
        except sqlite3.DatabaseError as error:
            if is_damaged_database(error):
                raise damaged(self.path, error) from error
            return False  # busy, or cannot be read this way: the SQLAlchemy open says so in its words
        finally:
            connection.close()
        return True

    def _check(self, run: Callable[[str], list[Any]]) -> None:
        """Garbage in a page is only noticed when a query reads it: check every page at open
        while that is cheap (~0.15 s for 250 MB when cached); bigger catalogs are caught by `session()`."""
        try:
            size = self.path.stat().st_size
        except OSError:
            return
        if size <= QUICK_CHECK_MAX_BYTES:
            rows = run("PRAGMA quick_check")
            if rows != ["ok"]:
                raise damaged(self.path, rows[0] if rows else "quick_check failed")

    # ---- reads: sqlite3, read-only ----------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        uri = Path(os.path.abspath(self.path)).as_uri() + "?mode=ro"
        connection = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        connection.execute("PRAGMA busy_timeout = 10000")  # as the engine's: wait for a checkpoint
        return connection

    @contextmanager
    def reader(self) -> Iterator[SqliteReader]:
        """Reads (catalog/reads.py) on a read-only connection of this thread's own while it lasts;
        each statement sees what was committed when it started, as a session's reads do."""
        with self._idle_lock:
            connection = self._idle.pop() if self._idle else None
        if connection is None:
            try:
                connection = self._connect()
            except sqlite3.DatabaseError as error:
                if is_damaged_database(error):
                    raise damaged(self.path, error) from error
                raise
        reader = SqliteReader(connection, lambda detail: damaged(self.path, detail))
        try:
            yield reader
        finally:
            reader.close()
            with self._idle_lock:
                keep = len(self._idle) < _IDLE_READERS
                if keep:
                    self._idle.append(connection)
            if not keep:
                connection.close()

    # ---- writes and the ORM: SQLAlchemy, made on first use -----------------------------------

    @property
    def engine(self) -> Any:
        with self._engine_lock:
            if self._engine is None:
                from desktop.core.catalog.engine import make_engine

                self._engine, self._sessions = make_engine(self.path)
            return self._engine

    def _session_factory(self) -> Any:
        self.engine  # noqa: B018 - makes the engine and its sessions
        return self._sessions

    def integrity_problems(self) -> list[str]:
        """SQLite's own check; an empty list means the database is sound."""
        from sqlalchemy.exc import DatabaseError

        try:
            with self.engine.connect() as conn:
                rows = conn.exec_driver_sql("PRAGMA quick_check").scalars().all()
        except DatabaseError as error:
            return [str(error.orig)]
        return [] if rows == ["ok"] else [str(r) for r in rows]

    @contextmanager
    def session(self) -> Iterator[Any]:
        """One transaction: committed on success, rolled back on any error."""
        sessions = self._session_factory()
        from sqlalchemy.exc import DatabaseError

        try:
            with sessions() as session, session.begin():
                yield session
        except DatabaseError as error:  # SQLITE_FULL rolled the transaction back: nothing was lost
            plain = translate(error, lambda detail: damaged(self.path, detail))
            if plain is None:
                raise
            raise plain from error

    @contextmanager
    def durable_session(self) -> Iterator[Any]:
        """A transaction synced to disk at commit: for what a user must never lose (marks)."""
        from sqlalchemy import text

        with self._session_factory()() as session:
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

    def follow_id_sequences(self) -> None:
        """Rows came with their ids (a library copied in): SQLite's AUTOINCREMENT counter follows
        explicit ids by itself (a server library's catalog has sequences to move)."""

    def dispose(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()
        if self._engine is not None:
            self._engine.dispose()
