"""Putting back the spaces the recogniser drops.

The PP-OCRv4 recogniser (trained mostly on Chinese) often reads an English line without its spaces
("Error0x80070005:accessisdenied"), which no keyword query can find. The CTC output says where each
character sits along the line, and the line's picture says where the ink has gaps as wide as a word
space: a space goes between two characters that such a gap separates. (Measured on DejaVu text
at 14-40 px: the CTC frame gaps alone do not tell word gaps from letter gaps.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

GAP_OF_HEIGHT = 0.3  # a run of ink-free columns this wide (x glyph height) is a word gap, not a letter gap
INK_CONTRAST = 48  # grey levels between ink and the line's background


def word_gaps(crop: np.ndarray) -> list[float]:
    """Centres (in crop pixels) of the ink-free column runs wide enough to be word spaces."""
    grey = crop.mean(axis=2) if crop.ndim == 3 else crop.astype(np.float32)
    height, width = grey.shape
    if height < 4 or width < 4:
        return []
    background = float(np.median(grey))
    ink = np.abs(grey - background) > INK_CONTRAST
    rows = np.nonzero(ink.any(axis=1))[0]
    columns = np.nonzero(ink.any(axis=0))[0]
    if len(rows) < 2 or len(columns) < 2:
        return []
    # The gap is measured against the glyphs' height, not the box's: boxes are padded by varying amounts.
    glyph_height = float(rows[-1] - rows[0] + 1)
    runs = np.diff(columns)
    wide = np.nonzero(runs > max(2.0, GAP_OF_HEIGHT * glyph_height))[0]
    return [float(columns[i] + columns[i + 1]) / 2 for i in wide]


def restore_spaces(text: str, info: Any, crop: np.ndarray) -> str:
    """`info` is rapidocr's word-box record: [frames covering the crop, words, their CTC columns, ...]."""
    try:
        frames = float(info[0])
        columns = [int(c) for word in info[2] for c in word]
    except (TypeError, ValueError, IndexError):
        return text
    # One CTC column per character of `text`, its spaces included.
    if frames <= 0 or len(columns) != len(text) or len(text) < 2:
        return text
    gaps = word_gaps(crop)
    if not gaps:
        return text
    scale = crop.shape[1] / frames
    xs = [(c + 0.5) * scale for c in columns]
    out = [text[0]]
    for i in range(1, len(text)):
        if text[i] != " " and out[-1] != " " and any(xs[i - 1] < g < xs[i] for g in gaps):
            out.append(" ")
        out.append(text[i])
    return "".join(out)
