"""One writer at a time per server library, across desktops: a PostgreSQL advisory lock instead of the
embedded library's lock file. The lock lives in a connection of its own, so a process that dies
(kill -9, a pulled cable) loses it when the server notices the connection is gone, and its open
transaction is rolled back: nothing half-written stays.

Unlike the lock file, a second writer waits for its turn (up to `wait_seconds`, default WAIT): a
shared library expects several desktops to add folders, and each then finds what the other already
indexed unchanged. Readers never take it (PostgreSQL's MVCC lets them read while a writer works).
"""

from __future__ import annotations

import os
import socket
import threading
import time

from sqlalchemy import Connection, text

from desktop.core.common.errors import LibraryBusy
from desktop.core.server.catalog import ServerCatalog
from desktop.core.server.schema import WRITER_LOCK

WAIT = 600.0
POLL = 0.25


class ServerWriteLock:
    def __init__(self, catalog: ServerCatalog, *, wait_seconds: float = WAIT) -> None:
        self._catalog = catalog
        self._wait = wait_seconds
        self._conn: Connection | None = None
        self._depth = 0
        self._mutex = threading.RLock()

    def acquire(self, what: str, *, wait_seconds: float | None = None) -> None:
        with self._mutex:
            if self._depth:
                self._depth += 1
                return
            conn = self._catalog.engine.connect()
            conn.detach()  # closed for good on release: a pooled connection would keep a lock it still held
            label = f"semdesk {what} on {socket.gethostname()} pid {os.getpid()}"
            conn.execute(text("SELECT set_config('application_name', :a, false)"), {"a": label[:63]})
            conn.commit()
            deadline = time.monotonic() + max(self._wait if wait_seconds is None else wait_seconds, 0.0)
            while not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": WRITER_LOCK}).scalar():
                conn.commit()
                if time.monotonic() >= deadline:
                    holder = self._holder(conn)
                    conn.close()
                    raise LibraryBusy(
                        f"The library is busy: {holder or 'another semdesk'} is writing to it. "
                        "Searching still works; try again when it has finished."
                    )
                time.sleep(POLL)
            conn.commit()
            self._conn, self._depth = conn, 1

    def _holder(self, conn: Connection) -> str:
        row = conn.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k LIMIT 1"
        ), {"k": WRITER_LOCK & 0xFFFFFFFF}).scalar()
        return str(row).removeprefix("semdesk ").strip() if row else ""

    def release(self) -> None:
        with self._mutex:
            if not self._depth:
                return
            self._depth -= 1
            if self._depth == 0 and self._conn is not None:
                try:
                    self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": WRITER_LOCK})
                    self._conn.commit()
                finally:
                    self._conn.close()  # closing also frees it, should the unlock have failed
                    self._conn = None

    @property
    def held(self) -> bool:
        return self._depth > 0
