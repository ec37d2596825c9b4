"""The fallback for a folder that change notices cannot cover: a cheap periodic scan.

Each round walks the folder as an index scan would (same hidden and exclude rules) and
compares every file's size and modification time with the round before; only paths that
differ go into the change buffer. Nothing is read or hashed, so an idle round costs one
stat per file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from desktop.core.ingest.scan import ScanEntry, scan_folder

Snapshot = dict[str, tuple[int, float]]


def snapshot(root: str, *, exclude: Sequence[str], include_hidden: bool, follow_symlinks: bool,
             skip_dirs: Sequence[str]) -> Snapshot | None:
    """size and mtime of every indexable file under `root`; None when the folder is not there."""
    if not os.path.isdir(root):
        return None
    try:
        return {
            entry.path: (entry.size, entry.mtime)
            for entry in scan_folder(root, exclude=exclude, include_hidden=include_hidden,
                                     follow_symlinks=follow_symlinks, skip_dirs=skip_dirs)
            if isinstance(entry, ScanEntry)
        }
    except FileNotFoundError:  # unplugged mid-walk
        return None


def differences(root: str, before: Snapshot | None, after: Snapshot | None) -> set[str]:
    """Paths added, removed or changed between two rounds. A folder that vanished reports nothing:
    an unplugged drive is not a deletion (the indexer keeps its files); one that came back is
    reported as the folder itself, for the indexer to walk once."""
    if after is None:
        return set()
    if before is None:
        return {root}
    changed = {path for path, stamp in after.items() if before.get(path) != stamp}
    return changed | (before.keys() - after.keys())
