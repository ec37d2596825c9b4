"""Server libraries: the catalog, vectors and keywords of a library on PostgreSQL + pgvector, shared by
several desktops. The storage floor's other rooms (catalog tables, vectors ports) are reused, not copied:
the same SQLAlchemy models, the `VectorRows` / `StampStore` ports, a `vectors.ports.VectorIndex` whose
graph is pgvector's HNSW index inside the database, and a `KeywordIndex` on PostgreSQL full-text search."""

from desktop.core.server.url import is_server_url, masked

__all__ = ["is_server_url", "masked"]
