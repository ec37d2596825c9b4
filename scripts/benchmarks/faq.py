"""FAQ chunk judgements for the int8 and tune sections (the quality section has leak-free sets:
quality.py)."""

from __future__ import annotations

import re
from typing import Any

QUESTION = re.compile(r"^(?P<q>[A-Z][^\n]{10,120}\?)\n-{5,}\n", re.MULTILINE)
HEADING = re.compile(r"^[^\n]+\n([-=~^*#\"'+])\1{4,}[ \t]*$", re.MULTILINE)


def faq_judgements(lib: Any) -> list[tuple[str, set[int]]]:
    """(question, ids of the chunks overlapping its answer section) for every FAQ question."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        files = session.execute(select(FileRecord.id, FileRecord.path).order_by(FileRecord.path)).all()
        chunks = session.execute(select(Chunk.id, Chunk.file_id, Chunk.start, Chunk.end)).all()
    by_file: dict[int, list[tuple[int, int, int]]] = {}
    for cid, fid, start, end in chunks:
        by_file.setdefault(fid, []).append((cid, start, end))
    judged = []
    for file_id, _path in files:
        text = lib.document_text(file_id)  # offsets of chunks refer to the extracted text
        headings = [m.start() for m in HEADING.finditer(text)]
        for match in QUESTION.finditer(text):
            start = match.start()
            end = next((h for h in headings if h > start), len(text))
            need = min(20, end - start)
            relevant = {cid for cid, a, b in by_file.get(file_id, []) if min(b, end) - max(a, start) >= need}
            if relevant:
                judged.append((match["q"], relevant))
    return judged
