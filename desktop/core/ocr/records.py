"""What OCR hands back: plain values that cross the worker process's pipe."""

from __future__ import annotations

from dataclasses import dataclass, field

Point = tuple[float, float]


@dataclass(frozen=True)
class Line:
    text: str
    box: tuple[Point, Point, Point, Point]  # corners, normalised to 0..1 of the picture's width and height
    score: float


@dataclass(frozen=True)
class Reading:
    """One picture read: its lines top to bottom, or none because the gate found no text."""

    lines: tuple[Line, ...] = ()
    gated_out: bool = False  # the cheap detector found no text, so recognition never ran
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Failure:
    reason: str  # a plain sentence fragment: "OCR took longer than 30 s", "OCR crashed (...)"
