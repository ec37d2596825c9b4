"""A one-line label that shortens its text with "…" instead of widening the window.

A plain QLabel asks for the width of its whole text as its minimum, so one long file name in a
status line ("Similar to <a 90-character name>") made the window's minimum wider than the screen
(issue 13: 1713 px on a 1600 px screen). This label asks for little, shows as much as fits and
keeps the whole text in its tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

MIN_WIDTH = 40


class ElidedLabel(QLabel):
    def __init__(self, text: str = "", parent: QWidget | None = None, *,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__(parent)
        self._full = ""
        self._mode = mode
        self._own_tip = True
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)  # shrinks to 40 px
        self.setText(text)

    def setText(self, text: str) -> None:
        self._full = text or ""
        self._refit()
        self.updateGeometry()

    def text(self) -> str:
        """The whole text (what Python callers set); `shown_text` is what fits on screen."""
        return self._full

    def full_text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def setToolTip(self, tip: str) -> None:
        self._own_tip = not tip  # a caller's tooltip wins over the "whole text" one
        super().setToolTip(tip)

    def minimumSizeHint(self) -> QSize:
        return QSize(min(MIN_WIDTH, super().sizeHint().width()), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        width = metrics.horizontalAdvance(self._full) + margins.left() + margins.right() + 4
        return QSize(width, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._refit()

    def _refit(self) -> None:
        metrics = QFontMetrics(self.font())
        margins = self.contentsMargins()
        room = max(0, self.width() - margins.left() - margins.right())
        shown = metrics.elidedText(self._full, self._mode, room) if self.isVisible() or room else self._full
        super().setText(shown)
        if self._own_tip:
            super().setToolTip(self._full if shown != self._full else "")
