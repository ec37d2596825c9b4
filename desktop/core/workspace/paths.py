"""Where everything of one library lives inside its data folder: one place for the layout."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop.core.common.errors import SemdeskError
from desktop.core.common.locations import ENV_LIBRARY, default_library_dir

__all__ = ["ENV_LIBRARY", "LibraryPaths", "default_library_dir"]  # the default folder's rule is in common


@dataclass(frozen=True)
class LibraryPaths:
    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def indexes(self) -> Path:
        return self.root / "indexes"  # HNSW caches, rebuilt from the catalog when missing

    @property
    def thumbs(self) -> Path:
        return self.root / "thumbs"  # keyed by content hash

    @property
    def models(self) -> Path:
        return self.root / "models"  # fine-tuned models, one folder a version

    @property
    def write_lock(self) -> Path:
        return self.root / "write.lock"

    @property
    def folders_mirror(self) -> Path:
        return self.root / "folders.json"  # the folder list, kept outside the catalog for a rebuild

    @property
    def marks_mirror(self) -> Path:
        return self.root / "marks.jsonl"  # the user's marks, kept outside the catalog for a rebuild

    @property
    def people_mirror(self) -> Path:
        return self.root / "people.json"  # names and other decisions about faces, kept for a rebuild

    @property
    def log(self) -> Path:
        return self.root / "semdesk.log"

    def create(self) -> None:
        try:
            for folder in (self.root, self.indexes, self.thumbs, self.models):
                folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SemdeskError(f"Cannot use {self.root} as a library folder: {error.strerror}.") from error
