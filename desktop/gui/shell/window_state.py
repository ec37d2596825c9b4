"""What the window remembers between sessions: its size and place, the splitter, the tab and the kind filter.

(The library last open is remembered by the window when it opens one.)
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QMainWindow, QSplitter, QTabWidget

DEFAULT_SIZE = (1280, 800)
FRAME_ROOM = 48  # a title bar and borders around the window, which its size does not include
DEFAULT_SPLIT = [230, 650, 400]


def restore_window(state: QSettings, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget,
                   kind: QComboBox) -> None:
    geometry = state.value("geometry")
    if isinstance(geometry, QByteArray) and not geometry.isEmpty():
        window.restoreGeometry(geometry)
    else:  # first start: no taller or wider than the screen (1280 x 800 overflowed a 1366 x 768 one)
        window.resize(*default_size())
    sizes = state.value("splitter")
    if not (isinstance(sizes, QByteArray) and splitter.restoreState(sizes)):
        splitter.setSizes(DEFAULT_SPLIT)
    tabs.setCurrentIndex(int(str(state.value("tab", 0) or 0)))
    kind.setCurrentIndex(max(0, kind.findData(state.value("kind", "all"))))


def default_size() -> tuple[int, int]:
    screen = QGuiApplication.primaryScreen()
    if screen is None:
        return DEFAULT_SIZE
    space = screen.availableGeometry()
    return min(DEFAULT_SIZE[0], space.width() - FRAME_ROOM // 4), min(DEFAULT_SIZE[1], space.height() - FRAME_ROOM)


def save_window(state: QSettings, window: QMainWindow, splitter: QSplitter, tabs: QTabWidget,
                kind: QComboBox) -> None:
    state.setValue("geometry", window.saveGeometry())
    state.setValue("splitter", splitter.saveState())
    state.setValue("tab", tabs.currentIndex())
    state.setValue("kind", kind.currentData())
