"""The files indexing could not use, each with the reason in plain words."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
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
from desktop.gui.common.translate import QT_TRANSLATE_NOOP

STATUS_TEXT = {"skipped": QT_TRANSLATE_NOOP("SkippedDialog", "Skipped"),
               "waiting_model": QT_TRANSLATE_NOOP("SkippedDialog", "Waiting for the photo model")}


def tr(text: str) -> str:
    return QCoreApplication.translate("SkippedDialog", text)


def intro_text(files: list[SkippedFile]) -> str:
    """Failures and photos waiting for the photo model counted apart: a waiting photo is not a fault,
    and the sidebar's "n files skipped" link must agree with the dialog it opens (issue 13)."""
    failed = sum(1 for f in files if f.status != "waiting_model")
    waiting = len(files) - failed
    parts = []
    if failed:
        parts.append((tr("1 file could not be indexed.") if failed == 1 else
                      tr("{count} files could not be indexed.").format(count=failed))
                     + " " + tr("Nothing was changed on disk; fix the file (or the setting) and re-scan the folder "
                                "to try again."))
    if waiting:
        parts.append((tr("1 photo waits for the photo model:") if waiting == 1 else
                      tr("{count} photos wait for the photo model:").format(count=waiting))
                     + " " + tr("nothing is wrong with them; they are indexed as soon as the photo model is set up."))
    return " ".join(parts) or tr("No files were skipped.")


class SkippedDialog(QDialog):
    def __init__(self, files: list[SkippedFile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Skipped files"))
        self.resize(860, 440)
        self.files = files
        intro = QLabel(intro_text(files))
        intro.setWordWrap(True)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(tr("Filter by name or reason…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(len(files), 3)
        self.table.setHorizontalHeaderLabels([tr("File"), tr("Reason"), tr("State")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        for row, skipped in enumerate(files):
            state = tr(STATUS_TEXT[skipped.status]) if skipped.status in STATUS_TEXT else skipped.status
            for column, text in enumerate([skipped.path, skipped.reason, state]):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                self.table.setItem(row, column, item)
        self.table.setColumnWidth(0, 380)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton(tr("Copy list"), QDialogButtonBox.ButtonRole.ActionRole)
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

