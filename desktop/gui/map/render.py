"""`semdesk map --out map.png`: the Map tab's painting, on a QImage instead of a window.

Rendering with the same QPainter code as the tab (rather than a second renderer such as PIL)
keeps the file and the screen identical. It needs a Qt application object for fonts, which the
'offscreen' platform provides without any display.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QPalette, QTransform
from PySide6.QtWidgets import QApplication

from desktop.core.common.errors import SemdeskError
from desktop.gui.map.paint import MapPicture, paint_map

if TYPE_CHECKING:
    from desktop.core.library.protocols import MapView


def ensure_gui_application() -> QApplication:
    # A QApplication, not a QGuiApplication: the same process may later build widgets (tests, or the
    # window after a headless render), and Qt aborts if a QWidget is made under a QGuiApplication.
    app = QApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["semdesk"])
    return cast(QApplication, app)  # made here, or by the window or a test: always a QApplication


def fit_transform(bounds: tuple[float, float, float, float], width: int, height: int, margin: int = 40) -> QTransform:
    x0, y0, x1, y1 = bounds
    scale = min((width - 2 * margin) / max(x1 - x0, 1e-6), (height - 2 * margin) / max(y1 - y0, 1e-6))
    centre = QPointF((x0 + x1) / 2, (y0 + y1) / 2)
    return QTransform(scale, 0, 0, -scale, width / 2 - centre.x() * scale, height / 2 + centre.y() * scale)


def render_map(data: MapView, path: Path, *, colour_by: str = "cluster", size: tuple[int, int] = (1600, 1000),
               highlight: list[int] | None = None) -> Path:
    app = ensure_gui_application()
    picture = MapPicture()
    picture.set_map(data, colour_by)
    picture.set_highlight(highlight)
    width, height = size
    image = QImage(width, height, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    palette: QPalette = app.palette()
    empty = QCoreApplication.translate("MapRender", "Nothing to map yet: index some folders first.")
    paint_map(painter, QRectF(0, 0, width, height), fit_transform(picture.bounds(), width, height), picture,
              palette, empty)
    painter.end()
    if not image.save(str(path)):
        raise SemdeskError(f"Could not write the picture to {path} (use a .png or .jpg name in a writable folder).")
    return path
