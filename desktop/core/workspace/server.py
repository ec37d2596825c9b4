"""A Workspace whose catalog is a server library (PostgreSQL + pgvector): the same parts as an embedded
one, made from the server room's catalog, write lock and vector indexes. Capabilities cannot tell
them apart. On this desktop it keeps only caches (thumbnails unless a shared folder is set, map
layouts, the log) in a folder of the user's cache dir keyed by the library's address."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.catalog import ModelVersion, path_map
from desktop.core.catalog.keyword_index import KeywordIndex
from desktop.core.catalog.path_map import PathMap
from desktop.core.catalog.reader import Reader
from desktop.core.common.errors import SemdeskError
from desktop.core.server.catalog import ServerCatalog
from desktop.core.server.desktop_config import DesktopConfig, cache_root
from desktop.core.server.desktop_config import load as load_desktop_config
from desktop.core.server.desktop_config import save as save_desktop_config
from desktop.core.server.keywords import ServerKeywords
from desktop.core.server.lock import ServerWriteLock
from desktop.core.server.schema import VERSIONS_LOCK
from desktop.core.server.url import without_password
from desktop.core.server.vector_index import ServerVectorIndex
from desktop.core.server.vector_rows import ServerVectorRows
from desktop.core.vectors.ports import VectorIndex, VectorRows
from desktop.core.workspace.encoders import Encoders
from desktop.core.workspace.indexes import Indexes
from desktop.core.workspace.paths import LibraryPaths
from desktop.core.workspace.settings_store import LibrarySettings, definition
from desktop.core.workspace.versions import ModelVersions
from desktop.core.workspace.workspace import Workspace


@dataclass(frozen=True)
class ServerPaths(LibraryPaths):
    """The local cache folder, except what every desktop must see: fine-tuned models (and thumbnails,
    which then need making only once) live in the shared folder when this desktop has one."""

    shared: Path | None = None

    @property
    def models(self) -> Path:
        return self.shared / "models" if self.shared else self.root / "models"

    @property
    def thumbs(self) -> Path:
        return self.shared / "thumbs" if self.shared else self.root / "thumbs"


# Settings and the active model versions are read several times per search; on a server each read is
# a round trip (~1-3 ms), where SQLite answers in microseconds. This process's own changes are seen at
# once (the caches are dropped); another desktop's within FRESH seconds.
FRESH = 2.0


class ServerSettings(LibrarySettings):
    def __init__(self, catalog: Any) -> None:
        super().__init__(catalog)
        self._cache: tuple[float, dict[str, Any]] | None = None
        self._guard = threading.Lock()

    def all(self) -> dict[str, Any]:
        with self._guard:
            if self._cache is not None and time.monotonic() - self._cache[0] < FRESH:
                return dict(self._cache[1])
        values = super().all()
        with self._guard:
            self._cache = (time.monotonic(), values)
        return dict(values)

    def get(self, key: str) -> Any:
        definition(key)  # an unknown key is still refused in words
        return self.all()[key]

    def set(self, key: str, value: Any) -> None:
        with self._guard:
            self._cache = None
        super().set(key, value)
        with self._guard:
            self._cache = None

    def forget(self) -> None:
        with self._guard:
            self._cache = None


class ServerModelVersions(ModelVersions):
    def __init__(self, catalog: Any, settings: LibrarySettings) -> None:
        super().__init__(catalog, settings)
        self._server: ServerCatalog = catalog
        self._active: dict[str, tuple[float, ModelVersion]] = {}
        self._guard = threading.Lock()

    def active(self, space: str) -> ModelVersion:
        with self._guard:
            cached = self._active.get(space)
            if cached is not None and time.monotonic() - cached[0] < FRESH:
                return cached[1]
        # Two desktops opening a new library would each make an "active" version row otherwise.
        with self._server.exclusive(VERSIONS_LOCK):
            found = super().active(space)
        with self._guard:
            self._active[space] = (time.monotonic(), found)
        return found

    def forget(self) -> None:
        with self._guard:
            self._active.clear()


class ServerEncoders(Encoders):
    """reset() follows a change of the active model version: the cached versions go with the encoders."""

    def __init__(self, settings: ServerSettings, versions: ServerModelVersions) -> None:
        super().__init__(settings, versions)
        self._server_versions = versions
        settings.on_change(lambda _setting: versions.forget())

    def reset(self) -> None:
        self._server_versions.forget()
        super().reset()


class ServerWorkspace(Workspace):
    def __init__(self, location: str) -> None:
        self.desktop: DesktopConfig = load_desktop_config(location)
        # Before any folder is made: a wrong address fails first. Kept typed as itself too: the parts
        # made from it below need a server catalog, while `catalog` is what every capability reads.
        self.catalog = self.server_catalog = catalog = ServerCatalog(location)
        path_map.attach(catalog.engine.dialect, PathMap(self.desktop.path_map))
        shared = Path(self.desktop.shared_folder).expanduser() if self.desktop.shared_folder else None
        self.paths = ServerPaths(cache_root(location), shared)
        self.paths.create()
        self.address = location
        self.write_lock = ServerWriteLock(catalog)
        self.settings = ServerSettings(catalog)
        self.versions = ServerModelVersions(catalog, self.settings)
        self.encoders = ServerEncoders(self.settings, self.versions)
        self.indexes = Indexes(self._pgvector_index, self._server_rows, self.versions, self.encoders)

    def _pgvector_index(self, space: str) -> VectorIndex:
        return ServerVectorIndex(self.server_catalog, space, lambda: self.write_lock.held)

    def _server_rows(self, space: str) -> VectorRows:
        return ServerVectorRows(self.server_catalog, space)

    def keywords(self, reader: Reader) -> KeywordIndex:
        return ServerKeywords(reader)

    @property
    def location(self) -> str:
        return self.server_catalog.location

    @property
    def reopen_address(self) -> str:
        return without_password(self.address)

    @property
    def display_name(self) -> str:
        url = self.server_catalog.url
        return f"{url.database} on {url.host or 'this computer'}"

    def map_root(self, stored: str, local: str | None) -> dict[str, str]:
        """On this desktop, the folder root `stored` (as its indexer saw it) is at `local`; None forgets
        the rule. Takes effect at once and is kept in this desktop's config, not in the library."""
        stored = stored.rstrip("/") or "/"
        if local is None:
            self.desktop.path_map.pop(stored, None)
        else:
            target = Path(local).expanduser().absolute()
            if not target.is_dir():
                raise SemdeskError(f"There is no folder at {target} on this computer.")
            self.desktop.path_map[stored] = str(target)
        save_desktop_config(self.address, self.desktop)
        path_map.attach(self.server_catalog.engine.dialect, PathMap(self.desktop.path_map))
        return dict(self.desktop.path_map)

    def set_shared_folder(self, folder: str | None) -> None:
        """Where fine-tuned models and thumbnails live for every desktop (as mounted on this one)."""
        if folder is not None and not Path(folder).expanduser().is_dir():
            raise SemdeskError(f"There is no folder at {folder} on this computer.")
        self.desktop.shared_folder = str(Path(folder).expanduser().absolute()) if folder else None
        save_desktop_config(self.address, self.desktop)
        self.paths = ServerPaths(self.paths.root, Path(self.desktop.shared_folder) if folder else None)
        self.paths.create()
