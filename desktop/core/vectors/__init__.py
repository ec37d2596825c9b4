"""Vector indexes: hnswlib graphs per vector space, derived from rows the storage holds."""

from desktop.core.vectors.hnsw_index import DEFAULT_THREADS, Hits, VectorIndex
from desktop.core.vectors.ports import StampStore, VectorRows
from desktop.core.vectors.rwlock import RWLock

__all__ = ["DEFAULT_THREADS", "Hits", "RWLock", "StampStore", "VectorIndex", "VectorRows"]
