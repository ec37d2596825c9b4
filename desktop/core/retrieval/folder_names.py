"""The folder names a `folder:` operator can name: every directory above an indexed file,
below the library folder that holds it (the folders the user added are named too)."""

from __future__ import annotations

import os

from desktop.core.catalog import reads
from desktop.core.catalog.reader import reading
from desktop.core.workspace import Workspace


def folder_names(ws: Workspace) -> list[str]:
    with reading(ws.catalog) as reader:
        rows = reads.indexed_paths_with_folders(reader)
    names: set[str] = set()
    parents: set[tuple[str, str]] = {(os.path.dirname(path), root) for path, root in rows}
    for parent, root in parents:
        base = os.path.dirname(root.rstrip("/"))
        relative = os.path.relpath(parent, base) if parent.startswith(base) else os.path.basename(parent)
        names.update(part for part in relative.split(os.sep) if part and part not in (".", ".."))
    return sorted(names, key=str.casefold)
