"""Files as the rest of the desktop takes them: `text/uri-list` plus the paths as plain text.

A file manager, a mail client's attachment area or a chat window reads the URLs; a terminal or a
text editor reads the text. The same data goes on the clipboard (Copy path) and into a drag.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QMimeData, QModelIndex, QPersistentModelIndex, QPoint, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QDrag, QFontMetrics, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QStyle

URI_LIST = "text/uri-list"
PLAIN_TEXT = "text/plain"


def paths_mime_data(paths: Sequence[str]) -> QMimeData:
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(path) for path in paths])  # text/uri-list, percent-encoded, CRLF
    data.setText("\n".join(paths))
    return data


class DragOutModel:
    """Mixed into a results model (with a `hit_at(index)`): its rows can be dragged out as files."""

    hit_at: Any  # the model's own: index -> Hit | None (declared here, defined there)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags: Qt.ItemFlag = super().flags(index)  # type: ignore[misc]
        if index.isValid():
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return [URI_LIST, PLAIN_TEXT]

    def mimeData(self, indexes: Iterable[QModelIndex]) -> QMimeData:
        paths: list[str] = []
        for index in indexes:
            hit = self.hit_at(index)
            if hit is not None and hit.path not in paths:  # a passage row drags its document
                paths.append(hit.path)
        return paths_mime_data(paths)

    def supportedDragActions(self) -> Qt.DropAction:
        # Copy (or link): a drag out of a search result never moves the user's file away.
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction


class DragOutView:
    """Mixed into a results view: a drag carries the selected files and shows what is being dragged
    (the photo's thumbnail, or the document's icon and title), offering copy or link, never move."""

    def startDrag(self, supported: Qt.DropAction) -> None:
        view: QAbstractItemView = self  # type: ignore[assignment]
        indexes = [i for i in view.selectedIndexes() if i.isValid()] or [view.currentIndex()]
        indexes = [i for i in indexes if i.isValid()]
        model = view.model()
        if not indexes or model is None:
            return
        data = model.mimeData(indexes)
        if not data.hasUrls():
            return
        drag = QDrag(view)
        drag.setMimeData(data)
        pixmap = drag_pixmap(view, indexes[0], len(data.urls()))
        drag.setPixmap(pixmap)
        drag.setHotSpot(QPoint(pixmap.width() // 2, pixmap.height() // 2))
        allowed = (supported | Qt.DropAction.CopyAction) & ~Qt.DropAction.MoveAction
        drag.exec(allowed, Qt.DropAction.CopyAction)


def drag_pixmap(view: QAbstractItemView, index: QModelIndex, count: int) -> QPixmap:
    """What follows the pointer: the thumbnail (photos) or icon + title (documents), and a count badge."""
    ratio = view.devicePixelRatioF()
    palette = view.palette()
    thumbnail = index.data(Qt.ItemDataRole.DecorationRole)
    title = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
    metrics = QFontMetrics(view.font())
    if isinstance(thumbnail, QPixmap) and not thumbnail.isNull():
        picture = thumbnail.scaled(QSize(112, 112) * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                   Qt.TransformationMode.SmoothTransformation)
        size = QSize(round(picture.width() / ratio) + 8, round(picture.height() / ratio) + 8)
    else:
        picture = None
        text = metrics.elidedText(title, Qt.TextElideMode.ElideMiddle, 260)
        badge_room = 30 if count > 1 else 0
        size = QSize(metrics.horizontalAdvance(text) + 48 + badge_room, max(32, metrics.height() + 14))
    pixmap = QPixmap(size * ratio)
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(palette.color(QPalette.ColorRole.Mid))
    painter.setBrush(palette.color(QPalette.ColorRole.Base))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size.width() - 1, size.height() - 1), 6, 6)
    if picture is not None:
        painter.drawPixmap(4, 4, picture)
    else:
        icon = view.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        painter.drawPixmap(8, (size.height() - 20) // 2, icon.pixmap(QSize(20, 20), ratio))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.setFont(view.font())
        painter.drawText(QRectF(36, 0, size.width() - 40, size.height()), Qt.AlignmentFlag.AlignVCenter, text)
    if count > 1:  # several files: a badge with how many
        badge = QRectF(size.width() - 26, 2, 24, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight))
        painter.drawRoundedRect(badge, 9, 9)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, str(count))
    painter.end()
    return pixmap
