"""The one way semdesk replaces a file: write a temp file beside it, fsync, rename, fsync the folder.

A crash at any moment leaves the old file or the new one, never half of one; a failed write
(disk full) leaves the old file and no temp file behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable (no-op where folders cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_atomically(target: Path, write: Callable[[str], None], *, durable: bool = True) -> None:
    """`write(temp_path)` fills a temp file, which then replaces `target`.

    `durable=False` skips the fsyncs, for caches that can be made again (thumbnails)."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(temp)
        if durable:
            with open(temp, "rb+") as handle:
                os.fsync(handle.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    if durable:
        fsync_dir(target.parent)


def write_bytes_atomically(target: Path, data: bytes, *, durable: bool = True) -> None:
    write_atomically(target, lambda temp: Path(temp).write_bytes(data), durable=durable)


def write_text_atomically(target: Path, text: str, *, durable: bool = True) -> None:
    write_atomically(
        target, lambda temp: Path(temp).write_text(text, encoding="utf-8", errors="surrogateescape"), durable=durable
    )


def read_json_records(path: Path) -> dict[str, Any]:
    """A cache file of records written with write_text_atomically: its dict, or {} when it is missing,
    unreadable or not a dict (a cache is remade, never trusted)."""
    import json

    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}
