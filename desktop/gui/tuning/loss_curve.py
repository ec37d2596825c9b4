"""A small live chart of the training loss: one point per training step, drawn with QPainter.

A falling line tells a user that the model is learning something from their marks; a
plotting library would cost seconds of import time for one line chart.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 46, 12, 12, 24


class LossCurve(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float] = []
        self.setMinimumSize(320, 150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Training loss chart"))

    def sizeHint(self) -> QSize:
        return QSize(480, 200)

    def clear(self) -> None:
        self.values.clear()
        self.update()

    def add(self, value: float) -> None:
        self.values.append(float(value))
        self.update()

    def note(self) -> str:
        """What the chart says instead of a line, while it has fewer than two points."""
        if not self.values:
            return self.tr("The loss appears here once training starts")
        if len(self.values) == 1:
            return self.tr("Loss after the first step: {loss}. The curve is drawn from the second step on.").format(
                loss=f"{self.values[0]:.2f}")
        return ""

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.rect(), palette.base())
        plot = QRectF(self.rect()).adjusted(MARGIN_LEFT, MARGIN_TOP, -MARGIN_RIGHT, -MARGIN_BOTTOM)
        muted = QColor(palette.text().color())
        muted.setAlpha(110)
        painter.setPen(QPen(muted, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        note = self.note()
        if note:  # a line needs two points: one alone was a lone dot that read as a broken chart (issue 24)
            painter.drawText(plot, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, note)
            return
        low, high = min(self.values), max(self.values)
        if high - low < 1e-9:
            low, high = low - 0.5, high + 0.5
        painter.drawText(QRectF(0, plot.top() - 8, MARGIN_LEFT - 6, 16),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{high:.2f}")
        painter.drawText(QRectF(0, plot.bottom() - 8, MARGIN_LEFT - 6, 16),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{low:.2f}")
        steps = len(self.values)
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16),
                         Qt.AlignmentFlag.AlignRight, self.tr("step {count}").format(count=steps))
        painter.drawText(QRectF(plot.left(), plot.bottom() + 4, plot.width(), 16),
                         Qt.AlignmentFlag.AlignLeft, self.tr("loss (lower is better)"))

        def point(i: int, value: float) -> QPointF:
            x = plot.left() + (plot.width() * i / max(1, steps - 1) if steps > 1 else plot.width() / 2)
            return QPointF(x, plot.bottom() - plot.height() * (value - low) / (high - low))

        path = QPainterPath(point(0, self.values[0]))
        for i, value in enumerate(self.values[1:], 1):
            path.lineTo(point(i, value))
        painter.setPen(QPen(palette.highlight().color(), 2))
        painter.drawPath(path)
        painter.setBrush(palette.highlight())
        painter.drawEllipse(point(steps - 1, self.values[-1]), 3, 3)
