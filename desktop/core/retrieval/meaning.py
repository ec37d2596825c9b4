"""The query vector: the words, plus a photo or document it should look like, minus what it
should not be about - rclip's arithmetic (its `+` and `-` queries): unit vectors summed with
weights, the negatives subtracted, the sum normalised again.

Subtracting a negative's vector moves the query away from everything near that text, so
"beach -people" ranks empty beaches above crowded ones even where no file name says "people";
the keyword side (retrieval/constraints.py) removes what literally says it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from desktop.core.common.vector_codec import normalise

NEGATIVE_WEIGHT = 1.0  # rclip's: each negative counts as much as the positive (measured: bench negatives)
LIKE_WEIGHT = 1.0  # the example's weight next to the words' (1.0: rclip's plain sum)


def query_vector(
    encode: Callable[[str], np.ndarray],
    text: str,
    negatives: Sequence[str] = (),
    *,
    like: np.ndarray | None = None,
) -> np.ndarray | None:
    """normalise(like + words - sum(negatives)); None when there is nothing positive to look for."""
    parts: list[np.ndarray] = []
    if like is not None:
        parts.append(LIKE_WEIGHT * _unit(like))
    if text.strip():
        parts.append(_unit(encode(text)))
    if not parts:
        return None
    vector = np.sum(parts, axis=0)
    for negative in negatives:
        vector = vector - NEGATIVE_WEIGHT * _unit(encode(negative))
    if not np.any(vector):
        return None
    return normalise(vector.astype(np.float32))


def _unit(vector: np.ndarray) -> np.ndarray:
    return normalise(np.asarray(vector, dtype=np.float32).reshape(-1))
