"""What the window remembers between sessions: its size and place, the splitter, the tab and the kind filter.

(The library last open is remembered by the window when it opens one.)
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QComboBox, QMainWindow, QSplitter, QTabWidget

DEFAULT_SIZE = (1280, 800)
DEFAULT_SPLIT = [230, 650, 400]


def restore_window(state: QSettings, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget,
                   kind: QComboBox) -> None:
    geometry = state.value("geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:
        window.resize(*DEFAULT_SIZE)
    sizes = state.value("splitter")
    if not (isinstance(sizes, QByteArray) and splitter.restoreState(sizes)):
        splitter.setSizes(DEFAULT_SPLIT)
    tabs.setCurrentIndex(int(state.value("tab", 0) or 0))
    kind.setCurrentIndex(max(0, kind.findData(state.value("kind", "all"))))


def save_window(state: QSettings, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget,
                kind: QComboBox) -> None:
    state.setValue("geometry", window.saveGeometry())
    state.setValue("splitter", splitter.saveState())
    state.setValue("tab", tabs.currentIndex())
    state.setValue("kind", kind.currentData())
