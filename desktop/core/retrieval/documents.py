"""A document's extracted text, as the passages' offsets refer to it (previews read it)."""

from __future__ import annotations

import os

from desktop.core.catalog import FileRecord
from desktop.core.common.errors import SemdeskError, SkipFile
from desktop.core.ingest.extract import extract_text
from desktop.core.ingest.read import read_stable
from desktop.core.workspace import Workspace


def document_text(ws: Workspace, file_id: int) -> str:
    with ws.catalog.session() as session:
        record = session.get(FileRecord, file_id)
        if record is None:
            raise SemdeskError("That file is no longer in the library.")
        path = record.path
    try:
        data, _ = read_stable(path, max_bytes=int(ws.settings.get("max_text_mb")) * 1024 * 1024)
        return extract_text(data, os.path.basename(path)).text
    except SkipFile as skip:
        raise SemdeskError(f"Cannot show {os.path.basename(path)}: {skip.reason}.") from None
