"""Moving files to the desktop's trash (freedesktop.org Trash, macOS Trash, the Windows Recycle
Bin, through send2trash): never a deletion, so every file can be brought back from there."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrashReport:
    moved: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (path, reason)


def move_to_trash(paths: list[str]) -> TrashReport:
    from send2trash import send2trash

    moved: list[str] = []
    failed: list[tuple[str, str]] = []
    for path in dict.fromkeys(paths):
        if not os.path.lexists(path):
            failed.append((path, "it is no longer there"))
            continue
        try:
            send2trash(path)
        except Exception as error:
            log.warning("could not move %s to the trash: %s", path, error)
            failed.append((path, str(error) or type(error).__name__))
        else:
            moved.append(path)
    return TrashReport(tuple(moved), tuple(failed))
