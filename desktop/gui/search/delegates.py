"""Painting result rows: documents as title / folder / highlighted passage, photos as tiles.

Colours come from the palette (light and dark themes both work); the only fixed colours are
the marker behind query words and the relevant / not relevant badges.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QFont, QFontMetrics, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from desktop.core.common.records import Hit, MarkRecord
from desktop.gui.common.highlight import excerpt, highlight_html, query_terms
from desktop.gui.common.hits import PLACE_SEPARATOR, hit_title
from desktop.gui.common.readable import readable
from desktop.gui.common.rows import paint_selection, text_role
from desktop.gui.search.result_models import Role

Index = QModelIndex | QPersistentModelIndex
PAD = 10
GOOD, BAD = QColor("#15803d"), QColor("#b91c1c")


def _query_of(index: Index) -> str:
    return getattr(index.model(), "query", "") or ""


def paint_badge(painter: QPainter, rect: QRect, text: str, colour: QColor) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawRoundedRect(QRectF(rect), rect.height() / 2, rect.height() / 2)
    painter.setPen(QColor("white"))
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def mark_badge(mark: MarkRecord | None) -> tuple[str, QColor] | None:
    if mark is None:
        return None
    if mark.relevant:
        return QCoreApplication.translate("ResultDelegate", "✓ relevant"), GOOD
    return QCoreApplication.translate("ResultDelegate", "✗ not relevant"), BAD


class DocumentDelegate(QStyledItemDelegate):
    ROW_HEIGHT = 90
    PASSAGE_HEIGHT = 54

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        height = self.PASSAGE_HEIGHT if index.data(Role.IS_PASSAGE) else self.ROW_HEIGHT
        return QSize(max(200, option.rect.width()), height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit: Hit | None = index.data(Role.HIT)
        if hit is None:
            return
        self.initStyleOption(option, index)
        painter.save()
        paint_selection(painter, option, option.widget)
        palette = option.palette
        rect = option.rect.adjusted(PAD, 6, -PAD, -6)
        terms = query_terms(_query_of(index))
        score = index.data(Role.SCORE) or 0.0
        if index.data(Role.IS_PASSAGE):
            passage = index.data(Role.PASSAGE)
            self._paint_score(painter, option, rect, score)
            text = passage.text if passage else ""
            self._paint_snippet(painter, option, rect.adjusted(0, 0, -56, 0), text, terms, 2)
            painter.restore()
            return

        title_font = QFont(option.font)
        title_font.setBold(True)
        title_font.setPointSizeF(option.font.pointSizeF() * 1.08)
        metrics = QFontMetrics(title_font)
        right = self._paint_score(painter, option, rect, score)
        badge = mark_badge(index.data(Role.MARK))
        if badge:
            width = QFontMetrics(option.font).horizontalAdvance(badge[0]) + 16
            right -= width + 8
            paint_badge(painter, QRect(right, rect.top(), width, 20), badge[0], badge[1])
        painter.setFont(title_font)
        painter.setPen(palette.color(text_role(option)))
        title_rect = QRect(rect.left(), rect.top(), right - rect.left() - 8, metrics.height())
        title = metrics.elidedText(hit_title(hit), Qt.TextElideMode.ElideRight, title_rect.width())
        painter.drawText(title_rect, Qt.AlignmentFlag.AlignLeft, title)
        if hit.heading:  # where in the document the passage is, after the title in the body's weight
            self._paint_heading(painter, option, title_rect, metrics.horizontalAdvance(title), hit.heading)

        painter.setFont(option.font)
        small = QFontMetrics(option.font)
        folder = hit.folder or os.path.dirname(hit.path)
        relative = os.path.relpath(os.path.dirname(hit.path), os.path.dirname(folder)) if hit.folder else folder
        where = "  ·  ".join(part for part in (relative, hit.found_in, hit.why) if part)  # "text in photo": OCR
        colour = palette.color(text_role(option))
        colour.setAlphaF(0.6)
        painter.setPen(colour)
        folder_rect = QRect(rect.left(), title_rect.bottom() + 2, rect.width(), small.height())
        where = small.elidedText(where, Qt.TextElideMode.ElideMiddle, rect.width())
        painter.drawText(folder_rect, Qt.AlignmentFlag.AlignLeft, where)
        top = folder_rect.bottom() + 4
        snippet_rect = QRect(rect.left(), top, rect.width(), rect.bottom() - top)
        self._paint_snippet(painter, option, snippet_rect, hit.snippet, terms, 2)
        painter.restore()

    def _paint_heading(self, painter: QPainter, option: QStyleOptionViewItem, title_rect: QRect, used: int,
                       heading: str) -> None:
        space = title_rect.adjusted(used, 0, 0, 0)
        if space.width() < 40:
            return
        painter.setFont(option.font)
        colour = option.palette.color(text_role(option))
        colour.setAlphaF(0.75)
        painter.setPen(colour)
        # The nearest headings matter most: an elided trail keeps its end.
        text = QFontMetrics(option.font).elidedText(PLACE_SEPARATOR + heading, Qt.TextElideMode.ElideLeft,
                                                    space.width())
        painter.drawText(space, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, text)

    def _paint_score(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, score: float) -> int:
        """A small score meter at the top right; returns the x where it starts."""
        width = 48
        box = QRect(rect.right() - width, rect.top() + 4, width, 6)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        track = option.palette.color(QPalette.ColorRole.Mid)
        track.setAlphaF(0.35)
        painter.setBrush(track)
        painter.drawRoundedRect(QRectF(box), 3, 3)
        selected = option.state & QStyle.StateFlag.State_Selected
        fill = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(box.adjusted(0, 0, -round(width * (1 - min(1.0, score))), 0)), 3, 3)
        painter.setPen(option.palette.color(text_role(option)))
        font = QFont(option.font)
        font.setPointSizeF(option.font.pointSizeF() * 0.85)
        painter.setFont(font)
        label = QRect(box.left(), box.bottom() + 2, width, 16)
        painter.drawText(label, Qt.AlignmentFlag.AlignRight, f"{round(score * 100)}%")
        painter.restore()
        return box.left()

    def _paint_snippet(
        self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, text: str, terms: list[str], lines: int
    ) -> None:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(0)
        doc.setTextWidth(rect.width())
        line_height = QFontMetrics(option.font).lineSpacing()
        max_chars = max(80, int(rect.width() / max(1, QFontMetrics(option.font).averageCharWidth()) * lines))
        doc.setHtml(highlight_html(excerpt(readable(text).text, terms, max_chars), terms))  # without markup
        # Clip below the last whole line that fits: marked words make lines taller than the font's spacing.
        layout = doc.firstBlock().layout()
        shown = 0.0
        for number in range(min(lines, layout.lineCount())):
            bottom = layout.lineAt(number).rect().bottom()
            if bottom > rect.height():
                break
            shown = bottom
        painter.save()
        painter.translate(rect.topLeft())
        clip = QRectF(0, 0, rect.width(), shown or min(rect.height(), line_height * lines))
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(text_role(option)))
        doc.documentLayout().draw(painter, context)
        painter.restore()


class PhotoDelegate(QStyledItemDelegate):
    """A square tile: the thumbnail letterboxed, name below, mark badge in the corner."""

    def __init__(self, tile: int = 150, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tile = tile

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(self.tile + 12, self.tile + QFontMetrics(option.font).height() + 18)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        hit: Hit | None = index.data(Role.HIT)
        if hit is None:
            return
        self.initStyleOption(option, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected or option.state & QStyle.StateFlag.State_MouseOver:
            # A soft tile behind the picture reads better than the list's full-width selection bar.
            colour = option.palette.color(QPalette.ColorRole.Highlight)
            colour.setAlphaF(0.28 if selected else 0.1)
            painter.setPen(option.palette.color(QPalette.ColorRole.Highlight) if selected else Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            painter.drawRoundedRect(QRectF(option.rect.adjusted(2, 2, -2, -2)), 8, 8)
        cell = option.rect.adjusted(6, 6, -6, -6)
        image_rect = QRect(cell.left(), cell.top(), cell.width(), self.tile)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if pixmap is not None and not pixmap.isNull():
            scaled = pixmap.size().scaled(image_rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, scaled.width(), scaled.height())
            target.moveCenter(image_rect.center())
            painter.drawPixmap(target, pixmap)
        else:
            placeholder = option.palette.color(QPalette.ColorRole.Mid)
            placeholder.setAlphaF(0.25)
            painter.fillRect(image_rect.adjusted(8, 8, -8, -8), placeholder)
        badge = mark_badge(index.data(Role.MARK))
        if badge:
            paint_badge(painter, QRect(image_rect.right() - 30, image_rect.top() + 4, 26, 20), badge[0][:1], badge[1])
        painter.setPen(option.palette.color(QPalette.ColorRole.Text))
        metrics = QFontMetrics(option.font)
        name_rect = QRect(cell.left(), image_rect.bottom() + 4, cell.width(), metrics.height())
        name = metrics.elidedText(hit_title(hit), Qt.TextElideMode.ElideMiddle, cell.width())
        painter.drawText(name_rect, Qt.AlignmentFlag.AlignHCenter, name)
        painter.restore()
