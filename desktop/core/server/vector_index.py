"""Vector search in a server library: pgvector's HNSW indexes inside the database, a
vectors.ports.VectorIndex (ensure / query / exact / add / remove / save), so search, similar, maps and
tuning call it as they call the embedded hnswlib index.

The rows are the index: there is nothing to load, rebuild, add or save on a desktop, and every
desktop sees every other one's commits at once. One partial HNSW index per model version, on
`vector::vector(dim)` (the column itself has no fixed dimension), cosine distance. Only a writer
(the holder of the library's write lock) creates one: CREATE INDEX waits for open writes, and
readers must never wait. Until it exists, a query is an exact scan - slower, never wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

import numpy as np
from sqlalchemy import Connection, text

from desktop.core.catalog.vector_rows import TABLES
from desktop.core.common.vector_codec import normalise
from desktop.core.server.catalog import ServerCatalog
from desktop.core.server.schema import HNSW_LOCK
from desktop.core.vectors.ports import Hits

log = logging.getLogger(__name__)

EXACT_BELOW = 2000  # an `allowed` set smaller than this is scored exactly (as the embedded index does)
EF_SEARCH = 128  # candidates per graph walk, the embedded index's value
EF_MAX = 1000  # pgvector's ceiling for hnsw.ef_search
M, EF_CONSTRUCTION = 16, 64


def index_name(table: str, mv: int, dim: int) -> str:
    return f"{table}_hnsw_v{int(mv)}_d{int(dim)}"


class ServerVectorIndex:
    def __init__(self, catalog: ServerCatalog, space: str, may_create: Callable[[], bool]) -> None:
        self.space = space
        self._catalog = catalog
        self._table, self._column = TABLES[space]
        self._may_create = may_create
        self._mv: int | None = None
        self._dim: int | None = None
        self._has_graph = False
        self.last_load = ""

    @property
    def dim(self) -> int | None:
        return self._dim

    @property
    def model_version_id(self) -> int | None:
        return self._mv

    @property
    def count(self) -> int:
        if self._mv is None:
            return 0
        sql = f"SELECT count(*) FROM {self._table} WHERE model_version_id = :mv"
        with self._catalog.engine.connect() as conn:
            return int(conn.execute(text(sql), {"mv": self._mv}).scalar_one())

    def ensure(self, model_version_id: int, dim: int) -> None:
        """Answer for this model version from now on; a writer makes its HNSW index if it is missing."""
        same = (self._mv, self._dim) == (model_version_id, dim)
        self._mv, self._dim = int(model_version_id), int(dim)
        if same and self._has_graph:
            self.last_load = "current"
            return
        name = index_name(self._table, self._mv, self._dim)
        with self._catalog.engine.connect() as conn:
            self._has_graph = conn.execute(text("SELECT to_regclass(:n)"), {"n": name}).scalar() is not None
            if not self._has_graph and self._may_create():
                self._create(conn, name)
                self._has_graph = True
                self.last_load = "rebuilt"
                return
        self.last_load = "current" if self._has_graph else "exact"

    def _create(self, conn: Connection, name: str) -> None:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": HNSW_LOCK})  # one desktop builds it
        conn.execute(text(
            f"CREATE INDEX IF NOT EXISTS {name} ON {self._table} USING hnsw "
            f"((vector::vector({self._dim})) vector_cosine_ops) WITH (m = {M}, ef_construction = {EF_CONSTRUCTION}) "
            f"WHERE model_version_id = {self._mv}"
        ))
        conn.commit()
        log.info("made the pgvector index %s", name)

    # -- the embedded index's writing calls: the committed rows already are the index ---------------

    def add(self, labels: np.ndarray, vectors: np.ndarray, *, model_version_id: int | None = None) -> None:
        return None

    def remove(self, labels: Iterable[int]) -> None:
        return None

    def save(self) -> None:
        return None

    # -- reading ------------------------------------------------------------------------------------

    def query(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """The k nearest items as (label, cosine similarity), best first; within `allowed` if given."""
        if self._mv is None or self._dim is None or k <= 0 or (allowed is not None and not allowed):
            return []
        q = normalise(np.asarray(vector, dtype=np.float32).reshape(-1))
        if allowed is not None and len(allowed) < EXACT_BELOW:
            return self._nearest(q, k, allowed, graph=False)
        hits = self._nearest(q, k, allowed, graph=True)
        if allowed is not None and len(hits) < k:  # the walk's candidates were mostly filtered out
            return self._nearest(q, k, allowed, graph=False)
        return hits

    def exact(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """Every row scored: the ground truth for recall."""
        if self._mv is None or k <= 0:
            return []
        return self._nearest(normalise(np.asarray(vector, dtype=np.float32).reshape(-1)), k, allowed, graph=False)

    def _nearest(self, q: np.ndarray, k: int, allowed: set[int] | None, *, graph: bool) -> Hits:
        """One query for both paths. The graph walk orders by the HNSW index's own expression (the
        column cast to this version's dimension) and nothing else, or the planner could not use the
        index; the exact path orders by the uncast column, which matches no index, so every row of
        the dimension is scored (ties broken by label, as the embedded index's exact scan does)."""
        if graph:
            distance = f"vector::vector({self._dim}) <=> CAST(:q AS vector({self._dim}))"
            where, order = f"model_version_id = {self._mv}", distance
        else:
            distance = "vector <=> CAST(:q AS vector)"
            where = f"model_version_id = {self._mv} AND vector_dims(vector) = {self._dim}"
            order = f"d, {self._column}"
        params: dict[str, object] = {"q": q, "k": int(k)}
        if allowed is not None:
            where += f" AND {self._column} = ANY(:ids)"
            params["ids"] = sorted(int(i) for i in allowed)
        sql = f"SELECT {self._column}, {distance} AS d FROM {self._table} WHERE {where} ORDER BY {order} LIMIT :k"
        with self._catalog.engine.connect() as conn:
            if graph:
                # As hnswlib does (a walk keeps max(ef, k) candidates): twice k doubled the walk for
                # a document search's k=160 and bought no ranking the embedded library does not have.
                ef = EF_MAX if allowed is not None else min(EF_MAX, max(EF_SEARCH, k))
                conn.execute(text(f"SET LOCAL hnsw.ef_search = {int(ef)}"))
            rows = conn.execute(text(sql), params).all()
            conn.rollback()  # read only; ends the transaction SET LOCAL lives in
        return [(int(label), 1.0 - float(d)) for label, d in rows]
