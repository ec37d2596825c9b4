"""Following the desktop's light/dark switch while the window is open.

Qt updates the application palette itself when the colour scheme changes (Qt 6.5+); what was
made from the old palette must be made again: the style sheet (sidebar, muted text) here, and
cached pictures in the widgets that keep them (the map canvas redraws on the palette change).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication


def follow_colour_scheme(app: QGuiApplication, restyle: Callable[[], None]) -> bool:
    """Call `restyle` after each colour-scheme change; False where this Qt cannot tell."""
    hints = app.styleHints()
    signal = getattr(hints, "colorSchemeChanged", None)
    if signal is None:
        return False
    # Queued: the platform theme may deliver the new palette just after the signal.
    signal.connect(lambda _scheme: QTimer.singleShot(0, restyle))
    return True
