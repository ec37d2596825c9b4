"""The notice above the photo results when photo search cannot work (no CLIP weights).

It says why in the core's own words and offers the fix: choose a weights file (which sets
the `clip_weights` setting) or, where the core can fetch them, download them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QWidget


class ClipBanner(QFrame):
    choose_weights = Signal()
    download = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clipBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation).pixmap(28, 28))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(self.tr("Choose weights file…"))
        self.choose_button.clicked.connect(self.choose_weights)
        self.download_button = QPushButton(self.tr("Download"))
        self.download_button.setToolTip(self.tr("Fetch the CLIP weights from the internet (about 600 MB)."))
        self.download_button.clicked.connect(self.download)
        self.download_button.hide()  # shown only when the core can download (see MainWindow)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(10)
        layout.addWidget(icon)
        layout.addWidget(self.message, 1)
        layout.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout.addWidget(self.download_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.hide()

    def show_problem(self, problem: str | None, waiting: int = 0, *, can_download: bool = False) -> None:
        if not problem:
            self.hide()
            return
        text = self.tr("<b>Photo search is not available yet.</b> {problem}").format(problem=problem)
        if waiting:
            text += "<br>" + (self.tr("1 photo will be indexed as soon as the model is ready.") if waiting == 1 else
                              self.tr("{count} photos will be indexed as soon as the model is ready.").format(
                                  count=waiting))
        self.message.setText(text)
        self.download_button.setVisible(can_download)
        self.show()
