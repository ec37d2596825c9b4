"""Painting a list row the platform's way: its selection panel, and the text colour on it."""

from __future__ import annotations

from PySide6.QtGui import QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem, QWidget


def paint_selection(painter: QPainter, option: QStyleOptionViewItem, widget: QWidget | None) -> None:
    style = widget.style() if widget else None
    if style is not None:
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)


def text_role(option: QStyleOptionViewItem) -> QPalette.ColorRole:
    selected = option.state & QStyle.StateFlag.State_Selected
    return QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
