"""The user's marks turned into training and test examples.

A query's 👍 marks are its positives and its 👎 marks its hard negatives. Examples are
grouped per query because evaluation must never see a query that training saw: a model
that memorised "how do I exit python" would otherwise look brilliant on it.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select

from desktop.core.catalog import Chunk, FileRecord, FileStatus, Mark, PhotoVector
from desktop.core.common.embedding_input import passage_input
from desktop.core.common.errors import SemdeskError
from desktop.core.workspace import Workspace

SPLIT_AT = 8  # from this many marked queries on, one held-out split; below it, k-fold
HELD_OUT_SHARE = 0.3
MAX_FOLDS = 3
MIN_QUERIES = 2  # k-fold needs two queries; fewer cannot be trained *and* measured
SEED = 13


@dataclass(frozen=True)
class QueryMarks:
    """Everything one query taught: item ids (chunk ids for text, file ids for photos) and texts."""

    query: str
    positives: tuple[int, ...]
    negatives: tuple[int, ...] = ()
    # Text only: what the model reads for each item (title + passage, as when indexing).
    texts: dict[int, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Split:
    train: tuple[QueryMarks, ...]
    test: tuple[QueryMarks, ...]


def text_marks(ws: Workspace) -> list[QueryMarks]:
    """Text marks per query; marks whose passage left the library are dropped (nothing to point at)."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(Mark.query, Mark.chunk_id, Mark.relevant, Chunk.text, FileRecord.title)
            .join(Chunk, Chunk.id == Mark.chunk_id)
            .join(FileRecord, FileRecord.id == Chunk.file_id)
            .where(Mark.kind == "text", FileRecord.status == FileStatus.INDEXED)
            .order_by(Mark.query, Mark.id)
        ).all()
    return _group((q, chunk_id, relevant, passage_input(title, text)) for q, chunk_id, relevant, text, title in rows)


def photo_marks(ws: Workspace, image_version: int) -> list[QueryMarks]:
    """Photo marks per query, only photos whose stored vector the training can compare against."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(Mark.query, Mark.file_id, Mark.relevant)
            .join(PhotoVector, PhotoVector.file_id == Mark.file_id)
            .where(Mark.kind == "image", PhotoVector.model_version_id == image_version)
            .order_by(Mark.query, Mark.id)
        ).all()
    return _group((query, file_id, relevant, None) for query, file_id, relevant in rows)


def _group(rows: Iterable[tuple[str, int, bool, str | None]]) -> list[QueryMarks]:
    per_query: dict[str, tuple[list[int], list[int], dict[int, str]]] = {}
    for query, item, relevant, text in rows:
        positives, negatives, texts = per_query.setdefault(query, ([], [], {}))
        (positives if relevant else negatives).append(item)
        if text is not None:
            texts[item] = text
    return [
        QueryMarks(query, tuple(dict.fromkeys(p)), _minus(n, p), t)
        for query, (p, n, t) in per_query.items()
        if p  # a query with only 👎 says what is wrong but not what is right: no positive to learn
    ]


def _minus(items: list[int], drop: list[int]) -> tuple[int, ...]:
    dropped = set(drop)
    return tuple(i for i in dict.fromkeys(items) if i not in dropped)


def check_enough(marks: list[QueryMarks], what: str) -> None:
    if len(marks) < MIN_QUERIES:
        raise SemdeskError(
            f"Tuning needs 👍 marks on {what} for at least {MIN_QUERIES} different searches; you have "
            f"{len(marks)}. Mark the right results for a few more searches (10 or more help most)."
        )


def splits(marks: list[QueryMarks]) -> list[Split]:
    """One held-out split when there are enough queries, else k folds (each query tested once)."""
    shuffled = sorted(marks, key=lambda m: m.query)
    random.Random(SEED).shuffle(shuffled)
    if len(shuffled) >= SPLIT_AT:
        held = max(3, round(len(shuffled) * HELD_OUT_SHARE))
        return [Split(tuple(shuffled[held:]), tuple(shuffled[:held]))]
    folds = min(MAX_FOLDS, len(shuffled))
    return [
        Split(
            tuple(m for i, m in enumerate(shuffled) if i % folds != fold),
            tuple(m for i, m in enumerate(shuffled) if i % folds == fold),
        )
        for fold in range(folds)
    ]


def kept_training(marks: list[QueryMarks]) -> list[QueryMarks]:
    """The marked queries the model that is kept learns from: with one held-out split, its training part
    (the held-out queries only test it); with k-fold, every query (a final round trains on all of them).
    The one count the wizard's estimate and its results both speak of (issue 24: "13 examples" before,
    "Learned from 9 examples ... 10 searches" after)."""
    parts = splits(marks) if marks else []
    return list(parts[0].train) if len(parts) == 1 else list(marks)


def example_count(marks: Iterable[QueryMarks]) -> int:
    """Examples: one per right result marked (each trains paired with a wrong one, marked or mined)."""
    return sum(len(m.positives) for m in marks)


def triplets(marks: Iterable[QueryMarks], mined: dict[str, int]) -> list[tuple[str, int, int]]:
    """(query, positive, negative): every 👍 paired with the query's 👎 in turn, or else with the
    hard negative mined for it (the best-ranked item the user did not call relevant)."""
    out = []
    for m in marks:
        negatives = m.negatives or ((mined[m.query],) if m.query in mined else ())
        for i, positive in enumerate(m.positives):
            if negatives:
                out.append((m.query, positive, negatives[i % len(negatives)]))
    return out
