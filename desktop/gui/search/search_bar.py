"""The search box (which also takes a dropped file for "find similar") and the filter row."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeyEvent
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from desktop.core.common.records import Filters
from desktop.gui.common.elided_label import ElidedLabel
from desktop.gui.common.translate import QT_TRANSLATE_NOOP

DAY = 86400.0
# Labels marked for translation here (context FilterBar), translated when the combo boxes are filled.
DATE_CHOICES = [
    (QT_TRANSLATE_NOOP("FilterBar", "Any time"), None), (QT_TRANSLATE_NOOP("FilterBar", "Past week"), 7),
    (QT_TRANSLATE_NOOP("FilterBar", "Past month"), 31), (QT_TRANSLATE_NOOP("FilterBar", "Past year"), 366),
    (QT_TRANSLATE_NOOP("FilterBar", "Older than a year"), -366),
]
KIND_CHOICES = [(QT_TRANSLATE_NOOP("FilterBar", "Documents and photos"), "all"),
                (QT_TRANSLATE_NOOP("FilterBar", "Documents only"), "text"),
                (QT_TRANSLATE_NOOP("FilterBar", "Photos only"), "image")]


def local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class SearchBox(QLineEdit):
    """Dropping one file here asks for items similar to it, instead of indexing it."""

    file_dropped = Signal(object)  # Path
    down_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchBox")
        self.setPlaceholderText(self.tr("Search your documents and photos…"))
        self.setToolTip(self.tr("Type what you are looking for, in your own words (Ctrl+F).\n"
                                "Drop a document or photo here to find similar ones."))
        self.setClearButtonEnabled(True)
        self.setAccessibleName(self.tr("Search"))
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        paths = local_paths(event)
        if len(paths) == 1 and paths[0].is_file():
            event.acceptProposedAction()
        else:
            event.ignore()  # folders fall through to the window, which indexes them

    def dragMoveEvent(self, event: QDragEnterEvent) -> None:  # type: ignore[override]
        self.dragEnterEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        paths = local_paths(event)
        if len(paths) == 1 and paths[0].is_file():
            event.acceptProposedAction()
            self.file_dropped.emit(paths[0])
        else:
            event.ignore()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.down_pressed.emit()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class FilterBar(QWidget):
    """Kind and date; the folder filter is the sidebar's selection."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind filter"))
        for label, value in KIND_CHOICES:
            self.kind.addItem(self.tr(label), value)
        self.date = QComboBox()
        self.date.setAccessibleName(self.tr("Date filter"))
        for label, days in DATE_CHOICES:
            self.date.addItem(self.tr(label), days)
        self.folder_label = ElidedLabel()  # a long folder name shortens instead of widening the window
        self.folder_label.setObjectName("folderFilter")
        self.folder: str | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.date)
        layout.addWidget(self.folder_label)
        layout.addStretch(1)
        self.kind.currentIndexChanged.connect(self.changed)
        self.date.currentIndexChanged.connect(self.changed)
        self.set_folder(None)

    def set_folder(self, folder: str | None) -> None:
        self.folder = folder
        self.folder_label.setText(self.tr("in “{folder}”").format(folder=Path(folder).name) if folder
                                  else self.tr("in all folders"))
        self.folder_label.setToolTip(folder or "")

    def filters(self, now: float | None = None) -> Filters:
        days = self.date.currentData()
        now = time.time() if now is None else now
        date_from = date_to = None
        if days is not None and days > 0:
            date_from = now - days * DAY
        elif days is not None:
            date_to = now + days * DAY
        return Filters(folder=self.folder, date_from=date_from, date_to=date_to)

    def kind_value(self) -> str:
        return str(self.kind.currentData())
