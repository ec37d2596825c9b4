"""Folder roots seen from several machines: a NAS share is /mnt/nas/photos on one desktop and
/Volumes/photos on another. The catalog stores every path as its indexer saw it; a desktop with a
map (stored root -> local root) reads and writes through it, so its scans, searches and marks use
its own paths while the rows stay the same for everyone. Attached to one engine's dialect, so two
libraries open in one process each keep their own map (catalog.tables.PathType applies it)."""

from __future__ import annotations

from collections.abc import Mapping


class PathMap:
    def __init__(self, roots: Mapping[str, str]) -> None:
        pairs = [(s.rstrip("/") or "/", local.rstrip("/") or "/") for s, local in roots.items() if s and local]
        # Longest first: a root inside another maps by the most specific rule.
        self._to_local = sorted(pairs, key=lambda p: -len(p[0]))
        self._to_stored = sorted(((local, s) for s, local in pairs), key=lambda p: -len(p[0]))

    def __bool__(self) -> bool:
        return bool(self._to_local)

    @staticmethod
    def _swap(path: str, rules: list[tuple[str, str]]) -> str:
        for source, target in rules:
            # "root0" is catalog.tables.under()'s upper bound for "everything below root/".
            if path == source or path.startswith(source + "/") or path == source + "0":
                return target + path[len(source):]
        return path

    def to_local(self, stored: str) -> str:
        return self._swap(stored, self._to_local)

    def to_stored(self, local: str) -> str:
        return self._swap(local, self._to_stored)


def attach(dialect: object, path_map: PathMap) -> None:
    dialect.semdesk_path_map = path_map  # type: ignore[attr-defined]


def of(dialect: object) -> PathMap | None:
    return getattr(dialect, "semdesk_path_map", None)
