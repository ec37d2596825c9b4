"""The map drawn by hand: every point in one pass, pan, zoom, hover, click and lasso.

Points are not widgets or QGraphicsItems (50k of those take seconds to build and lag on every
pan). Each colour group is one QPolygonF in map units, drawn with a single `drawPoints` under
the view transform and a cosmetic pen, so a frame costs a few calls however many points there are.
Questions that need the data (which point is under the mouse, which are inside a lasso) go to
the core's MapData.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPolygonF,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QToolTip, QWidget

from desktop.gui.map.paint import (
    MapPicture,
    accent,
    ink,
    measure_legend,
    paint_overlay,
    paint_points,
    tooltip_html,
)

if TYPE_CHECKING:
    from desktop.core.library.protocols import MapView

CLICK_SLOP = 4  # pixels a press may move and still be a click
HOVER_PIXELS = 8
SETTLE_MS = 120  # after this long without panning or zooming, the points are drawn afresh


class MapCanvas(QWidget):
    hovered = Signal(object)  # MapItem | None
    clicked = Signal(object)  # MapItem
    opened = Signal(object)  # MapItem (double-click)
    lassoed = Signal(list)  # point indices

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(200, 200)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.picture = MapPicture()
        self.lasso_mode = False
        self.empty_text = self.tr("The map appears here.")
        self._scale = 1.0
        self._offset = QPointF(0, 0)
        self._press: QPoint | None = None
        self._dragging = False
        self._lasso: list[QPointF] = []  # screen points while drawing
        self._legend_press: QPointF | None = None  # a press on the legend: fold it, or drag it to a corner
        self._hover: int | None = None
        # The points as last drawn, on a pixmap half a viewport bigger on every side, and the view
        # transform it was drawn with. Pan and zoom frames only re-project this picture (a few ms
        # at 50k points, where drawing the points takes tens); it is redrawn once the view settles.
        self._layer: QPixmap | None = None
        self._layer_view = QTransform()
        self._layer_size = self.size()
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.redraw)

    # -- data -------------------------------------------------------------------------------

    @property
    def data(self) -> MapView | None:
        return self.picture.data

    def set_map(self, data: MapView | None, colour_by: str) -> None:
        self.picture.set_map(data, colour_by)
        self._hover = None
        self.fit()
        self.redraw()

    def set_colour_by(self, by: str) -> None:
        self.picture.set_colour_by(by)
        self.redraw()

    def set_highlight(self, indices: list[int] | None) -> None:
        self.picture.set_highlight(indices)
        self.redraw()

    def set_selection(self, indices: list[int]) -> None:
        self.picture.set_selection(indices)
        self.redraw()

    # -- view transform ---------------------------------------------------------------------

    def transform(self) -> QTransform:
        return QTransform(self._scale, 0, 0, -self._scale, self._offset.x(), self._offset.y())  # y up

    def to_map(self, point: QPointF) -> QPointF:
        inverted, _ok = self.transform().inverted()
        return inverted.map(point)

    def fit(self) -> None:
        """Show the whole map with a margin."""
        x0, y0, x1, y1 = self.picture.bounds()
        width, height = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
        margin = 40
        # Keep the points clear of the legend: the side it sits on gets its width as extra margin
        # (issue 13: the legend covered the cluster a query lit up).
        box = measure_legend(self.picture, QRectF(self.rect()), self.font()) if self.picture.groups else QRectF()
        legend = box.width() + 24 if not box.isEmpty() and box.width() < self.width() / 2 else 0.0
        self._scale = min((self.width() - 2 * margin - legend) / width, (self.height() - 2 * margin) / height)
        self._scale = max(self._scale, 1e-3)
        centre = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
        shift = legend / 2 if "left" in self.picture.legend_corner else -legend / 2
        self._offset = QPointF(self.width() / 2 + shift - centre.x() * self._scale,
                               self.height() / 2 + centre.y() * self._scale)
        self.update()

    def legend_clicked(self) -> None:
        """Fold or unfold the legend."""
        self.picture.legend_folded = not self.picture.legend_folded
        self.update()

    def move_legend(self, position: QPointF) -> None:
        """Put the legend in the corner nearest `position`, and fit the points clear of it."""
        vertical = "top" if position.y() < self.height() / 2 else "bottom"
        horizontal = "left" if position.x() < self.width() / 2 else "right"
        self.picture.legend_corner = f"{vertical} {horizontal}"
        self.fit()
        self.redraw()

    def zoom(self, factor: float, around: QPointF) -> None:
        anchor = self.to_map(around)
        self._scale = min(max(self._scale * factor, 1e-3), 1e6)
        # keep the map point under the cursor where it was
        self._offset = QPointF(around.x() - anchor.x() * self._scale, around.y() + anchor.y() * self._scale)
        self.update()

    def pan(self, dx: float, dy: float) -> None:
        self._offset += QPointF(dx, dy)
        self.update()

    # -- painting ---------------------------------------------------------------------------

    def redraw(self) -> None:
        """Forget the cached points; the next frame draws them for the current view."""
        self._layer = None
        self.update()

    def changeEvent(self, event: QEvent) -> None:
        # A light/dark switch changes the background and the ink the cached layer was drawn with.
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange, QEvent.Type.StyleChange):
            self.redraw()
        super().changeEvent(event)

    def _draw_layer(self) -> None:
        width, height = self.width(), self.height()
        ratio = self.devicePixelRatioF()
        layer = QPixmap(int(2 * width * ratio), int(2 * height * ratio))
        layer.setDevicePixelRatio(ratio)
        layer.fill(self.palette().color(QPalette.ColorRole.Base))  # opaque: blits are plain copies
        painter = QPainter(layer)
        self._layer_view = self.transform()
        self._layer_size = self.size()
        paint_points(painter, self._layer_view * QTransform.fromTranslate(width // 2, height // 2), self.picture)
        painter.end()
        self._layer = layer

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect())
        painter.fillRect(rect, self.palette().color(QPalette.ColorRole.Base))
        if self.data is None or len(self.data) == 0:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text)
            return
        view = self.transform()
        if self._layer is None or self._layer_size != self.size():  # a resized window needs a bigger layer
            self._draw_layer()
        pixmap, layer = self._layer, self._layer_view
        if pixmap is None:  # _draw_layer always makes one
            return
        if abs(view.m11() - layer.m11()) <= 1e-9 * abs(layer.m11()):
            # Same zoom: a plain blit at whole pixels (Qt's fast path; any fraction would resample).
            dx, dy = round(view.dx() - layer.dx()), round(view.dy() - layer.dy())
            painter.drawPixmap(QPoint(dx - self.width() // 2, dy - self.height() // 2), pixmap)
            if dx or dy:
                self._settle.start()
        else:  # zooming: stretch the old picture now, draw it properly when the view settles
            inverse, _ok = layer.inverted()
            painter.save()
            painter.setTransform(QTransform.fromTranslate(-self.width() // 2, -self.height() // 2) * inverse * view)
            painter.drawPixmap(0, 0, pixmap)
            painter.restore()
            self._settle.start()
        paint_overlay(painter, rect, view, self.picture, self._hover)
        if len(self._lasso) > 1:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(ink(), 1.5, Qt.PenStyle.DashLine))
            painter.setBrush(accent(40))
            painter.drawPolygon(QPolygonF(self._lasso))
        painter.end()

    # -- mouse ------------------------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() or event.pixelDelta().y()
        if steps:
            self.zoom(1.0015 ** steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.picture.legend_box.contains(event.position()):
            self._legend_press = event.position()
            event.accept()
            return
        self._press = event.position().toPoint()
        self._dragging = False
        lasso = event.button() == Qt.MouseButton.LeftButton and (
            self.lasso_mode or event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._lasso = [event.position()] if lasso else []
        event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        position = event.position()
        if self._press is not None and event.buttons():
            if self._lasso:
                self._lasso.append(position)
                self.update()
                return
            moved = position.toPoint() - self._press
            if self._dragging or moved.manhattanLength() > CLICK_SLOP:
                self._dragging = True
                self.pan(moved.x(), moved.y())
                self._press = position.toPoint()
            return
        self._update_hover(position, event.globalPosition().toPoint())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._legend_press is not None:
            moved = (event.position() - self._legend_press).manhattanLength()
            self._legend_press = None
            if moved > CLICK_SLOP * 4:
                self.move_legend(event.position())
            else:
                self.legend_clicked()
            return
        if self._lasso:
            polygon = [self.to_map(p) for p in self._lasso]
            self._lasso = []
            if len(polygon) > 2 and self.data is not None:
                self.lassoed.emit(self.data.inside([(p.x(), p.y()) for p in polygon]))
            self.update()
        elif not self._dragging and event.button() == Qt.MouseButton.LeftButton:
            index, data = self.point_at(event.position()), self.data
            if index is not None and data is not None:
                self.clicked.emit(data.item(index))
        self._press, self._dragging = None, False

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        index, data = self.point_at(event.position()), self.data
        if index is not None and data is not None:
            self.opened.emit(data.item(index))

    def leaveEvent(self, event: object) -> None:
        if self._hover is not None:
            self._hover = None
            self.hovered.emit(None)
            self.update()

    def point_at(self, position: QPointF) -> int | None:
        if self.data is None:
            return None
        where = self.to_map(position)
        return self.data.nearest(where.x(), where.y(), HOVER_PIXELS / self._scale)

    def screen_position(self, index: int) -> QPointF:
        """Where point `index` is drawn (tests and keyboard users aim with it)."""
        if self.data is None:
            raise ValueError("no map is shown")
        xs, ys = self.data.xs_ys([index])
        return self.transform().map(QPointF(xs[0], ys[0]))

    def _update_hover(self, position: QPointF, global_position: QPoint) -> None:
        index, data = self.point_at(position), self.data
        if index == self._hover:
            return
        self._hover = index
        self.update()
        if index is None or data is None:
            QToolTip.hideText()
            self.hovered.emit(None)
            return
        item = data.item(index)
        QToolTip.showText(global_position, tooltip_html(item, data.kind), self)
        self.hovered.emit(item)
