"""Another X client that drags files, for test_window_manager_drag.py: a small window that starts a
QDrag carrying the files' URLs (text/uri-list, as a file manager's drag does) when the mouse is
pressed on it. The drag then runs the X drag-and-drop protocol (XDND) between the two processes;
the test moves the real pointer with xdotool.

    python -m tests.gui.drag_source FILE...

It prints one JSON line with its X window id once shown, and one with the drop action when the
drag ends.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QMimeData, Qt, QTimer, QUrl
from PySide6.QtGui import QDrag, QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel


class Source(QLabel):
    def __init__(self, paths: list[str]) -> None:
        super().__init__("Drag me")
        self.paths = paths
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint)  # above the window it is dragged to

    def mousePressEvent(self, event: QMouseEvent) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(p) for p in self.paths])
        drag = QDrag(self)
        drag.setMimeData(mime)
        print(json.dumps({"drag": "started"}), flush=True)
        action = drag.exec(Qt.DropAction.CopyAction | Qt.DropAction.LinkAction)
        print(json.dumps({"drag": "ended", "action": int(action.value)}), flush=True)


def main(argv: list[str]) -> int:
    app = QApplication([argv[0]])
    source = Source(argv[1:])
    source.resize(120, 80)
    source.show()
    QTimer.singleShot(300, lambda: print(json.dumps({"wid": int(source.winId())}), flush=True))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv))
