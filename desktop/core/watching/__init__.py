"""Watched folders: change notices (or a periodic scan) turned into settled batches of changed paths."""

from desktop.core.watching.buffer import ChangeBuffer, ChangeSet
from desktop.core.watching.loop import run_watch
from desktop.core.watching.watcher import FolderWatcher

__all__ = ["ChangeBuffer", "ChangeSet", "FolderWatcher", "run_watch"]
