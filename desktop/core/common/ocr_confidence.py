"""When OCR's reading of a picture is too unsure to pass as the whole text: the preview says so.

The recogniser gives each line a score (0..1). On rendered and photographed pages of clean print every
line was read and the mean score was 0.96-0.99; blurred until OCR lost 24 of 25 lines it fell to 0.83,
at low contrast (a line lost) 0.89, at half size (every line, a few words wrong) 0.90
(scripts/benchmarks/ocr_pages.py, README's OCR section). Below HARD_TO_READ the preview adds a note.
"""

from __future__ import annotations

from collections.abc import Iterable

HARD_TO_READ = 0.92  # the mean line score below which a picture's text is flagged as maybe incomplete


def reading_confidence(scores: Iterable[float]) -> float | None:
    """A picture's confidence: the mean of its lines' scores (None when OCR read no line)."""
    values = [float(score) for score in scores]
    return sum(values) / len(values) if values else None


def hard_to_read(scores: Iterable[float]) -> bool:
    confidence = reading_confidence(scores)
    return confidence is not None and confidence < HARD_TO_READ
