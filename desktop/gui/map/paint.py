"""Painting a map with QPainter: shared by the Map tab and `semdesk map --out` (a QImage).

MapPicture turns the core's plain lists into QPolygonF once per map or colouring, so a frame
is only: one drawPoints per colour group, the highlights, the labels and the legend.
"""

from __future__ import annotations

import html
import os
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
    QTransform,
)

from desktop.gui.common.hits import PLACE_SEPARATOR

if TYPE_CHECKING:
    from desktop.core.library.protocols import MapColouring, MapLabel, MapPoint, MapView

# Distinct, colour-blind-friendly hues (Tableau 10 + 2), then grey for "other" and noise.
QUALITATIVE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
               "#9c755f", "#17becf", "#8c564b", "#bcbd22"]
SEQUENTIAL = ["#440154", "#482878", "#3e4989", "#31688e", "#26828e", "#1f9e89", "#35b779", "#6ece58",
              "#b5de2b", "#fde725"]  # viridis: old -> new
MUTED = QColor(170, 170, 170)
LEGEND_ROWS = 14


class MapPicture:
    """What to draw: the map, its colouring as polygons, highlights and selection."""

    def __init__(self) -> None:
        self.data: MapView | None = None
        self.colouring: MapColouring | None = None
        self.groups: list[tuple[str, int, QColor, QPolygonF, bool]] = []  # name, count, colour, points, muted
        self.highlight: list[tuple[QColor, QPolygonF]] | None = None
        self._highlight_indices: list[int] | None = None
        self.selection = QPolygonF()
        self.labels: Sequence[MapLabel] = []
        # The legend: folded to its title or open, in a corner the user drags it to ("top right",
        # "top left", "bottom left", "bottom right"); where it was last drawn, for clicks.
        self.legend_folded = False
        self.legend_corner = "top right"
        self.legend_box = QRectF()

    def set_map(self, data: MapView | None, colour_by: str) -> None:
        self.data = data
        self.labels = data.cluster_labels() if data is not None else []
        self.selection = QPolygonF()
        self.highlight = None
        self.set_colour_by(colour_by)

    def set_colour_by(self, by: str) -> None:
        self.groups = []
        self.colouring = None
        if self.data is None:
            return
        self.colouring = colouring = self.data.colouring(by)
        for number, group in enumerate(colouring.groups):
            colour = group_colour(number, len(colouring.groups), group.muted, colouring.sequential)
            polygon = QPolygonF([QPointF(x, y) for x, y in zip(group.xs, group.ys, strict=True)])
            self.groups.append((group.name, group.count, colour, polygon, group.muted))
        if self.highlight is not None:
            self.set_highlight(self._highlight_indices)

    def set_highlight(self, indices: list[int] | None) -> None:
        """Points to light up (a query's results); None shows every point at full strength."""
        self._highlight_indices = indices
        if indices is None or self.data is None or self.colouring is None:
            self.highlight = None
            return
        per_group: dict[int, list[QPointF]] = {}
        xs, ys = self.data.xs_ys(indices)
        for group, x, y in zip(self.colouring.group_of(indices), xs, ys, strict=True):
            per_group.setdefault(group, []).append(QPointF(x, y))
        self.highlight = [(self.groups[g][2], QPolygonF(points)) for g, points in per_group.items()]

    def set_selection(self, indices: list[int]) -> None:
        xs, ys = self.data.xs_ys(indices) if (self.data is not None and indices) else ([], [])
        self.selection = QPolygonF([QPointF(x, y) for x, y in zip(xs, ys, strict=True)])

    def bounds(self) -> tuple[float, float, float, float]:
        return self.data.bounds() if self.data is not None and len(self.data) else (0.0, 0.0, 1.0, 1.0)


def group_colour(number: int, count: int, muted: bool, sequential: bool) -> QColor:
    if muted:
        return QColor(MUTED)
    if sequential:
        step = number / max(count - 1, 1)
        return QColor(SEQUENTIAL[round(step * (len(SEQUENTIAL) - 1))])
    return QColor(QUALITATIVE[number % len(QUALITATIVE)])


