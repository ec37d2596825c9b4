"""Folders and files dropped anywhere on the window are offered to the library.

While a drag that carries something that exists is over the window, an overlay says what a
drop will do; the drop itself is handed on as `dropped(paths)`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QWidget

from desktop.gui.search.search_bar import local_paths


class DropZone(QObject):
    dropped = Signal(list)  # Paths that exist

    def __init__(self, window: QWidget, covered: QWidget) -> None:
        super().__init__(window)
        self.covered = covered
        self.overlay = QLabel(self.tr("Drop folders or files to add them to your library"), covered)
        self.overlay.setObjectName("dropOverlay")
        self.overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.overlay.hide()
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def cover(self, widget: QWidget) -> None:
        """Lay the overlay over `widget` from now on (the full window replaces its opening frame)."""
        self.covered = widget
        self.overlay.setParent(widget)
        self.overlay.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.DragEnter and isinstance(event, QDragEnterEvent):
            if any(p.exists() for p in local_paths(event)):
                event.acceptProposedAction()
                self.overlay.setGeometry(self.covered.rect())
                self.overlay.raise_()
                self.overlay.show()
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
