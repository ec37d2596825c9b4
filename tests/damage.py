"""Ways to damage a SQLite catalog file, shared by the core and GUI damaged-catalog tests."""

from __future__ import annotations

import os
from pathlib import Path

PAGE = 4096


def overwrite_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for start in range(2 * PAGE, len(data) - PAGE, 3 * PAGE):  # every third page past the schema
        data[start : start + PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))


def truncate_catalog(path: Path) -> None:
    with open(path, "r+b") as f:
        f.truncate(path.stat().st_size // 3)


def garbage_header(path: Path) -> None:
    """The header page: SQLite cannot read anything."""
    data = bytearray(path.read_bytes())
    data[:PAGE] = os.urandom(PAGE)
    path.write_bytes(bytes(data))
