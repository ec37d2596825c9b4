"""Saving and vetting hnswlib files on disk.

hnswlib's own save_index truncates and rewrites in place with no fsync, and its loader
trusts every byte: a damaged file can crash the process (hnswlib #673, #295) and a file
of another dimension loads silently and answers garbage. So files are written to a temp
name, synced and renamed, and nothing is handed to the loader unless its SHA-256 matches
the stamp in the catalog and its header agrees on the dimension.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

from desktop.core.common import atomic
from desktop.core.common.checksum import sha256_file

# hnswlib 0.8 header: offsetLevel0, max_elements, cur_element_count, size_data_per_element,
# label_offset, offsetData (size_t each), then maxlevel (int) ...
_HEADER = struct.Struct("<6Q")


def header_dim(path: Path) -> int | None:
    """The float32 dimension a file was built with, read from its header; None if unreadable."""
    try:
        with open(path, "rb") as f:
            head = f.read(_HEADER.size)
    except OSError:
        return None
    if len(head) < _HEADER.size:
        return None
    *_, label_offset, offset_data = _HEADER.unpack(head)
    data_size = label_offset - offset_data  # the vector sits between the links and the label
    if data_size <= 0 or data_size % 4:
        return None
    return data_size // 4


def write_atomically(target: Path, write: Callable[[str], None]) -> str:
    """Have `write(path)` fill a temp file that then replaces `target` (common.atomic); returns the
    SHA-256 of what was written. On any error `target` is untouched, so its stamp stays valid."""
    digest = ""

    def fill(temp: str) -> None:
        nonlocal digest
        write(temp)
        digest = sha256_file(Path(temp))

    atomic.write_atomically(target, fill)
    return digest
