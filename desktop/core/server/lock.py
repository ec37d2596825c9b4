"""Writers of a server library, across desktops: PostgreSQL advisory locks instead of the embedded
library's lock file. They live in a connection of their own, so a process that dies (kill -9, a
pulled cable) loses them when the server notices the connection is gone, and its open transaction
is rolled back: nothing half-written stays, and nothing stays claimed.

Several desktops index at once; they coordinate per file and per batch, not per job:
- indexers hold the writer lock *shared* (`acquire(..., shared=True)`); everything else that writes
  (removing a folder, switching models, receiving a copy) holds it exclusively, so it waits for the
  indexers and they for it (up to `wait_seconds`, default WAIT);
- `planning()`: one writer at a time changes the folder list and records what its scan found (a
  folder added inside another merges it; two scans of one folder would insert the same new paths);
- `claim(file_ids)`: before a file is read, its writer takes an advisory lock on (CLAIM_SPACE,
  file id) without waiting; a file another writer holds is left to it. The claim is dropped once
  the batch holding the file commits (`unclaim`), so a batch is one transaction and a file's rows
  are written by one writer. `wait_for` waits until other writers' batches holding some files end.
Readers never take any of these (PostgreSQL's MVCC lets them read while writers work).
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from desktop.core.common.errors import LibraryBusy
from desktop.core.server.catalog import ServerCatalog
from desktop.core.server.schema import CLAIM_SPACE, PLANNING_LOCK, WRITER_LOCK

WAIT = 600.0
POLL = 0.25


class ServerWriteLock:
    def __init__(self, catalog: ServerCatalog, *, wait_seconds: float = WAIT) -> None:
        self._catalog = catalog
        self._wait = wait_seconds
        self._conn: Connection | None = None
        self._depth = 0
        self._shared = False
        self._claims: set[int] = set()
        self._mutex = threading.RLock()

    def acquire(self, what: str, *, wait_seconds: float | None = None, shared: bool = False) -> None:
        """`shared`: a job that coordinates per file with other writers (indexing). Re-entered, the
        lock keeps the mode it was first taken in."""
        with self._mutex:
            if self._depth:
                self._depth += 1
                return
            conn = self._catalog.engine.connect()
            conn.detach()  # closed for good on release: a pooled connection would keep a lock it still held
            label = f"semdesk {what} on {socket.gethostname()} pid {os.getpid()}"
            conn.execute(text("SELECT set_config('application_name', :a, false)"), {"a": label[:63]})
            conn.commit()
            attempt = text(f"SELECT pg_try_advisory_lock{'_shared' if shared else ''}(:k)")
            deadline = time.monotonic() + max(self._wait if wait_seconds is None else wait_seconds, 0.0)
            while not conn.execute(attempt, {"k": WRITER_LOCK}).scalar():
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
            self._conn, self._depth, self._shared = conn, 1, shared

    def _holder(self, conn: Connection) -> str:
        row = conn.execute(text(
            "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k AND l.pid <> pg_backend_pid() LIMIT 1"
        ), {"k": WRITER_LOCK & 0xFFFFFFFF}).scalar()
        return str(row).removeprefix("semdesk ").strip() if row else ""

    def release(self) -> None:
        with self._mutex:
            if not self._depth:
                return
            self._depth -= 1
            if self._depth == 0 and self._conn is not None:
                try:
                    unlock = f"SELECT pg_advisory_unlock{'_shared' if self._shared else ''}(:k)"
                    self._conn.execute(text(unlock), {"k": WRITER_LOCK})
                    self._conn.commit()
                finally:
                    self._conn.close()  # closing also frees it and every claim, should the unlock have failed
                    self._conn = None
                    self._claims.clear()

    @property
    def held(self) -> bool:
        return self._depth > 0

    # -- coordination between writers that run at once --------------------------------------------

    @contextmanager
    def planning(self) -> Iterator[None]:
        """Hold the planning lock for the block (waiting for another writer's planning to end)."""
        with self._mutex:
            conn = self._conn
            if conn is not None:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PLANNING_LOCK})
                conn.commit()
        try:
            yield
        finally:
            with self._mutex:
                if conn is not None and self._conn is conn:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PLANNING_LOCK})
                    conn.commit()

    def claim(self, file_ids: Iterable[int]) -> set[int]:
        """The files of `file_ids` this writer now holds: those no other writer holds (no waiting)."""
        wanted = [int(i) for i in file_ids]
        with self._mutex:
            if self._conn is None:
                return set(wanted)  # not a writer: nobody to coordinate with
            new = sorted(set(wanted) - self._claims)
            if new:
                got = self._conn.execute(text(
                    "SELECT id FROM unnest(CAST(:ids AS integer[])) AS id WHERE pg_try_advisory_lock(:s, id)"
                ), {"ids": new, "s": CLAIM_SPACE}).scalars().all()
                self._conn.commit()
                self._claims.update(int(i) for i in got)
            return {i for i in wanted if i in self._claims}

    def unclaim(self, file_ids: Iterable[int]) -> None:
        with self._mutex:
            held = sorted(self._claims.intersection(int(i) for i in file_ids))
            if self._conn is None or not held:
                return
            self._conn.execute(text("SELECT pg_advisory_unlock(:s, id) FROM unnest(CAST(:ids AS integer[])) AS id"),
                               {"ids": held, "s": CLAIM_SPACE})
            self._conn.commit()
            self._claims.difference_update(held)

    def wait_for(self, file_ids: Iterable[int]) -> None:
        """Return once no other writer holds any of these files (their batches have committed or died).
        Call it holding no claims of one's own, or two writers could wait on each other."""
        with self._mutex:
            if self._conn is None:
                return
            for file_id in sorted(set(int(i) for i in file_ids) - self._claims):
                self._conn.execute(text("SELECT pg_advisory_lock_shared(:s, :id)"), {"s": CLAIM_SPACE, "id": file_id})
                self._conn.execute(text("SELECT pg_advisory_unlock_shared(:s, :id)"),
                                   {"s": CLAIM_SPACE, "id": file_id})
                self._conn.commit()
