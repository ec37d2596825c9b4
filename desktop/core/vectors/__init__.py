"""Vector indexes: hnswlib graphs per vector space, derived from rows the storage holds."""

from desktop.core.vectors.hnsw_index import DEFAULT_THREADS, HnswIndex
from desktop.core.vectors.ports import Hits, StampStore, VectorIndex, VectorRows
from desktop.core.vectors.rwlock import RWLock

__all__ = ["DEFAULT_THREADS", "Hits", "HnswIndex", "RWLock", "StampStore", "VectorIndex", "VectorRows"]
