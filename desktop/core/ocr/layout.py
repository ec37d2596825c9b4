"""Recognised lines as one text: lines joined by newlines, pages by blank lines, with each line's
offsets in it (passages and the preview's outlines refer to them)."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.ocr.records import Line


@dataclass(frozen=True)
class PlacedLine:
    page: int
    start: int
    end: int
    line: Line


def lay_out(pages: list[tuple[int, tuple[Line, ...]]]) -> tuple[str, list[PlacedLine]]:
    parts: list[str] = []
    placed: list[PlacedLine] = []
    offset = 0
    for page, lines in pages:
        if not lines:
            continue
        if parts:
            parts.append("\n")  # a blank line between pages
            offset += 1
        for line in lines:
            if parts and not parts[-1].endswith("\n"):
                parts.append("\n")
                offset += 1
            placed.append(PlacedLine(page, offset, offset + len(line.text), line))
            parts.append(line.text)
            offset += len(line.text)
        parts.append("\n")
        offset += 1
    text = "".join(parts)
    return text.rstrip("\n"), placed
