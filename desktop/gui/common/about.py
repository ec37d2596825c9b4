"""Help ▸ About: what semdesk is, its version, and where this library keeps its data."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.core.common.version import app_version
from desktop.gui.common.desktop_entry import APP_ID


class AboutDialog(QDialog):
    def __init__(self, library_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("About semdesk"))
        icon = QLabel()
        icon.setPixmap(QIcon.fromTheme(APP_ID, QApplication.windowIcon()).pixmap(80, 80))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        where = self.tr("<p>This library lives in<br><code>{path}</code></p>").format(
            path=html.escape(str(library_path))) if library_path else ""
        text = QLabel(
            "<h2>semdesk</h2>" + self.tr("<p>Version {version}</p>").format(version=app_version())
            + self.tr("<p>Search your own folders of documents and photos by meaning.<br>"
                      "Everything runs on this computer; nothing is sent anywhere.</p>")
            + where + self.tr("<p>Licensed under the Apache License 2.0.</p>")
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addWidget(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)
