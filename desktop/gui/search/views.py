"""Result views: a document list with expandable passages and a photo grid.

Both paint a short, centred message when they have nothing to show ("Type to search",
"No documents match …"), which reads better than a blank white box.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QListView, QTreeView, QWidget

from desktop.gui.common.desktop_mime import DragOutView
from desktop.gui.search.delegates import DocumentDelegate, PhotoDelegate


def paint_placeholder(view: QAbstractItemView, title: str, detail: str) -> None:
    painter = QPainter(view.viewport())
    rect = view.viewport().rect().adjusted(40, 0, -40, 0)
    colour = view.palette().color(QPalette.ColorRole.Text)
    colour.setAlphaF(0.55)
    painter.setPen(colour)
    big = QFont(view.font())
    big.setPointSizeF(view.font().pointSizeF() * 1.35)
    painter.setFont(big)
    middle = rect.center().y() - 40
    painter.drawText(QRect(rect.left(), middle - 30, rect.width(), 36), Qt.AlignmentFlag.AlignCenter, title)
    painter.setFont(view.font())
    painter.drawText(
        QRect(rect.left(), middle + 10, rect.width(), 80),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
        detail,
    )


def drag_out(view: QAbstractItemView) -> None:
    """Results drag out as files (text/uri-list) onto a file manager, a mail or an editor; nothing drops in."""
    view.setDragEnabled(True)
    view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
    view.setDefaultDropAction(Qt.DropAction.CopyAction)


class _Placeholder:
    placeholder_title = ""
    placeholder_detail = ""

    def set_placeholder(self, title: str, detail: str = "") -> None:
        self.placeholder_title, self.placeholder_detail = title, detail
        self.viewport().update()  # type: ignore[attr-defined]

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)  # type: ignore[misc]
        model = self.model()  # type: ignore[attr-defined]
        if isinstance(self, QAbstractItemView) and model is not None and model.rowCount() == 0 \
                and self.placeholder_title:
            paint_placeholder(self, self.placeholder_title, self.placeholder_detail)


class ResultsTree(DragOutView, _Placeholder, QTreeView):
    """Documents; Enter opens (via `activated`), Right/Left show and hide more passages."""

    leave_up = Signal()  # Up on the first row: give focus back to the search box

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setItemDelegate(DocumentDelegate(self))
        self.setUniformRowHeights(False)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setExpandsOnDoubleClick(False)  # double-click opens the document instead
        self.setAlternatingRowColors(False)
        self.setIndentation(18)
        self.setAccessibleName(self.tr("Document results"))
        drag_out(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()
        at_top = not current.isValid() or (current.row() == 0 and not current.parent().isValid())
        if event.key() == Qt.Key.Key_Up and at_top:
            self.leave_up.emit()
            return
        super().keyPressEvent(event)


class PhotoGrid(DragOutView, _Placeholder, QListView):
    """Photos as tiles. Uniform sizes and batched layout keep thousands of items smooth."""

    leave_up = Signal()

    def __init__(self, parent: QWidget | None = None, tile: int = 150) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setSpacing(4)
        self.setMouseTracking(True)  # hover tiles
        self.setWrapping(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setItemDelegate(PhotoDelegate(tile, self))
        self.setAccessibleName(self.tr("Photo results"))
        drag_out(self)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        current = self.currentIndex()
        at_top = not current.isValid() or self.visualRect(current).top() <= self.spacing() + 8
        if event.key() == Qt.Key.Key_Up and at_top:
            self.leave_up.emit()
            return
        super().keyPressEvent(event)
