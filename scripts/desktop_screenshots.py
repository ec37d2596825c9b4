"""The README's desktop-integration pictures, under Xvfb: the window in a dark palette, and a drag out.

Documents: Debian's Python FAQ sources (python3.11-doc). Writes resources/screenshots/dark-window.png
and drag-out.png (the window, the drag's picture where the pointer would carry it, and what the
drag carries: its MIME formats and data).

Usage: xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/python scripts/desktop_screenshots.py
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FAQ = Path("/usr/share/doc/python3.11/html/_sources/faq")
SIZE = (1366, 740)
QUERY = "how do I make a python script executable"


def wait_for(condition: Callable[[], bool], timeout: float = 120) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("timed out")
        QApplication.processEvents()
        time.sleep(0.02)


def dark_palette():  # the Qt import is inside
    from PySide6.QtGui import QColor, QPalette

    palette = QPalette()
    roles = QPalette.ColorRole
    for role, colour in ((roles.Window, "#25272b"), (roles.WindowText, "#e8eaed"), (roles.Base, "#1b1c1f"),
                         (roles.AlternateBase, "#2b2d31"), (roles.Text, "#e8eaed"), (roles.Button, "#2f3136"),
                         (roles.ButtonText, "#e8eaed"), (roles.Highlight, "#3d6fd8"),
                         (roles.HighlightedText, "#ffffff"),
                         (roles.ToolTipBase, "#2f3136"), (roles.ToolTipText, "#e8eaed"), (roles.Link, "#8ab4f8"),
                         (roles.PlaceholderText, "#9aa0a6"), (roles.Mid, "#44474d")):
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.Text, QColor("#7a7f87"))
    palette.setColor(QPalette.ColorGroup.Disabled, roles.ButtonText, QColor("#7a7f87"))
    return palette


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "screenshots")
    args = parser.parse_args()
    if not FAQ.is_dir():
        raise SystemExit(f"{FAQ} is missing: apt-get install python3.11-doc")
    from PySide6.QtCore import QPoint, QRect, QSettings, Qt
    from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
    from PySide6.QtWidgets import QApplication

    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from desktop.gui.common.desktop_mime import drag_pixmap
    from desktop.gui.common.style import apply_style

    app = QApplication(["semdesk"])
    app.setStyle("Fusion")
    app.setPalette(dark_palette())
    apply_style(app)
    from desktop.gui.shell.main_window import MainWindow

    work = Path(tempfile.mkdtemp(prefix="semdesk-shots-"))
    documents = work / "Python FAQ"
    documents.mkdir()
    for source in sorted(FAQ.glob("*.rst.txt")):
        if source.name != "index.rst.txt":
            shutil.copy(source, documents / source.name.replace(".rst.txt", ".rst"))
    library = Library.open(work / "library")
    run_job(library.index([documents]))
    window = MainWindow(library, QSettings(str(work / "state.ini"), QSettings.Format.IniFormat))
    window.resize(*SIZE)
    window.show()
    wait_for(lambda: window.status.last is not None)
    window.search_box.setText(QUERY)
    wait_for(lambda: window.results.current.query == QUERY and window.documents.rowCount() > 0)
    view = window.documents_view
    view.setCurrentIndex(window.documents.index(0, 0))
    settle = time.monotonic() + 2.0  # the preview and the highlights fill in
    wait_for(lambda: time.monotonic() > settle)
    args.out.mkdir(parents=True, exist_ok=True)
    shot = window.grab()
    shot.save(str(args.out / "dark-window.png"))

    # The drag: the picture that follows the pointer, placed as if dragged off the first result
    # towards a file manager, and a panel with what the drop target receives.
    indexes = [window.documents.index(0, 0), window.documents.index(1, 0)]
    data = window.documents.mimeData(indexes)
    carried = drag_pixmap(view, indexes[0], len(data.urls()))
    picture = QPixmap(shot.size())
    picture.fill(QColor("#1b1c1f"))
    painter = QPainter(picture)
    painter.drawPixmap(0, 0, shot)
    rect = view.visualRect(indexes[0])
    start = view.viewport().mapTo(window, rect.center())
    drop = QPoint(start.x() + 330, start.y() + 190)
    painter.setOpacity(0.92)
    painter.drawPixmap(drop - QPoint(carried.width() // 2, carried.height() // 2), carried)
    painter.setOpacity(1.0)
    panel = QRect(250, drop.y() + 36, min(820, picture.width() - 270), 112)
    painter.setPen(QColor("#8ab4f8"))
    painter.setBrush(QColor(27, 28, 31))
    painter.drawRoundedRect(panel, 8, 8)
    font = QFont("DejaVu Sans Mono")
    font.setPointSizeF(8.5)
    painter.setFont(font)
    painter.setPen(QColor("#e8eaed"))
    lines = ["what the drop target receives:", ""]
    lines += [f"text/uri-list: {bytes(data.data('text/uri-list').data()).decode().strip().splitlines()[i]}"
              for i in range(len(data.urls()))]
    lines += [f"text/plain:    {line}" for line in data.text().splitlines()]
    lines += ["actions: copy, link (never move)"]
    painter.drawText(panel.adjusted(12, 10, -12, -10), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                     "\n".join(lines))
    painter.end()
    picture.save(str(args.out / "drag-out.png"))
    print(f"wrote {args.out / 'dark-window.png'} and {args.out / 'drag-out.png'}")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