def point_size(count: int) -> float:
    """Big dots for a few hundred items, fine ones for 50k (they would merge into a blanket)."""
    return 7.0 if count < 2000 else 4.5 if count < 15000 else 3.0


def paint_map(painter: QPainter, rect: QRectF, transform: QTransform, picture: MapPicture, palette: QPalette,
              empty_text: str, *, hover: int | None = None) -> None:
    """A whole frame: points, then what sits on top of them."""
    painter.fillRect(rect, palette.color(QPalette.ColorRole.Base))
    data = picture.data
    if data is None or len(data) == 0:
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, empty_text)
        return
    paint_points(painter, transform, picture)
    paint_overlay(painter, rect, transform, picture, hover)


def paint_points(painter: QPainter, transform: QTransform, picture: MapPicture) -> None:
    """The points layer (the expensive part, which the canvas caches while panning and zooming).

    Points are mapped to pixels here and drawn untransformed: Qt draws a wide point as a very short
    line in the painter's coordinates, so under a zoomed-in transform that line grew into an oval
    (issue 13: "points become ovals after zooming").
    """
    data = picture.data
    if data is None:  # the canvas paints an empty map as words
        return
    size = point_size(len(data))
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(data) < 20000)  # AA costs most at 50k
    painter.resetTransform()
    dim = picture.highlight is not None
    for _name, _count, colour, polygon, _muted in picture.groups:
        painter.setPen(QPen(_faded(colour) if dim else colour, size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawPoints(transform.map(polygon))
    for colour, polygon in picture.highlight or []:
        pixels = transform.map(polygon)
        for width, pen_colour in ((size + 5, ink()), (size + 2, colour)):
            painter.setPen(QPen(pen_colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            painter.drawPoints(pixels)
    if not picture.selection.isEmpty():
        pixels = transform.map(picture.selection)
        for each in (QPen(accent(), size + 5, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap),
                     QPen(paper(), size + 1, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)):
            painter.setPen(each)
            painter.drawPoints(pixels)
    painter.restore()


def paint_overlay(painter: QPainter, rect: QRectF, transform: QTransform, picture: MapPicture,
                  hover: int | None) -> None:
    """Hover ring, cluster labels and legend: cheap, and they must stay crisp at any zoom."""
    data = picture.data
    if data is None:
        return
    size = point_size(len(data))
    if hover is not None:
        xs, ys = data.xs_ys([hover])
        centre = transform.map(QPointF(xs[0], ys[0]))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ink(), 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(centre, size + 3, size + 3)
    legend = _paint_legend(painter, rect, picture)
    _paint_labels(painter, rect, transform, picture, legend)


def ink(alpha: int = 255) -> QColor:
    """Outlines and text over the map: the palette's text colour (light on a dark theme)."""
    colour = QGuiApplication.palette().color(QPalette.ColorRole.Text)
    colour.setAlpha(alpha)
    return colour


def paper(alpha: int = 255) -> QColor:
    """Backgrounds of labels and the legend: the map's own background colour."""
    colour = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    colour.setAlpha(alpha)
    return colour


def accent(alpha: int = 255) -> QColor:
    colour = QGuiApplication.palette().color(QPalette.ColorRole.Highlight)
    colour.setAlpha(alpha)
    return colour


def _faded(colour: QColor) -> QColor:
    faded = QColor(colour)
    faded.setAlpha(45)
    return faded


def _paint_labels(painter: QPainter, rect: QRectF, transform: QTransform, picture: MapPicture,
                  legend: QRectF) -> None:
    """Cluster names at their centres, biggest clusters first; a label that would overlap one
    already drawn is left out (zooming in makes room for it)."""
    if picture.colouring is None or picture.colouring.by != "cluster":
        return
    font = QFont(painter.font())
    font.setBold(True)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    taken: list[QRectF] = [legend]
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for label in sorted(picture.labels, key=lambda c: -c.size):
        centre = transform.map(QPointF(label.x, label.y))
        box = metrics.boundingRect(label.label).adjusted(-5, -3, 5, 3)
        box.moveCenter(centre)
        if not rect.contains(box) or any(box.intersects(other) for other in taken):
            continue
        taken.append(box)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(paper(215))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(ink())
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label.label)


def tr(text: str) -> str:
    return QCoreApplication.translate("MapLegend", text)


def group_name(name: str, muted: bool) -> str:
    """A group's name in the legend: the core's fixed words for the grey groups ("other",
    "unclustered", "unknown date") are translated; cluster, folder, type and date names are data."""
    return tr(name) if muted else name


LEGEND_TITLE = "Legend"  # translated where it is drawn (context MapLegend)


def measure_legend(picture: MapPicture, rect: QRectF, font: QFont) -> QRectF:
    """Where the legend goes in `rect`, before anything is painted (drawn once on a scrap image)."""
    from PySide6.QtGui import QImage

    scrap = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(scrap)
    painter.setFont(font)
    box = _paint_legend(painter, rect, picture)
    painter.end()
    return box


def legend_box(rect: QRectF, corner: str, width: float, height: float) -> QRectF:
    left = rect.left() + 12 if "left" in corner else rect.right() - width - 12
    top = rect.top() + 12 if "top" in corner else rect.bottom() - height - 12
    return QRectF(left, top, width, height)


def _paint_legend(painter: QPainter, rect: QRectF, picture: MapPicture) -> QRectF:
    """The legend in its corner, under a title that folds it (click) and moves it (drag); returns
    where it is so labels keep clear of it (and the canvas keeps the points clear of it)."""
    if not picture.groups:
        picture.legend_box = QRectF()
        return QRectF()
    font = QFont(painter.font())
    font.setBold(False)
    painter.setFont(font)
    metrics = QFontMetricsF(font)
    line = metrics.height() + 3
    rows = [(f"{group_name(name, muted)}  ({count:,})", colour) for name, count, colour, _p, muted in picture.groups]
    if len(rows) > LEGEND_ROWS:  # clusters: the biggest, then how many more (their labels are on the map)
        rows = [*rows[: LEGEND_ROWS - 1], (tr("… {count} more").format(count=len(rows) - LEGEND_ROWS + 1), MUTED)]
    title = f"{tr(LEGEND_TITLE)} {'▸' if picture.legend_folded else '▾'}"
    shown = [] if picture.legend_folded else rows
    width = max([metrics.horizontalAdvance(text) + 34 for text, _ in shown] + [metrics.horizontalAdvance(title) + 20])
    box = legend_box(rect, picture.legend_corner, width, line * (len(shown) + 1) + 12)
    picture.legend_box = box
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(ink(40))
    painter.setBrush(paper(225))
    painter.drawRoundedRect(box, 6, 6)
    painter.setPen(ink(170))
    painter.drawText(QRectF(box.left() + 10, box.top() + 6, width - 12, line), Qt.AlignmentFlag.AlignVCenter, title)
    for row, (text, colour) in enumerate(shown):
        top = box.top() + 6 + (row + 1) * line
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawEllipse(QPointF(box.left() + 14, top + line / 2), 5, 5)
        painter.setPen(ink())
        painter.drawText(QRectF(box.left() + 26, top, width - 28, line), Qt.AlignmentFlag.AlignVCenter, text)
    return box


def tooltip_html(item: MapPoint, kind: str) -> str:
    """Hover preview: the photo's thumbnail, or the document's title and first passage."""
    title = html.escape(item.title or os.path.basename(item.path))
    if getattr(item, "heading", ""):  # a passage: where in its document it is
        title += html.escape(PLACE_SEPARATOR + item.heading)
    where = html.escape(item.group)
    when = time.strftime("%Y-%m-%d", time.localtime(item.date)) if item.date > 0 else ""
    parts = [f"<b>{title}</b>", f"<span style='color:#666'>{where}  {when}</span>"]
    if item.label:
        cluster = tr("cluster: {label}").format(label=html.escape(item.label))
        parts.append(f"<span style='color:#666'>{cluster}</span>")
    if kind == "image" and item.thumb:
        parts.append(f"<img src='{html.escape(item.thumb)}' width='180'>")
    elif item.snippet:
        parts.append(f"<i>{html.escape(item.snippet)}</i>")
    return "<div style='max-width:360px'>" + "<br>".join(parts) + "</div>"
