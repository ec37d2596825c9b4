"""One open library data folder: its layout, catalog, write lock, settings, model versions,
encoders, vector indexes and keyword index. Every capability (indexing, retrieval, marks, maps,
tuning, recovery) takes a Workspace; none of them takes the Library facade, and the workspace calls
no capability.

Which storage serves the ports (vectors.ports.VectorIndex / VectorRows, catalog/keyword_index.py
KeywordIndex) is decided here, once, when the library is opened: hnswlib and FTS5 for a folder;
a server library's workspace (workspace/server.py) chooses pgvector and PostgreSQL's full-text
search instead. Capabilities never ask which it is.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.catalog import Catalog
from desktop.core.catalog.keyword_index import Fts5Keywords, KeywordIndex
from desktop.core.catalog.reader import Reader
from desktop.core.catalog.vector_rows import IndexStamps, VectorSource
from desktop.core.vectors.ports import VectorIndex, VectorRows
from desktop.core.workspace.encoders import Encoders
from desktop.core.workspace.indexes import Indexes
from desktop.core.workspace.lock import WriteLock, WriterLock
from desktop.core.workspace.paths import LibraryPaths
from desktop.core.workspace.settings_store import LibrarySettings
from desktop.core.workspace.versions import ModelVersions


class Workspace:
    def __init__(self, root: Path) -> None:
        self.paths = LibraryPaths(root.expanduser().resolve())
        self.paths.create()
        self.catalog = Catalog(self.paths.catalog)
        self.write_lock: WriterLock = WriteLock(self.paths.write_lock)
        self.settings = LibrarySettings(self.catalog)
        self.versions = ModelVersions(self.catalog, self.settings)
        self.encoders = Encoders(self.settings, self.versions)
        self.indexes = Indexes(self._hnsw_index, self._vector_rows, self.versions, self.encoders)

    def _hnsw_index(self, space: str) -> VectorIndex:
        from desktop.core.vectors.hnsw_index import HnswIndex

        return HnswIndex(VectorSource(self.catalog, space), IndexStamps(self.catalog), space, self.paths.indexes)

    def _vector_rows(self, space: str) -> VectorRows:
        return VectorSource(self.catalog, space)

    def keywords(self, reader: Reader) -> KeywordIndex:
        """The keyword index a search reads through `reader` (one per reading session)."""
        return Fts5Keywords(reader)

    @property
    def path(self) -> Path:
        return self.paths.root

    @property
    def reopen_address(self) -> str:
        """What opens this library again (a window remembers it): its folder here."""
        return str(self.paths.root)

    @property
    def display_name(self) -> str:
        return self.paths.root.name

    @property
    def location(self) -> str:
        """Where the library is, as a person reads it: its folder, or a server library's address."""
        return str(self.paths.root)

    # The mirrors are written after a write (they read through the ORM): imported then, not by a search.
    def mirror_folders(self) -> None:
        from desktop.core.workspace.mirrors import mirror_folders

        mirror_folders(self.catalog, self.paths.folders_mirror)

    def export_marks(self) -> Path:
        from desktop.core.workspace.mirrors import export_marks

        return export_marks(self.catalog, self.paths.marks_mirror)

    def export_people(self) -> None:
        from desktop.core.workspace.mirrors import export_people

        export_people(self.catalog, self.paths.people_mirror)

    def close(self) -> None:
        self.catalog.dispose()
