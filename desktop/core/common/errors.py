"""Errors the user may see, and the one policy that turns any error into a sentence for a person."""

from __future__ import annotations

import errno
import logging
import traceback
from pathlib import Path

log = logging.getLogger("semdesk")


class SemdeskError(Exception):
    """Base class: str(error) is a plain sentence the CLI and GUI show as-is."""


class LibraryBusy(SemdeskError):
    pass


class CatalogTooNew(SemdeskError):
    pass


class CatalogDamaged(SemdeskError):
    pass


class ModelUnavailable(SemdeskError):
    pass


class ModelFilesChanged(ModelUnavailable):
    """A known model's file is missing or not the one it was released with (its SHA-256 differs).

    `file` is the file's path, which the message names, so the person knows what to replace."""

    def __init__(self, message: str, file: Path) -> None:
        super().__init__(message)
        self.file = file


class ClipUnavailable(ModelUnavailable):
    """No CLIP weights could be found. Text search keeps working."""


class Cancelled(SemdeskError):
    def __init__(self, message: str = "Cancelled.") -> None:
        super().__init__(message)


class SkipFile(Exception):
    """Raised by extractors/decoders: the file is recorded as skipped with `reason`."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DiskFull(SemdeskError):
    """The disk (or quota) is full; what was being written was rolled back."""


# SQLite primary result codes (sqlite3.h): the low byte of an extended code.
_SQLITE_CORRUPT, _SQLITE_FULL, _SQLITE_NOTADB = 11, 13, 26
_DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


def sqlite_code(error: BaseException) -> int | None:
    """The primary SQLite result code behind `error` (a sqlite3 or SQLAlchemy wrapped one), else None.

    Classified by code, never by message text: messages change between SQLite versions and locales."""
    inner = getattr(error, "orig", None) or error
    code = getattr(inner, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_disk_full(error: BaseException) -> bool:
    if isinstance(error, DiskFull):
        return True
    if isinstance(error, OSError) and error.errno in _DISK_FULL_ERRNOS:
        return True
    return sqlite_code(error) == _SQLITE_FULL


def is_damaged_database(error: BaseException) -> bool:
    return sqlite_code(error) in (_SQLITE_CORRUPT, _SQLITE_NOTADB)


def describe(error: BaseException, doing: str = "", log_path: Path | None = None) -> str:
    """The one sentence a person is shown for `error`, in the CLI and in the window alike.

    `doing` says when it happened, as "while searching". A SemdeskError's message is already
    written for people. A full disk, memory or a system error is said in plain words. Anything
    else is a bug: its traceback goes to the log and the user is told where it is."""
    when = f" {doing}" if doing else ""
    if isinstance(error, SemdeskError):
        return str(error)
    if is_disk_full(error):
        return f"The disk is full, so semdesk stopped{when}; nothing was lost. Free some space and try again."
    if isinstance(error, MemoryError):
        return f"There was not enough memory{when}. Close other programs and try again."
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"Something went wrong{when}: {error.strerror}{where}."
    log.error("Unexpected error%s:\n%s", when, "".join(traceback.format_exception(error)))
    where = f" The details were written to {log_path}." if log_path else ""
    return f"Something went wrong{when or ' unexpectedly'}. It is not your fault.{where}"
