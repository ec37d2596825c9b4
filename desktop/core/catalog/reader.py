"""The one interface every catalog read goes through: plain SQL text with `:name` parameters, run
by `rows(sql, params)` (or `stream` for big results). The SQL lives in catalog/reads.py, once.

Two implementations run the same text: `SqliteReader` on the standard `sqlite3` module (a folder
library's catalog opened read-only: a search never imports SQLAlchemy, ~0.4 s of CPU per process),
and `SessionReader` on a SQLAlchemy session (a server library, or reads inside a write). Paths are
stored as bytes (catalog/tables.py PathType); `path` and `stored` convert them, through a server
library's folder-root map when it has one, as PathType does.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from desktop.core.common.errors import DiskFull, is_damaged_database, is_disk_full

Params = Mapping[str, Any]


class Reader(Protocol):
    dialect: str  # "sqlite" or "postgresql"

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]: ...

    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]: ...

    def path(self, stored: bytes | None) -> str | None: ...

    def stored(self, path: str) -> bytes: ...

    def mapped_text(self, stored: str | None) -> str | None: ...


def expand(name: str, values: Iterable[Any]) -> tuple[str, dict[str, Any]]:
    """An IN list as numbered parameters (":name0,:name1,..") and their values; both databases take
    it. An empty list reads as (NULL), which matches nothing."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    return (",".join(f":{key}" for key in params) or "NULL"), params


def scalar(reader: Reader, sql: str, params: Params | None = None) -> Any:
    rows = reader.rows(sql, params)
    return rows[0][0] if rows else None


def translate(error: BaseException, damaged: Any) -> BaseException | None:
    """The plain-words error for a database error (sqlite3's or SQLAlchemy's), or None; `damaged`
    makes the catalog's own "damaged, rebuild it" error from the driver's detail."""
    if is_disk_full(error):
        return DiskFull("The disk is full, so semdesk could not save its work; nothing was lost. "
                        "Free some space and try again.")
    if is_damaged_database(error):
        return damaged(getattr(error, "orig", None) or error)
    return None


def _plain(error: BaseException, damaged: Any) -> BaseException:
    return translate(error, damaged) or error


class SqliteReader:
    """Reads on one sqlite3 connection (see Catalog.reader)."""

    dialect = "sqlite"

    def __init__(self, connection: sqlite3.Connection, damaged: Any) -> None:
        self._connection = connection
        self._damaged = damaged  # detail -> CatalogDamaged for this catalog's file
        self._cursors: list[sqlite3.Cursor] = []

    def _execute(self, sql: str, params: Params | None) -> sqlite3.Cursor:
        try:
            cursor = self._connection.execute(sql, dict(params or {}))
        except sqlite3.DatabaseError as error:
            raise _plain(error, self._damaged) from error
        self._cursors.append(cursor)
        return cursor

    def close(self) -> None:
        """Finish every statement: one left half-read would hold its snapshot for the next reads
        on this connection."""
        for cursor in self._cursors:
            cursor.close()
        self._cursors.clear()

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        cursor = self._execute(sql, params)
        try:
            return cursor.fetchall()
        except sqlite3.DatabaseError as error:  # a damaged page is found while stepping
            raise _plain(error, self._damaged) from error

    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self._execute(sql, params)
        while rows := cursor.fetchmany(size):
            yield rows

    def path(self, stored: bytes | None) -> str | None:
        return None if stored is None else os.fsdecode(stored)

    def stored(self, path: str) -> bytes:
        return os.fsencode(path)

    def mapped_text(self, stored: str | None) -> str | None:
        return stored


class SessionReader:
    """The same reads through a SQLAlchemy session (its transaction, its connection)."""

    def __init__(self, session: Any) -> None:
        from desktop.core.catalog import path_map

        self.session = session
        bind = session.get_bind()
        self.dialect = bind.dialect.name
        self._map = path_map.of(bind.dialect)  # a server library seen from another desktop

    def rows(self, sql: str, params: Params | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import text

        return [tuple(row) for row in self.session.execute(text(sql), dict(params or {}))]

    def stream(self, sql: str, params: Params, size: int) -> Iterator[list[tuple[Any, ...]]]:
        from sqlalchemy import text

        result = self.session.execute(text(sql), dict(params))
        while rows := result.fetchmany(size):
            yield [tuple(row) for row in rows]

    def path(self, stored: bytes | None) -> str | None:
        if stored is None:
            return None
        local = os.fsdecode(bytes(stored))
        return self._map.to_local(local) if self._map else local

    def stored(self, path: str) -> bytes:
        return os.fsencode(self._map.to_stored(path) if self._map else path)

    def mapped_text(self, stored: str | None) -> str | None:
        return self._map.to_local(stored) if self._map and stored else stored


@contextmanager
def reading(catalog: Any) -> Iterator[Reader]:
    """A reader on `catalog`: its own (sqlite3) when it has one, else one on a session of it."""
    own = getattr(catalog, "reader", None)
    if own is not None:
        with own() as reader:
            yield reader
        return
    with catalog.session() as session:
        yield SessionReader(session)


__all__ = ["Reader", "SessionReader", "SqliteReader", "expand", "reading", "scalar"]
