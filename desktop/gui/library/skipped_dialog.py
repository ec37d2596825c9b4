"""The files indexing could not use, each with the reason in plain words."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.records import SkippedFile

STATUS_TEXT = {"skipped": "Skipped", "waiting_model": "Waiting for the photo model"}


def intro_text(files: list[SkippedFile]) -> str:
    """Failures and photos waiting for the photo model counted apart: a waiting photo is not a fault,
    and the sidebar's "n files skipped" link must agree with the dialog it opens (issue 13)."""
    failed = sum(1 for f in files if f.status != "waiting_model")
    waiting = len(files) - failed
    parts = []
    if failed:
        parts.append(f"{failed} file{'s' if failed != 1 else ''} could not be indexed. Nothing was changed on "
                     "disk; fix the file (or the setting) and re-scan the folder to try again.")
    if waiting:
        parts.append(f"{waiting} photo{'s' if waiting != 1 else ''} wait{'s' if waiting == 1 else ''} for the "
                     "photo model: nothing is wrong with them; they are indexed as soon as the photo model is "
                     "set up.")
    return " ".join(parts) or "No files were skipped."


class SkippedDialog(QDialog):
    def __init__(self, files: list[SkippedFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Skipped files")
        self.resize(860, 440)
        self.files = files
        intro = QLabel(intro_text(files))
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name or reason…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(len(files), 3)
        self.table.setHorizontalHeaderLabels(["File", "Reason", "State"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, skipped in enumerate(files):
            state = STATUS_TEXT.get(skipped.status, skipped.status)
            for column, text in enumerate([skipped.path, skipped.reason, state]):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setColumnWidth(0, 380)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("Copy list", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_list)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)

    def _apply_filter(self, text: str) -> None:
        needle = text.lower()
        for row, skipped in enumerate(self.files):
            visible = not needle or needle in skipped.path.lower() or needle in skipped.reason.lower()
            self.table.setRowHidden(row, not visible)

    def copy_list(self) -> None:
        lines = [f"{f.path}\t{f.reason}" for f in self.files]
        QGuiApplication.clipboard().setText("\n".join(lines))

