"""Measuring a model on held-out queries, over the whole library.

Ranking against every item (not only the marked ones) is what the user will feel: a model
that separates the marked 👍 from the marked 👎 but lets a hundred other passages in front
of both has not helped. Scores are exact dot products of normalised vectors, so the
figures do not depend on the HNSW graph's approximation.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sqlalchemy import select

from desktop.core.catalog import Chunk, FileRecord, FileStatus
from desktop.core.common.embedding_input import passage_input
from desktop.core.common.jobs import CancelToken, Job, RateMeter
from desktop.core.common.metrics import hit_rate_at_k, mrr_at_k, ndcg_at_k, recall_at_k
from desktop.core.tuning.examples import QueryMarks, triplets
from desktop.core.workspace import Workspace

K = 10
ENCODE_BATCH = 256


@dataclass(frozen=True)
class Metrics:
    mrr: float  # MRR@10
    ndcg: float  # nDCG@10
    recall: float  # Recall@10
    top3: int  # held-out queries with a right result in the top 3
    queries: int  # held-out queries measured
    triplet_accuracy: float | None = None  # share of (👍, 👎) pairs the model orders right

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def mean(parts: list[Metrics]) -> Metrics:
        """Folds pooled: rates weighted by each fold's query count, counts summed."""
        n = sum(p.queries for p in parts) or 1
        accuracies = [p.triplet_accuracy for p in parts if p.triplet_accuracy is not None]
        return Metrics(
            mrr=sum(p.mrr * p.queries for p in parts) / n,
            ndcg=sum(p.ndcg * p.queries for p in parts) / n,
            recall=sum(p.recall * p.queries for p in parts) / n,
            top3=sum(p.top3 for p in parts),
            queries=sum(p.queries for p in parts),
            triplet_accuracy=sum(accuracies) / len(accuracies) if accuracies else None,
        )


@dataclass(frozen=True)
class Space:
    """Every item of one vector space as a matrix: ids[i] has vector vectors[i]."""

    ids: np.ndarray
    vectors: np.ndarray

    def rank(self, queries: np.ndarray, k: int = K) -> list[list[int]]:
        if not len(self.ids):
            return [[] for _ in range(len(queries))]
        scores = np.asarray(queries, dtype=np.float32) @ self.vectors.T
        k = min(k, scores.shape[1])
        top = np.argpartition(-scores, k - 1, axis=1)[:, :k]
        order = np.take_along_axis(scores, top, axis=1).argsort(axis=1)[:, ::-1]
        return [[int(self.ids[j]) for j in row] for row in np.take_along_axis(top, order, axis=1)]

    def vector(self, item: int) -> np.ndarray | None:
        where = np.flatnonzero(self.ids == item)
        return self.vectors[where[0]] if len(where) else None


def measure(space: Space, query_vectors: np.ndarray, tests: list[QueryMarks], mined: dict[str, int]) -> Metrics:
    """The held-out queries' metrics with these query vectors against this space."""
    rankings = space.rank(query_vectors)
    ranked = [[item in set(t.positives) for item in ranking] for t, ranking in zip(tests, rankings, strict=True)]
    counts = [len(t.positives) for t in tests]
    by_query = {t.query: query_vectors[i] for i, t in enumerate(tests)}
    correct = total = 0
    for query, positive, negative in triplets(tests, mined):
        pos, neg = space.vector(positive), space.vector(negative)
        if pos is None or neg is None:
            continue
        total += 1
        correct += float(by_query[query] @ pos) > float(by_query[query] @ neg)
    return Metrics(
        mrr=mrr_at_k(ranked, K),
        ndcg=ndcg_at_k(ranked, K, n_relevant=counts),
        recall=recall_at_k(ranked, K, n_relevant=counts),
        top3=round(hit_rate_at_k(ranked, 3) * len(tests)),
        queries=len(tests),
        triplet_accuracy=correct / total if total else None,
    )


