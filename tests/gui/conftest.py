"""GUI tests run on Qt's offscreen platform and drive the window the way a user does.

The text model is loaded once per session (importing sentence-transformers costs seconds);
every test then gets its own library in tmp_path and its own QSettings file.
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"  # before anything imports Qt
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from desktop.core.library import Library
from desktop.gui.shell.main_window import MainWindow
from tests.gui.corpus import write_documents, write_photos


class FakeDesktop:
    """Records what would have been handed to the desktop (no file manager in tests)."""

    def __init__(self) -> None:
        self.opened: list[str] = []
        self.revealed: list[str] = []
        self.copied: list[str] = []

    def open(self, path: str, failed: Callable[[str], None] | None = None) -> bool:
        self.opened.append(path)
        return True

    def reveal(self, path: str) -> bool:
        self.revealed.append(path)
        return True

    def copy(self, text: str) -> None:
        self.copied.append(text)

    def copy_paths(self, paths: list[str]) -> None:
        self.copied.append("\n".join(paths))


def close_message_boxes() -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            widget.close()
            widget.deleteLater()


@pytest.fixture(autouse=True)
def no_stale_message_boxes(qapp: QApplication) -> Iterator[None]:
    """A message box one test's window left open (a late "offline" notice, say) is not the next test's: the
    tests that look for a message box look at the application's top-level windows."""
    close_message_boxes()
    yield
    close_message_boxes()


@pytest.fixture(scope="session")
def text_model_loaded() -> None:
    """Import and load the text model once; later Library objects reuse the warm imports and file cache."""
    from desktop.core.common.settings import DEFAULT_TEXT_MODEL
    from desktop.core.embed import TextEncoder

    TextEncoder(DEFAULT_TEXT_MODEL).encode_query("warm up")


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "My files"
    write_documents(root / "notes")
    write_photos(root / "photos")
    return root


@pytest.fixture(scope="session")
def tiny_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from tests.tiny_clip import make_tiny_clip

    return make_tiny_clip(tmp_path_factory.mktemp("clip"))


@pytest.fixture
def state(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(
    qtbot, tmp_path: Path, state: QSettings, text_model_loaded: None
) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(library: Library | Path | None = None, *, settings: QSettings | None = None, warm_up: bool = False,
             show: bool = True) -> MainWindow:
        if not isinstance(library, Library):
            library = Library.open(library or tmp_path / "library")
        window = MainWindow(library, settings or state, desktop=FakeDesktop(), warm_up=warm_up)  # type: ignore[arg-type]
        windows.append(window)
        if show:
            window.show()
            qtbot.waitExposed(window)
        qtbot.waitUntil(lambda: window.status.last is not None)
        return window

    yield make
    for window in windows:
        if window.library is not None:
            window.close()


def drop(target: QWidget, paths: list[Path]) -> None:
    """Drag paths from a 'file manager' and drop them on `target`, like a user would."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    position = QPointF(target.rect().center())
    actions = Qt.DropAction.CopyAction | Qt.DropAction.LinkAction
    buttons, modifiers = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(position.toPoint(), actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the drop target refused the drag"
    event = QDropEvent(position, actions, mime, buttons, modifiers)
    QApplication.sendEvent(target, event)


def wait_idle(qtbot, window: MainWindow, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: not window.indexer.running and not window.indexer.queue, timeout=timeout)
    qtbot.waitUntil(lambda: not window.status._pending, timeout=timeout)


def search(qtbot, window: MainWindow, query: str) -> None:
    window.search_box.clear()
    qtbot.keyClicks(window.search_box, query)
    qtbot.waitUntil(lambda: window.results.current.query == query, timeout=30000)
