"""Folders and files dropped anywhere on the window are offered to the library.

While a drag that carries something that exists is over the window, an overlay says what a
drop will do; the drop itself is handed on as `dropped(paths)`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from desktop.gui.search.search_bar import local_paths


class DropZone(QObject):
    dropped = Signal(list)  # Paths that exist

    def __init__(self, window: QWidget, covered: QWidget) -> None:
        super().__init__(window)
        self.host = window
        self.covered = covered
        # A child of the window itself, laid over `covered` by hand: never a child of the covered
        # widget. The main window covers its QSplitter, and a QSplitter takes every child widget as
        # one more pane: the overlay became a third pane as wide as its text, and the window grew past
        # the screen's edge on every drag (issue 24: 1200 -> 1465 px on a 1366 px screen).
        self.overlay = QLabel(self.tr("Drop folders or files to add them to your library"), window)
        self.overlay.setObjectName("dropOverlay")
        self.overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay.setWordWrap(True)
        self.overlay.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.overlay.hide()
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def cover(self, widget: QWidget) -> None:
        """Lay the overlay over `widget` from now on (the full window replaces its opening frame)."""
        self.covered = widget
        self.overlay.hide()

    def _show_overlay(self) -> None:
        corner = self.covered.mapTo(self.host, QPoint(0, 0)) if self.covered.isVisible() else QPoint(0, 0)
        size = self.covered.size() if self.covered.isVisible() else self.host.size()
        self.overlay.setGeometry(QRect(corner, size))
        self.overlay.raise_()
        self.overlay.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            if any(p.exists() for p in local_paths(event)):
                event.acceptProposedAction()
                self._show_overlay()
            else:
                event.ignore()
            return True
        if kind == QEvent.Type.DragLeave:
            self.overlay.hide()
            return True
        if kind == QEvent.Type.Drop and isinstance(event, QDropEvent):
            self.overlay.hide()
            paths: list[Path] = [p for p in local_paths(event) if p.exists()]
            if paths:
                event.acceptProposedAction()
                self.dropped.emit(paths)
            else:
                event.ignore()
            return True
        return False
