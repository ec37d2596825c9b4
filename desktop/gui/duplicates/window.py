"""Photos ▸ Find Duplicates: each group side by side (picture, size, resolution, date, folder),
the best one to keep marked, the others ticked for the trash. Files go to the desktop's trash
only after the user confirms, never deleted outright, and the library forgets them."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import describe
from desktop.core.common.jobs import Progress, run_job
from desktop.core.common.records import DuplicateFile, DuplicateGroup
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.common.workers import Workers
from desktop.gui.duplicates.card import FileCard

if TYPE_CHECKING:
    from desktop.core.library.protocols import Duplicates

# Marked for translation here (context DuplicatesWindow), translated where they are shown.
TITLES = {"exact": QT_TRANSLATE_NOOP("DuplicatesWindow", "Exact copies"),
          "near": QT_TRANSLATE_NOOP("DuplicatesWindow", "The same picture or text, saved again"),
          "similar": QT_TRANSLATE_NOOP("DuplicatesWindow", "Similar shots")}
DETAILS = {"exact": QT_TRANSLATE_NOOP("DuplicatesWindow", "the same bytes"),
           "near": QT_TRANSLATE_NOOP("DuplicatesWindow", "resized, re-encoded, cropped or turned"),
           "similar": QT_TRANSLATE_NOOP("DuplicatesWindow", "look alike: check before removing")}
COUNTED = {"exact": QT_TRANSLATE_NOOP("DuplicatesWindow", "{count} of exact copies"),
           "near": QT_TRANSLATE_NOOP("DuplicatesWindow", "{count} of near copies"),
           "similar": QT_TRANSLATE_NOOP("DuplicatesWindow", "{count} of similar shots")}


def tr(text: str) -> str:
    return QCoreApplication.translate("DuplicatesWindow", text)


def ask(parent: QWidget, question: str, detail: str, confirm: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Question, tr("Find Duplicates"), question, QMessageBox.StandardButton.Cancel,
                      parent)
    box.setObjectName("trashConfirmation")
    box.setInformativeText(detail)
    yes = box.addButton(confirm, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter does not trash anything
    box.exec()
    return box.clickedButton() is yes


class DuplicatesWindow(QDialog):
    trashed = Signal(list)  # paths moved to the trash

    def __init__(self, workers: Workers, library: Callable[[], Duplicates | None], parent: QWidget | None = None, *,
                 confirm: Callable[[QWidget, str, str, str], bool] = ask) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Find Duplicates"))
        self.setObjectName("duplicatesWindow")
        self.resize(1000, 680)
        self.workers, self.library, self.confirm = workers, library, confirm
        self.groups: list[DuplicateGroup] = []
        self.cards: list[FileCard] = []
        # The user's own ticks by path: a refresh (after the trash, or Find again) rebuilds the cards,
        # and a copy the user un-ticked must not come back ticked.
        self.choices: dict[str, bool] = {}
        self.include_similar = QCheckBox(tr("Similar shots from"))
        self.include_similar.setChecked(True)
        self.threshold = QSpinBox()
        self.threshold.setRange(50, 99)
        self.threshold.setSuffix(tr(" %"))
        self.threshold.setAccessibleName(tr("Similarity for similar shots"))
        self.threshold.setToolTip(tr("How alike two photos must look (CLIP cosine) to count as similar shots"))
        self.find_button = QPushButton(tr("Find"))
        self.find_button.clicked.connect(self.find_groups)
        self.summary = QLabel("")
        self.summary.setObjectName("duplicatesSummary")
        top = QHBoxLayout()
        for widget in (self.include_similar, self.threshold, self.find_button, self.summary):
            top.addWidget(widget)
        top.addStretch(1)
        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.addStretch(1)
        self.scroll_area = scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.body)
        self.trash_button = QPushButton(tr("Move to Trash…"))
        self.trash_button.setObjectName("moveToTrash")
        self.trash_button.clicked.connect(self.trash_checked)
        self.trash_button.setEnabled(False)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(tr("Ticked files go to the desktop's trash, where they can be restored.")))
        bottom.addStretch(1)
        bottom.addWidget(self.trash_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        library_now = library()
        percent = library_now.get_setting("similar_photos_percent") if library_now else 90
        self.threshold.setValue(int(percent) if isinstance(percent, int | float) else 90)  # declared an int

    # -- finding --------------------------------------------------------------------------------

    def find_groups(self) -> None:
        library = self.library()
        if library is None:
            return
        if library.get_setting("similar_photos_percent") != self.threshold.value():
            library.set_setting("similar_photos_percent", self.threshold.value())
        similar = self.threshold.value() / 100 if self.include_similar.isChecked() else 1.0
        self.find_button.setEnabled(False)
        self.summary.setText(tr("Looking for duplicates…"))

        def work(report: Callable[[Progress], None]) -> list[DuplicateGroup]:
            return run_job(library.find_duplicates(similar=similar), report)

        self.workers.submit(self.workers.reads, work, done=self.show_groups, failed=self._failed,
                            progress=lambda p: self.summary.setText(p.describe()))

    def _failed(self, error: BaseException) -> None:
        self.find_button.setEnabled(True)
        self.summary.setText(describe(error, "while looking for duplicates"))  # the core's sentence, in English

    def show_groups(self, groups: list[DuplicateGroup]) -> None:
        self.find_button.setEnabled(True)
        self.groups = groups
        while self.body_layout.count() > 1:
            item = self.body_layout.takeAt(0)  # count() > 1: an item is there
            widget = None if item is None else item.widget()
            if widget is not None:
                widget.deleteLater()
        self.cards = []
        for group in groups:
            self.body_layout.insertWidget(self.body_layout.count() - 1, self._group_box(group))
        counts = {kind: sum(1 for g in groups if g.kind == kind) for kind in TITLES}
        found = ", ".join(tr(COUNTED[k]).format(count=n) for k, n in counts.items() if n)
        self.summary.setText(tr("Groups: {groups}").format(groups=found) if groups else tr("No duplicates found."))
        self._update_button()

    def _group_box(self, group: DuplicateGroup) -> QGroupBox:
        box = QGroupBox(tr("{title} — {count} files, {detail}").format(
            title=tr(TITLES[group.kind]), count=len(group.files), detail=tr(DETAILS[group.kind])))
        box.setObjectName(f"group_{group.kind}")
        row = QHBoxLayout(box)
        for file in group.files:
            suggested = group.kind != "similar" and file.path != group.keep
            card = FileCard(file, keep=file.path == group.keep, default_trash=self.choices.get(file.path, suggested))
            card.changed.connect(lambda card=card: self._chosen(card))
            self.cards.append(card)
            row.addWidget(card)
        row.addStretch(1)
        return box

    def _chosen(self, card: FileCard) -> None:
        self.choices[card.file.path] = card.trash.isChecked()
        self._update_button()

    def checked(self) -> list[DuplicateFile]:
        return [card.file for card in self.cards if card.trash.isChecked()]

    def _update_button(self) -> None:
        count = len(self.checked())
        self.trash_button.setEnabled(count > 0)
        self.trash_button.setText(tr("Move {count} to Trash…").format(count=count) if count else tr("Move to Trash…"))

    # -- trash -----------------------------------------------------------------------------------

    def trash_checked(self) -> None:
        files = self.checked()
        library = self.library()
        if not files or library is None:
            return
        names = "\n".join(Path(f.path).name for f in files[:8]) + ("\n…" if len(files) > 8 else "")
        question = (tr("Move 1 file to the Trash?") if len(files) == 1
                    else tr("Move {count} files to the Trash?").format(count=len(files)))
        detail = tr("{names}\n\nYou can restore them from the desktop's trash. semdesk forgets them.").format(
            names=names)
        if not self.confirm(self, question, detail, tr("Move to Trash")):
            return  # nothing is touched
        paths = [f.path for f in files]
        self.trash_button.setEnabled(False)
        self.workers.submit(self.workers.writes, library.move_to_trash, paths, done=self._trashed,
                            failed=self._failed)

    def _trashed(self, result: tuple[list[str], list[tuple[str, str]]]) -> None:
        moved, failed = result
        text = tr("Moved {count} to the Trash at {time}.").format(count=len(moved), time=time.strftime("%H:%M"))
        if failed:
            text += " " + tr("{count} could not be moved: {reason}.").format(count=len(failed), reason=failed[0][1])
        self.summary.setText(text)
        gone = set(moved)
        remaining = []
        for group in self.groups:
            left = tuple(f for f in group.files if f.path not in gone)
            if len(left) > 1:
                remaining.append(DuplicateGroup(group.kind, left, group.keep if group.keep not in gone
                                                else left[0].path, group.similarity))
        message = self.summary.text()
        self.show_groups(remaining)
        self.summary.setText(message)
        self.trashed.emit(moved)
