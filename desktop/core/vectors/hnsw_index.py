"""One HNSW index per vector space, kept in step with the vectors in the catalog.

The catalog holds the truth (float32 blobs per model version); the HNSW graph in memory
and its file on disk are caches that can always be rebuilt from it. Whatever the file's
state (missing, stale, damaged, another model's) `ensure()` ends with an index that
answers for exactly the catalog's rows of the requested model version.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterable
from pathlib import Path

import hnswlib
import numpy as np

from desktop.core.common.records import IndexStamp
from desktop.core.common.vector_codec import normalise
from desktop.core.vectors.hnswfile import header_dim, sha256_file, write_atomically
from desktop.core.vectors.ports import Hits, Signature, StampStore, VectorRows
from desktop.core.vectors.rwlock import RWLock

log = logging.getLogger(__name__)

DEFAULT_THREADS = max(1, (os.cpu_count() or 2) - 1)  # leave a core for the UI
REBUILD_DELETED_FRACTION = 0.2  # deleted nodes keep their capacity and degrade the graph
HEADROOM = 1.5
MIN_CAPACITY = 1024
EXACT_BELOW = 2000  # an `allowed` set smaller than this is scored exactly, not through the graph


class HnswIndex:
    """vectors.ports.VectorIndex on an hnswlib graph kept in memory and saved to `directory`."""

    def __init__(
        self,
        rows: VectorRows,
        stamps: StampStore,
        space: str,
        directory: Path,
        *,
        ef_construction: int = 200,
        M: int = 16,  # hnswlib's own name for it
        ef_search: int = 128,
        threads: int = DEFAULT_THREADS,
    ) -> None:
        self.space = space
        self.directory = Path(directory)
        self.path = self.directory / f"{space}.hnsw"
        self._source = rows
        self._stamps = stamps
        self._ef_construction, self._M, self._ef_search = ef_construction, M, ef_search
        self._threads = max(1, threads)
        self._lock = RWLock()
        self._save_lock = threading.Lock()
        self._index: hnswlib.Index | None = None
        self._mv: int | None = None
        self._dim: int | None = None
        self._live: set[int] = set()
        self._deleted: set[int] = set()
        self._sig: Signature | None = None  # catalog signature the index reflects; None = unknown
        self._needs_rebuild = False
        self._dirty = False
        # How the last ensure() got its index: "loaded" from file, "rebuilt" from the catalog,
        # or "current" (already in memory; a reconcile with the catalog may have run).
        self.last_load = ""

    @property
    def count(self) -> int:
        return len(self._live)

    @property
    def dim(self) -> int | None:
        return self._dim

    @property
    def model_version_id(self) -> int | None:
        return self._mv

    # -- keeping current -------------------------------------------------------------------

    def ensure(self, model_version_id: int, dim: int) -> None:
        """Make the in-memory index answer for the catalog's vectors of this model version.

        Called before every search, so the common case is one tiny SQL query and no lock.
        """
        sig = self._source.signature()
        if self._is_current(model_version_id, dim, sig):
            self.last_load = "current"
            return
        with self._lock.write():
            if self._is_current(model_version_id, dim, sig):  # another thread got here first
                self.last_load = "current"
                return
            self._sig = None  # others wait on the lock rather than trust a half-made index
            same = self._index is not None and self._mv == model_version_id and self._dim == dim
            if same and not self._needs_rebuild:
                self.last_load = "current"
                self._reconcile()
            elif not same and self._load(model_version_id, dim):
                self.last_load = "loaded"
                self._reconcile()  # the file may predate the catalog's latest batches
            else:
                self._rebuild(model_version_id, dim)
            self._sig = sig

    def _is_current(self, mv: int, dim: int, sig: Signature) -> bool:
        return (
            self._index is not None and self._mv == mv and self._dim == dim
            and self._sig == sig and not self._needs_rebuild
        )

    def _new_index(self, dim: int, capacity: int) -> hnswlib.Index:
        index = hnswlib.Index(space="cosine", dim=dim)
        index.init_index(max_elements=capacity, ef_construction=self._ef_construction, M=self._M)
        return index

    def _adopt(self, index: hnswlib.Index, mv: int, dim: int, live: set[int], deleted: set[int]) -> None:
        index.set_ef(self._ef_search)
        index.set_num_threads(self._threads)
        self._index, self._mv, self._dim = index, mv, dim
        self._live, self._deleted = live, deleted
        self._needs_rebuild = False

    def _load(self, mv: int, dim: int) -> bool:
        stamp = self._stamps.read(self.space)
        if stamp is None or (stamp.model_version_id, stamp.dim, stamp.file_name) != (mv, dim, self.path.name):
            return False
        try:
            # Hash before hnswlib sees a byte: its loader can crash on a damaged file.
            if sha256_file(self.path) != stamp.sha256 or header_dim(self.path) != dim:
                log.warning("%s: index file does not match its stamp; rebuilding", self.path)
                return False
            index = hnswlib.Index(space="cosine", dim=dim)
            index.load_index(str(self.path))
        except (OSError, RuntimeError, MemoryError) as error:
            log.warning("%s: cannot load index (%s); rebuilding", self.path, error)
            return False
        labels = [int(x) for x in index.get_ids_list()]
        deleted: set[int] = set()
        if index.element_count != stamp.count:
            # hnswlib lists deleted labels too and cannot say which they are; probing each is
            # ~2 µs and only happens when the saved file held deletions.
            for label in labels:
                try:
                    index.get_items([label])
                except RuntimeError:
                    deleted.add(label)
        self._adopt(index, mv, dim, set(labels) - deleted, deleted)
        self._dirty = False
        return True

    def _rebuild(self, mv: int, dim: int) -> None:
        index = self._new_index(dim, max(MIN_CAPACITY, int(self._source.count(mv) * HEADROOM)))
        self._adopt(index, mv, dim, set(), set())
        for labels, vectors in self._source.batches(mv, dim):
            self._add(labels, vectors)
        self._dirty = True
        self.last_load = "rebuilt"
        log.info("%s index rebuilt from the catalog: %d vectors", self.space, len(self._live))

    def _reconcile(self) -> None:
        assert self._index is not None and self._mv is not None and self._dim is not None
        in_catalog = set(self._source.ids(self._mv).tolist())
        missing = in_catalog - self._live
        stale = self._live - in_catalog
        if not missing and not stale:
            return
        # Re-adding a deleted label revives its node; new labels take new nodes.
        deleted_after = len((self._deleted - missing) | stale)
        total_after = self._index.element_count + len(missing - self._deleted)
        if deleted_after > REBUILD_DELETED_FRACTION * total_after:
            self._rebuild(self._mv, self._dim)
            return
        for labels, vectors in self._source.batches(self._mv, self._dim, ids=sorted(missing)):
            self._add(labels, vectors)
        self._mark_deleted(stale)
        log.info("%s index reconciled: %d added, %d deleted", self.space, len(missing), len(stale))

    # -- writing ---------------------------------------------------------------------------

    def _add(self, labels: np.ndarray, vectors: np.ndarray) -> None:
        assert self._index is not None
        need = self._index.element_count + len(labels)
        if need > self._index.get_max_elements():
            self._index.resize_index(max(MIN_CAPACITY, int(need * HEADROOM)))
        self._index.add_items(vectors, labels, num_threads=self._threads)
        added = labels.tolist()
        self._live.update(added)
        self._deleted.difference_update(added)
        self._dirty = True

    def _mark_deleted(self, labels: Iterable[int]) -> int:
        assert self._index is not None
        removed = 0
        for label in labels:
            if label in self._live:
                self._index.mark_deleted(label)
                self._live.discard(label)
                self._deleted.add(label)
                removed += 1
        if removed:
            self._dirty = True
        if len(self._deleted) > REBUILD_DELETED_FRACTION * self._index.element_count:
            self._needs_rebuild = True  # at the next ensure(), from the catalog as it is then
        return removed

    def _follow(self, count_delta: int) -> None:
        """After add/remove: keep the cached signature if the catalog moved by exactly our change.

        Anything else (the caller wrote SQLite later, or someone else wrote too) leaves it
        unknown, so the next ensure() reconciles instead of trusting a guess.
        """
        sig = self._source.signature()
        self._sig = sig if self._sig is not None and sig[0] - self._sig[0] == count_delta else None

    def add(self, labels: np.ndarray, vectors: np.ndarray, *, model_version_id: int | None = None) -> None:
        """Add vectors just committed to the catalog. Labels already present are updated.

        Ignored while no index is loaded, or when `model_version_id` names another model:
        the next ensure() for that model finds these rows in the catalog anyway.
        """
        labels = np.asarray(labels, dtype=np.int64).reshape(-1)
        if not len(labels):
            return
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(labels), -1)
        with self._lock.write():
            if self._index is None or (model_version_id is not None and model_version_id != self._mv):
                return
            if vectors.shape[1] != self._dim:
                raise ValueError(f"vectors have dimension {vectors.shape[1]}, the index {self._dim}")
            new = len(set(labels.tolist()) - self._live)
            self._add(labels, vectors)
            self._follow(new)

    def remove(self, labels: Iterable[int]) -> None:
        """Hide these items from every later query; unknown labels are ignored."""
        with self._lock.write():
            if self._index is None:
                return
            removed = self._mark_deleted({int(x) for x in labels})
            if removed:
                self._follow(-removed)

    def save(self) -> None:
        """Write the index atomically and stamp it in the catalog; nothing to do if unchanged.

        On failure (disk full...) the previous file and its stamp stay as they were.
        """
        with self._save_lock, self._lock.read():  # saving only reads the graph: queries may go on
            if self._index is None or not self._dirty:
                return
            self.directory.mkdir(parents=True, exist_ok=True)
            # Only the write-lock holder saves, so a temp file here is a process killed mid-save.
            for stale in self.directory.glob(f".{self.path.name}.*.tmp"):
                stale.unlink(missing_ok=True)
            digest = write_atomically(self.path, self._index.save_index)
            assert self._mv is not None and self._dim is not None
            self._stamps.write(self.space, IndexStamp(self._mv, self._dim, len(self._live), digest, self.path.name))
            self._dirty = False

    # -- reading ---------------------------------------------------------------------------

    def query(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """The k nearest items as (label, cosine similarity), best first.

        `allowed` restricts the answer to those labels. A small set is scored exactly (faster
        than a filtered graph walk and never misses); a large one filters the graph walk.
        """
        q = normalise(np.asarray(vector, dtype=np.float32).reshape(1, -1))
        with self._lock.read():
            index = self._index
            if index is None or k <= 0 or not self._live:
                return []
            pool = self._live if allowed is None else allowed & self._live
            if not pool:
                return []
            k = min(k, len(pool))
            if allowed is not None and len(pool) < EXACT_BELOW:
                # From the catalog, not index.get_items: that copies item by item (~20 µs each).
                return self._exact(q[0], k, pool)
            try:
                found, distances = index.knn_query(
                    q, k=k, num_threads=1, filter=None if allowed is None else pool.__contains__
                )
            except RuntimeError:  # the graph walk found fewer than k: answer exactly instead
                return self._exact(q[0], k, pool)
        return [(int(label), 1.0 - float(d)) for label, d in zip(found[0], distances[0], strict=True)]

    def exact(self, vector: np.ndarray, k: int, *, allowed: set[int] | None = None) -> Hits:
        """Brute force over the catalog's vectors of the current model: the ground truth for recall."""
        return self._exact(normalise(np.asarray(vector, dtype=np.float32).reshape(-1)), k, allowed)

    def _exact(self, q: np.ndarray, k: int, allowed: set[int] | None) -> Hits:
        mv, dim = self._mv, self._dim
        if mv is None or dim is None or k <= 0:
            return []
        best: Hits = []
        # A few ids are looked up by key; many are filtered from one pass over the rows.
        few = allowed is not None and len(allowed) < EXACT_BELOW
        keep = None if allowed is None or few else np.fromiter(allowed, dtype=np.int64, count=len(allowed))
        for labels, vectors in self._source.batches(mv, dim, ids=sorted(allowed) if few else None):
            if keep is not None:
                mask = np.isin(labels, keep)
                labels, vectors = labels[mask], vectors[mask]
            best = sorted(best + _top_k(labels, normalise(vectors) @ q, k), key=lambda h: -h[1])[:k]
        return best


def _top_k(labels: np.ndarray, scores: np.ndarray, k: int) -> Hits:
    k = min(k, len(labels))
    if k <= 0:
        return []
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(int(labels[i]), float(scores[i])) for i in top]
