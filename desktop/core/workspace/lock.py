"""One writer per library across processes: an advisory lock on a file in the data dir.

Readers never take it (SQLite WAL lets them read while a writer works). The holder's
pid and job are written into the file so a second process can say who is busy.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Protocol

from desktop.core.common.errors import LibraryBusy

try:
    import fcntl
except ImportError:  # Windows: fall back to msvcrt byte-range locks
    fcntl = None  # type: ignore[assignment]
    import msvcrt


class WriterLock(Protocol):
    """What writers ask of a library's lock: this file lock in a folder library, server/lock.py's
    advisory locks on a server (where several indexers share it and claim files)."""

    @property
    def held(self) -> bool: ...

    def acquire(self, what: str, *, wait_seconds: float = 0.0, shared: bool = False) -> None: ...

    def release(self) -> None: ...

    def planning(self) -> AbstractContextManager[None]: ...

    def claim(self, file_ids: Iterable[int]) -> set[int]: ...

    def unclaim(self, file_ids: Iterable[int]) -> None: ...

    def wait_for(self, file_ids: Iterable[int]) -> None: ...


class WriteLock:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._depth = 0  # re-entrant within one process (e.g. index inside a larger job)

    def acquire(self, what: str, *, wait_seconds: float = 0.0, shared: bool = False) -> None:
        """`shared` is for a server library's writers (server/lock.py); a folder has one writer."""
        if self._depth:
            self._depth += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_seconds
        while True:
            if _try_lock(fd):
                break
            if time.monotonic() >= deadline:
                holder = _read_holder(fd)
                os.close(fd)
                raise LibraryBusy(
                    f"The library is busy: {holder or 'another semdesk process'} is writing to it. "
                    "Searching still works; try again when it has finished."
                )
            time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, f"semdesk process {os.getpid()} ({what})".encode())
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        if not self._depth:
            return
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            os.ftruncate(self._fd, 0)
            _unlock(self._fd)
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._depth > 0

    # The server library's coordination between writers that run at once (server/lock.py). Here the
    # holder is the only writer, so there is nothing to wait for and every file is its own.

    @contextmanager
    def planning(self) -> Iterator[None]:
        yield

    def claim(self, file_ids: Iterable[int]) -> set[int]:
        return {int(i) for i in file_ids}

    def unclaim(self, file_ids: Iterable[int]) -> None:
        return None

    def wait_for(self, file_ids: Iterable[int]) -> None:
        return None


def _try_lock(fd: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _unlock(fd: int) -> None:
    if fcntl is not None:
        fcntl.flock(fd, fcntl.LOCK_UN)
    else:
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)


def _read_holder(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode(errors="replace").strip()
    except OSError:
        return ""
