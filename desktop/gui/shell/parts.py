"""Everything the full window is made of, in one import (seconds: the panes, the core facade).

The window's frame shows before this is imported (issue 14: the window on screen within half a
second); the opener imports it on a worker thread while the library opens, so building the panes
on the UI thread afterwards costs no import time.
"""

from __future__ import annotations

from desktop.core.common.errors import describe
from desktop.core.library import Library
from desktop.gui.common.desktop_ops import DesktopOps
from desktop.gui.common.elided_label import ElidedLabel
from desktop.gui.common.error_log import LOG_NAME, attach_log_file
from desktop.gui.common.help import install_help
from desktop.gui.common.hits import thumbnail_source
from desktop.gui.common.thumbnails import ThumbnailCache
from desktop.gui.library.clip_banner import ClipBanner
from desktop.gui.library.indexer import Indexer
from desktop.gui.library.photo_model import PhotoModelSetup
from desktop.gui.library.sidebar import Sidebar
from desktop.gui.library.status_view import LibraryStatusView
from desktop.gui.library.status_watcher import StatusWatcher
from desktop.gui.library.watch import LibraryWatch, widest_text
from desktop.gui.map.tab import MapTab
from desktop.gui.preview.loader import PreviewLoader
from desktop.gui.preview.pane import PreviewPane
from desktop.gui.search.controller import Results, SearchController
from desktop.gui.search.pane import DOCUMENTS_TAB, PHOTOS_TAB, SearchPane
from desktop.gui.search.result_actions import ResultActions
from desktop.gui.shell.menu_bar import build_menus
from desktop.gui.shell.window_state import restore_window, save_window

__all__ = [
    "DOCUMENTS_TAB", "LOG_NAME", "PHOTOS_TAB", "ClipBanner", "DesktopOps", "ElidedLabel", "Indexer",
    "Library", "LibraryStatusView", "LibraryWatch", "MapTab", "PhotoModelSetup", "PreviewLoader", "PreviewPane",
    "ResultActions", "Results", "SearchController", "SearchPane", "Sidebar", "StatusWatcher", "ThumbnailCache",
    "attach_log_file", "build_menus", "describe", "install_help", "restore_window", "save_window",
    "thumbnail_source", "widest_text",
]
