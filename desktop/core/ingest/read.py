"""Read a file's bytes safely: size limit first, and a consistent snapshot.

A file being written while we read it would give a hash and text that match no
version of the file, so the stat is compared before and after the read.
"""

from __future__ import annotations

import hashlib
import os
import stat
from typing import BinaryIO

from desktop.core.common.errors import SkipFile

_MB = 1024 * 1024


def read_stable(path: str, *, max_bytes: int) -> tuple[bytes, os.stat_result]:
    """Return (data, stat) of `path`, or raise SkipFile with a reason a person understands."""
    for _attempt in range(2):
        try:
            result = _read_once(path, max_bytes)
        except SkipFile:
            raise
        except FileNotFoundError:
            raise SkipFile("file disappeared before it could be read") from None
        except PermissionError:
            raise SkipFile("permission denied: the file could not be read") from None
        except IsADirectoryError:
            raise SkipFile("this is a folder, not a file") from None
        except OSError as error:
            reason = (error.strerror or str(error) or type(error).__name__).lower()
            raise SkipFile(f"the file could not be read: {reason}") from None
        if result is not None:
            data, st = result
            if not data:
                raise SkipFile("empty file")
            return data, st
    raise SkipFile("file kept changing while it was being read")


def _read_once(path: str, max_bytes: int) -> tuple[bytes, os.stat_result] | None:
    """One attempt; None when the file changed during the read."""
    with open(path, "rb") as f:
        # fstat on the open handle: a file replaced by rename still reads consistently.
        before = os.fstat(f.fileno())
        if not stat.S_ISREG(before.st_mode):
            raise SkipFile("not a regular file")
        if before.st_size > max_bytes:
            raise SkipFile(
                f"file is too large ({_mb(before.st_size)} MB; the limit is {_mb(max_bytes)} MB)"
            )
        # One byte over the limit tells us the file grew past it while we read.
        data = _read_all(f, max_bytes + 1)
        after = os.fstat(f.fileno())
    unchanged = (
        len(data) == before.st_size == after.st_size and before.st_mtime_ns == after.st_mtime_ns
    )
    return (data, after) if unchanged else None


def _read_all(f: BinaryIO, limit: int) -> bytes:
    # A seam for tests that simulate a writer racing the reader.
    return f.read(limit)


def _mb(n: int) -> str:
    value = n / _MB
    return f"{value:.0f}" if value >= 10 else f"{value:.2g}"


def content_hash(data: bytes) -> str:
    """Identity of a file's content: 64 hex chars, stable across renames and moves."""
    return hashlib.blake2b(data, digest_size=32).hexdigest()
