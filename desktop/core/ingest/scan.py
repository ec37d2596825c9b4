"""Walk a folder and list the files worth indexing.

The walk must survive anything a real home folder throws at it: unreadable folders,
broken links, link loops, names that are not UTF-8, folders vanishing mid-walk.
Such things become `ScanProblem` records (or are skipped quietly) — never an
exception that ends the scan (peers lost whole scans to one bad entry).
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.core.ingest.captions import image_stems, is_sidecar
from desktop.core.ingest.kinds import kind_of


@dataclass(frozen=True)
class ScanEntry:
    path: str
    kind: str  # "text" or "image"
    size: int
    mtime: float


@dataclass(frozen=True)
class ScanProblem:
    path: str
    reason: str


def scan_folder(
    root: Path | str,
    *,
    exclude: Sequence[str] = (),
    include_hidden: bool = False,
    follow_symlinks: bool = False,
    skip_dirs: Sequence[Path | str] = (),
) -> Iterator[ScanEntry | ScanProblem]:
    """Yield every indexable file under `root` (depth first, names sorted per folder).

    Raises FileNotFoundError if `root` does not exist; everything else is yielded.
    """
    root_path = os.fspath(root)
    root_stat = os.stat(root_path)  # raises FileNotFoundError, as the caller expects
    real_root = os.path.realpath(root_path)
    walker = _Walker(real_root, exclude, include_hidden, follow_symlinks, skip_dirs)
    if walker.in_skip_dir(real_root) or _key(root_stat) in walker.skip_keys:
        return
    if not stat.S_ISDIR(root_stat.st_mode):
        kind = kind_of(root_path)
        if kind is not None and stat.S_ISREG(root_stat.st_mode):
            yield ScanEntry(root_path, kind, root_stat.st_size, root_stat.st_mtime)
        return
    yield from walker.walk(root_path, root_stat)


def skipped_by_walk(root: str, path: str, *, exclude: Sequence[str] = (), include_hidden: bool = False) -> bool:
    """Whether a walk of `root` would leave `path` out (hidden, or excluded on the way down).

    The folder watcher asks this of each path it hears about, so it skips what a scan skips.
    """
    rel = os.path.relpath(path, root)
    if rel == os.curdir:
        return False
    if rel == os.pardir or rel.startswith(os.pardir + os.sep):
        return True  # not under the root at all
    patterns = _patterns(exclude)
    so_far = ""
    for name in rel.split(os.sep):
        so_far = f"{so_far}/{name}" if so_far else name
        if (not include_hidden and name.startswith(".")) or _excluded(name, so_far, patterns):
            return True
    return False


def _patterns(exclude: Sequence[str]) -> list[str]:
    # "node_modules/" and "node_modules" mean the same to a user.
    return [p.rstrip("/" + os.sep) for p in exclude if p.strip("/" + os.sep)]


def _excluded(name: str, rel: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def _key(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _is_inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


class _Walker:
    def __init__(
        self,
        real_root: str,
        exclude: Sequence[str],
        include_hidden: bool,
        follow_symlinks: bool,
        skip_dirs: Sequence[Path | str],
    ) -> None:
        self.real_root = real_root
        self.patterns = _patterns(exclude)
        self.include_hidden = include_hidden
        self.follow_symlinks = follow_symlinks
        self.skip_real = [os.path.realpath(os.fspath(d)) for d in skip_dirs]
        # (dev, ino) catches the data dir even when reached by another spelling of its path.
        self.skip_keys: set[tuple[int, int]] = set()
        for d in skip_dirs:
            with contextlib.suppress(OSError):  # a data dir not made yet holds nothing
                self.skip_keys.add(_key(os.stat(d)))

    def in_skip_dir(self, real_path: str) -> bool:
        return any(_is_inside(real_path, s) for s in self.skip_real)

    def excluded(self, name: str, rel: str) -> bool:
        return _excluded(name, rel, self.patterns)

    def walk(self, root_path: str, root_stat: os.stat_result) -> Iterator[ScanEntry | ScanProblem]:
        seen = {_key(root_stat)}  # directories already walked: ends symlink loops
        stack: list[tuple[str, str]] = [(root_path, "")]  # (folder path, path relative to root)
        while stack:
            folder, rel = stack.pop()
            try:
                with os.scandir(folder) as it:
                    entries = sorted(it, key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue  # gone since we saw it: nothing to index there any more
            except PermissionError:
                yield ScanProblem(folder, "folder could not be read: permission denied")
                continue
            except OSError as error:
                yield ScanProblem(folder, f"folder could not be read: {_plain(error)}")
                continue
            subdirs: list[tuple[str, str]] = []
            # A caption file beside its photo is the photo's text, not a document of its own.
            stems = image_stems({e.name for e in entries}, lambda n: kind_of(n) == "image")
            for entry in entries:
                name = entry.name
                if is_sidecar(name, stems):
                    continue
                if not self.include_hidden and name.startswith("."):
                    continue
                child_rel = f"{rel}/{name}" if rel else name
                if self.excluded(name, child_rel):
                    continue
                result = self._visit(entry, seen)
                if isinstance(result, str):
                    subdirs.append((entry.path, child_rel))
                elif result is not None:
                    yield result
            # Reversed so the stack pops them in sorted order.
            stack.extend(reversed(subdirs))

    def _visit(
        self, entry: os.DirEntry[str], seen: set[tuple[int, int]]
    ) -> ScanEntry | ScanProblem | str | None:
        """A file entry, a problem, the folder path to descend into (str), or None to skip."""
        path = entry.path
        try:
            is_link = entry.is_symlink()
            if is_link:
                try:
                    st = entry.stat(follow_symlinks=True)
                except FileNotFoundError:
                    return ScanProblem(path, "broken link: its target does not exist")
                except OSError as error:
                    if error.errno == errno.ELOOP:  # the link leads back to itself
                        return ScanProblem(path, "broken link: it leads round in a loop")
                    raise
                target = os.path.realpath(path)
                if not self.follow_symlinks and not _is_inside(target, self.real_root):
                    return None  # leads outside the indexed folder: the user did not ask for that
                if self.in_skip_dir(target):
                    return None
            else:
                st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            return None  # vanished between listing and looking
        except PermissionError:
            return ScanProblem(path, "could not be read: permission denied")
        except OSError as error:
            return ScanProblem(path, f"could not be read: {_plain(error)}")

        if stat.S_ISDIR(st.st_mode):
            key = _key(st)
            if key in seen or key in self.skip_keys:
                return None
            seen.add(key)
            return path
        # Only regular files: reading a FIFO or device named *.txt would hang or never end.
        if stat.S_ISREG(st.st_mode):
            kind = kind_of(entry.name)
            if kind is not None:
                return ScanEntry(path, kind, st.st_size, st.st_mtime)
        return None


def _plain(error: OSError) -> str:
    return (error.strerror or str(error) or type(error).__name__).lower()
