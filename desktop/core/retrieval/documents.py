"""A document's extracted text, as the passages' offsets refer to it (previews read it), and the
lines OCR read in a picture with their boxes (the preview outlines them)."""

from __future__ import annotations

import json
import os

from desktop.core.catalog import reads
from desktop.core.catalog.reader import reading
from desktop.core.common.errors import SemdeskError, SkipFile
from desktop.core.common.records import PictureLine
from desktop.core.ingest.extract import extract_text
from desktop.core.ingest.read import read_stable
from desktop.core.workspace import Workspace


def document_text(ws: Workspace, file_id: int) -> str:
    with reading(ws.catalog) as reader:
        source = reads.text_source(reader, file_id)
    if source is None:
        raise SemdeskError("That file is no longer in the library.")
    path, kind, ocr_text, ocr_base = source
    if kind == "image" or (ocr_text is not None and ocr_base == 0):
        return ocr_text or ""  # a photo's or a scan's text is what OCR read (its offsets start at 0)
    try:
        data, _ = read_stable(path, max_bytes=int(ws.settings.get("max_text_mb")) * 1024 * 1024)
        text = extract_text(data, os.path.basename(path)).text
    except SkipFile as skip:
        raise SemdeskError(f"Cannot show {os.path.basename(path)}: {skip.reason}.") from None
    if ocr_text is not None and len(text) + 2 == ocr_base:
        return f"{text}\n\n{ocr_text}"  # a PDF with scanned pages: OCR's text follows its own
    return text


def picture_lines(ws: Workspace, file_id: int) -> list[PictureLine]:
    """Every line OCR read in a file, in reading order (empty when OCR found none)."""
    with reading(ws.catalog) as reader:
        rows = reads.ocr_lines(reader, file_id)
    return [
        PictureLine(page, start, end, tuple((float(x), float(y)) for x, y in json.loads(box)), score)
        for page, start, end, box, score in rows
    ]
