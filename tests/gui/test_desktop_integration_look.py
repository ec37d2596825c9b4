"""The window fits the desktop it runs on: the palette's colours (dark themes too), the platform's
standard shortcuts, and thumbnails with as many pixels as the screen has."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QKeySequence, QPainter, QPalette, QPolygonF
from PySide6.QtWidgets import QApplication, QMenuBar, QWidget

from desktop.gui.common.desktop_theme import follow_colour_scheme
from desktop.gui.map import paint
from desktop.gui.shell.menu_bar import build_menus

ROOT = Path(__file__).resolve().parents[2]


def dark_palette() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.Base, "#17181a"),
                         (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.WindowText, "#e8eaed"),
                         (QPalette.ColorRole.Highlight, "#8ab4f8")):
        palette.setColor(role, QColor(colour))
    return palette


def legend_pixels() -> tuple[QColor, QColor]:
    """Paint the map legend on a picture the colour of the map's background; return the legend's
    background (inside the box, away from text) and the map background."""
    picture = paint.MapPicture()
    picture.groups = [("Receipts", 12, QColor("#4e79a7"), QPolygonF(), False)]
    image = QImage(400, 200, QImage.Format.Format_ARGB32)
    image.fill(QGuiApplication.palette().color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    box = paint._paint_legend(painter, QRectF(0, 0, 400, 200), picture)
    painter.end()
    inside = image.pixelColor(int(box.right()) - 3, int(box.bottom()) - 3)
    return inside, image.pixelColor(5, 5)


def test_map_legend_takes_the_palette_colours(qtbot) -> None:
    app = QApplication.instance()
    original = app.palette()
    try:
        light_inside, _ = legend_pixels()
        app.setPalette(dark_palette())
        assert paint.ink().lightness() > 200, "ink is light on a dark palette"
        dark_inside, background = legend_pixels()
        assert dark_inside.lightness() < 60, f"a white legend box on a dark map: {dark_inside.name()}"
        assert abs(dark_inside.lightness() - background.lightness()) < 30
        assert light_inside.lightness() > 200
        assert paint.accent() == QColor("#8ab4f8")  # the selection ring and the lasso
    finally:
        app.setPalette(original)


def test_a_colour_scheme_change_restyles(qtbot) -> None:
    app = QApplication.instance()
    restyled: list[int] = []
    assert follow_colour_scheme(app, lambda: restyled.append(1))
    app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    qtbot.waitUntil(lambda: restyled == [1], timeout=2000)


def test_menus_use_the_platforms_standard_keys(qtbot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    bar = QMenuBar(owner)
    menus = build_menus(bar, owner, [], owner.addAction("Copy path"))
    for action, standard in ((menus.find, QKeySequence.StandardKey.Find), (menus.quit, QKeySequence.StandardKey.Quit),
                             (menus.add_folder, QKeySequence.StandardKey.Open),
                             (menus.rescan, QKeySequence.StandardKey.Refresh)):
        for key in QKeySequence.keyBindings(standard):
            assert key in action.shortcuts(), (action.text(), key.toString())
    assert QKeySequence("Ctrl+L") in menus.find.shortcuts() and QKeySequence("F5") in menus.rescan.shortcuts()
    assert all(not k.isEmpty() for k in menus.settings.shortcuts())


THUMBNAIL_AT_2X = """
import sys
from PySide6.QtCore import QSize
from PySide6.QtGui import QImage, QColor
from PySide6.QtWidgets import QApplication
app = QApplication([])
from desktop.gui.common.thumbnails import ThumbnailCache
from desktop.gui.common.workers import Workers
image = QImage(1200, 900, QImage.Format.Format_RGB32)
image.fill(QColor("#336699"))
image.save(sys.argv[1])
workers = Workers()
cache = ThumbnailCache(workers, size=256)
cache.pixmap(sys.argv[1])
workers.wait()
app.processEvents()
pixmap = cache.pixmap(sys.argv[1])
print(app.devicePixelRatio(), pixmap.width(), pixmap.height(), pixmap.devicePixelRatio(),
      pixmap.deviceIndependentSize().width())
"""


def test_thumbnails_have_the_screens_pixels(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2", "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", THUMBNAIL_AT_2X, str(tmp_path / "photo.png")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    ratio, width, height, pixmap_ratio, logical = result.stdout.split()
    assert float(ratio) == 2.0
    assert (int(width), int(height)) == (512, 384) and float(pixmap_ratio) == 2.0  # 256 logical px, 512 real
    assert float(logical) == 256
