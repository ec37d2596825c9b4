"""Vector indexes: hnswlib graphs per vector space, derived from the vectors in the catalog."""

from desktop.core.common.vector_codec import from_blob, normalise, stack_blobs, to_blob
from desktop.core.vectors.hnsw_index import DEFAULT_THREADS, Hits, VectorIndex
from desktop.core.vectors.rwlock import RWLock
from desktop.core.vectors.source import TABLES, VectorSource

__all__ = [
    "DEFAULT_THREADS",
    "TABLES",
    "Hits",
    "RWLock",
    "VectorIndex",
    "VectorSource",
    "from_blob",
    "normalise",
    "stack_blobs",
    "to_blob",
]
