"""One open library data folder: its layout, catalog, write lock, settings, model versions,
encoders and vector indexes. Every capability (indexing, retrieval, marks, maps, tuning,
recovery) takes a Workspace; none of them takes the Library facade, and the workspace calls
no capability.
"""

from __future__ import annotations

from pathlib import Path

from desktop.core.catalog import Catalog
from desktop.core.workspace.encoders import Encoders
from desktop.core.workspace.indexes import Indexes
from desktop.core.workspace.lock import WriteLock
from desktop.core.workspace.paths import LibraryPaths
from desktop.core.workspace.settings_store import LibrarySettings
from desktop.core.workspace.versions import ModelVersions


class Workspace:
    def __init__(self, root: Path) -> None:
        self.paths = LibraryPaths(root.expanduser().resolve())
        self.paths.create()
        self.catalog = Catalog(self.paths.catalog)
        self.write_lock = WriteLock(self.paths.write_lock)
        self.settings = LibrarySettings(self.catalog)
        self.versions = ModelVersions(self.catalog, self.settings)
        self.encoders = Encoders(self.settings, self.versions)
        self.indexes = Indexes(self.catalog, self.paths.indexes, self.versions, self.encoders)

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