def stored_space(ws: Workspace, space: str, version_id: int, dim: int) -> Space:
    """The vectors the catalog holds for a model version (what search uses today)."""
    ids, parts = [], []
    for labels, vectors in ws.indexes.rows(space).batches(version_id, dim):
        ids.append(labels)
        parts.append(vectors)
    if not ids:
        return Space(np.zeros(0, np.int64), np.zeros((0, dim), np.float32))
    return Space(np.concatenate(ids), np.concatenate(parts))


POOL = 300  # passages per held-out query that a k-fold round re-embeds (see candidate_pool)


def candidate_pool(before: Space, query_vectors: np.ndarray, tests: list[QueryMarks], mined: dict[str, int],
                   size: int = POOL) -> set[int]:
    """The passages that can make up a held-out query's top 10 after training: its `size` nearest
    under the current model, and every marked or mined passage of it. Re-embedding only these
    instead of the whole library made a k-fold round's measuring cheap (issue 13: ~10 minutes a
    round); a passage outside them would have to overtake `size` closer ones in one short training."""
    pool: set[int] = set()
    for ranking in before.rank(query_vectors, k=size):
        pool.update(ranking)
    for test in tests:
        pool.update(test.positives)
        pool.update(test.negatives)
        if test.query in mined:
            pool.add(mined[test.query])
    return pool


def chunk_inputs(ws: Workspace) -> tuple[np.ndarray, list[str]]:
    """Every indexed passage as the text model reads it when indexing (title, newline, passage)."""
    with ws.catalog.session() as session:
        rows = session.execute(
            select(Chunk.id, FileRecord.title, Chunk.text)
            .join(FileRecord, FileRecord.id == Chunk.file_id)
            .where(FileRecord.status == FileStatus.INDEXED)
            .order_by(Chunk.id)
        ).all()
    return np.array([r[0] for r in rows], dtype=np.int64), [passage_input(title, text) for _, title, text in rows]


def encode_space(encoder: Any, ids: np.ndarray, texts: list[str], cancel: CancelToken, phase: str) -> Job[Space]:
    """Embed passages in batches, checking Cancel between them."""
    meter = RateMeter(total=len(texts))
    parts = []
    for start in range(0, len(texts), ENCODE_BATCH):
        cancel.raise_if_cancelled()
        parts.append(encoder.encode(texts[start : start + ENCODE_BATCH]))
        yield meter.progress(phase, min(len(texts), start + ENCODE_BATCH))
    return Space(ids, np.concatenate(parts) if parts else np.zeros((0, encoder.dim), np.float32))


SNIPPET_CHARS = 600  # of a passage, for a comparison line (its markup takes some of it)


@dataclass(frozen=True)
class Shown:
    """One line of a result list in the wizard's old-vs-new comparison."""

    title: str
    snippet: str
    relevant: bool | None  # True 👍, False 👎, None not marked


def describe(ws: Workspace, kind: str, ranking: list[int], marks: QueryMarks, top: int = 5) -> tuple[Shown, ...]:
    wanted = ranking[:top]
    with ws.catalog.session() as session:
        if kind == "text":
            rows = session.execute(
                select(Chunk.id, FileRecord.path, Chunk.text)
                .join(FileRecord, FileRecord.id == Chunk.file_id)
                .where(Chunk.id.in_(wanted))
            ).all()
        else:
            rows = session.execute(
                select(FileRecord.id, FileRecord.path, FileRecord.title).where(FileRecord.id.in_(wanted))
            ).all()
    # The passage's start with its lines kept: the wizard strips line-based markup (reST underlines,
    # directives) for display, which it can no longer find once the lines are joined.
    found = {r[0]: (os.path.basename(r[1]), (r[2] or "").strip()[:SNIPPET_CHARS]) for r in rows}
    verdict = {**{n: False for n in marks.negatives}, **{p: True for p in marks.positives}}
    return tuple(Shown(*found[i], verdict.get(i)) for i in wanted if i in found)


def evaluate_active(ws: Workspace, judged: list[QueryMarks]) -> Metrics:
    """Documents: how the active text model ranks these judged queries over the whole library."""
    encoder = ws.encoders.query()
    space = stored_space(ws, "text", ws.versions.active_id("text"), encoder.dim)
    return measure(space, encoder.encode([j.query for j in judged], queries=True), judged, {})
