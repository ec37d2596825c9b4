"""The library's folders: what is in each and whether it is up to date.

Selecting a folder limits search to it ("All folders" lifts the limit). The buttons under
the list add, remove and re-scan folders; the footer opens the list of skipped files.
"""

from __future__ import annotations

import enum
import os

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.records import FolderSummary
from desktop.gui.common.rows import paint_selection, text_role

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ROLE = Qt.ItemDataRole.UserRole + 2  # the folder's state line, translated text
TONE_ROLE = Qt.ItemDataRole.UserRole + 3  # a Tone: how the state line is coloured (never read from its words)
Index = QModelIndex | QPersistentModelIndex


class Tone(enum.IntEnum):
    NORMAL = 0
    ATTENTION = 1  # photos waiting for the model, files that could not be indexed


def tr(text: str) -> str:
    return QCoreApplication.translate("Sidebar", text)


def item_count(count: int) -> str:
    return tr("1 item") if count == 1 else tr("{count} items").format(count=count)


def not_watched(state: str) -> str:
    """'not watched' leads the line: a narrow sidebar elides the end."""
    return tr("not watched · {state}").format(state=state)


def folder_state(summary: FolderSummary, indexing: bool) -> tuple[str, Tone]:
    counts = summary.counts
    pending = counts.get("pending", 0)
    skipped = counts.get("skipped", 0)
    waiting = counts.get("waiting_model", 0)
    items = item_count(summary.items)
    if indexing:
        return tr("{items} · indexing…").format(items=items), Tone.NORMAL
    parts = [items]
    if summary.scanned_at is None and not summary.items:
        return tr("not scanned yet"), Tone.NORMAL
    if pending:
        parts.append(tr("{count} to index").format(count=pending))
    if waiting:
        parts.append(tr("1 photo waits for model") if waiting == 1
                     else tr("{count} photos wait for model").format(count=waiting))
    if skipped:
        parts.append(tr("1 error") if skipped == 1 else tr("{count} errors").format(count=skipped))
    if not pending and not waiting and not skipped:
        parts.append(tr("up to date"))
    tone = Tone.ATTENTION if waiting or skipped else Tone.NORMAL
    return " · ".join(parts), tone


class FolderDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(160, QFontMetrics(option.font).height() * 2 + 16)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        painter.save()
        paint_selection(painter, option, option.widget)
        rect = option.rect.adjusted(10, 6, -8, -6)
        bold = QFont(option.font)
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(option.palette.color(text_role(option)))
        name = index.data(Qt.ItemDataRole.DisplayRole) or ""
        painter.drawText(QRect(rect.left(), rect.top(), rect.width(), metrics.height()), Qt.AlignmentFlag.AlignLeft,
                         metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width()))
        state = index.data(STATE_ROLE) or ""
        colour = option.palette.color(text_role(option))
        colour.setAlphaF(0.62)
        attention = index.data(TONE_ROLE) == Tone.ATTENTION
        if attention and not option.state & QStyle.StateFlag.State_Selected:
            colour = QColor("#b45309")  # amber: needs attention, not alarming
        painter.setPen(colour)
        painter.setFont(option.font)
        small = QFontMetrics(option.font)
        painter.drawText(QRect(rect.left(), rect.top() + metrics.height() + 2, rect.width(), small.height()),
                         Qt.AlignmentFlag.AlignLeft, small.elidedText(state, Qt.TextElideMode.ElideRight, rect.width()))
        painter.restore()


class Sidebar(QWidget):
    folder_selected = Signal(object)  # path str, or None for all folders
    add_requested = Signal()
    remove_requested = Signal(str)
    rescan_requested = Signal()
    skipped_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        heading = QLabel(self.tr("Folders"))
        heading.setObjectName("sidebarHeading")
        self.list = QListWidget()
        self.list.setItemDelegate(FolderDelegate(self.list))
        self.list.setFrameShape(QListWidget.Shape.NoFrame)
        self.list.setAccessibleName(self.tr("Library folders"))
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        style = self.style()
        icon = style.standardIcon
        SP = QStyle.StandardPixmap
        self.add_button = self._tool(icon(SP.SP_FileDialogNewFolder), self.tr("Add a folder… (Ctrl+O)"))
        self.remove_button = self._tool(icon(SP.SP_TrashIcon), self.tr("Remove the selected folder from the library"))
        self.rescan_button = self._tool(icon(SP.SP_BrowserReload), self.tr("Re-scan all folders (F5)"))
        self.add_button.clicked.connect(self.add_requested)
        self.remove_button.clicked.connect(self._remove_clicked)
        self.rescan_button.clicked.connect(self.rescan_requested)
        self.skipped_button = QPushButton()
        self.skipped_button.setFlat(True)
        self.skipped_button.setObjectName("skippedButton")
        self.skipped_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.skipped_button.clicked.connect(self.skipped_requested)
        self.skipped_button.hide()

        buttons = QHBoxLayout()
        buttons.setContentsMargins(6, 0, 6, 0)
        for button in (self.add_button, self.remove_button, self.rescan_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 6)
        layout.setSpacing(4)
        layout.addWidget(heading)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.skipped_button)
        layout.addLayout(buttons)
        self._summaries: list[FolderSummary] = []
        self._watch_notes: dict[str, str] = {}  # folder -> why it is not watched (gui/library/watch.py)
        self._states: dict[str, str] = {}  # folder -> its state line without the 'not watched' note
        self.show_loading()

    @staticmethod
    def _tool(icon: object, tip: str) -> QToolButton:
        button = QToolButton()
        button.setIcon(icon)  # type: ignore[arg-type]
        button.setToolTip(tip)
        button.setAccessibleName(tip)
        button.setAutoRaise(True)
        return button

    def show_loading(self) -> None:
        """Before the library's first status is read: say nothing about it rather than "empty"."""
        self.list.blockSignals(True)
        self.list.clear()
        item = QListWidgetItem(self.tr("All folders"))
        item.setData(PATH_ROLE, None)
        item.setData(STATE_ROLE, self.tr("reading the library…"))
        self.list.addItem(item)
        self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(False)

    def set_folders(self, folders: list[FolderSummary], indexing: set[str] | None,
                    waiting: list[str] | None = None) -> None:
        """indexing: paths being indexed now; None when every folder is (a full re-scan). waiting:
        folders added by the user, queued or being indexed, that may have no row in the catalog yet."""
        current = self.selected_folder()
        known = {f.path.rstrip("/") for f in folders}
        new = [p for p in dict.fromkeys(waiting or []) if p.rstrip("/") not in known]
        self._summaries = list(folders)
        self.list.blockSignals(True)
        self.list.clear()
        total = sum(f.items for f in folders)
        self._states = {}
        everything = QListWidgetItem(self.tr("All folders"))
        everything.setData(PATH_ROLE, None)
        everything.setData(STATE_ROLE, item_count(total) if folders or new
                           else self.tr("drop folders here to add them"))
        self.list.addItem(everything)
        selected = everything
        for summary in folders:
            item = QListWidgetItem(os.path.basename(summary.path.rstrip("/")) or summary.path)
            item.setData(PATH_ROLE, summary.path)
            busy = indexing is None or summary.path in indexing
            state, tone = folder_state(summary, busy)
            self._states[summary.path] = state
            item.setData(TONE_ROLE, int(tone))
            item.setToolTip(summary.path)
            self._note_watch(item)
            self.list.addItem(item)
            if summary.path == current:
                selected = item
        for path in new:  # shown at once, so nobody adds the folder again (issue 13)
            item = QListWidgetItem(os.path.basename(path.rstrip("/")) or path)
            item.setData(PATH_ROLE, path)
            busy = indexing is not None and path in indexing
            state = self.tr("indexing…") if busy else self.tr("waiting to be indexed")
            self._states[path] = state
            item.setData(STATE_ROLE, state)
            item.setToolTip(path)
            self.list.addItem(item)
            if path == current:
                selected = item
        self.list.setCurrentItem(selected)
        self.list.blockSignals(False)
        self.remove_button.setEnabled(self.selected_folder() is not None)
        if selected is everything and current is not None:
            self.folder_selected.emit(None)  # the filtered folder went away

    def set_watch_notes(self, notes: dict[str, str]) -> None:
        """Folders that are not watched for changes, each with the reason (shown under its name)."""
        self._watch_notes = dict(notes)
        for row in range(self.list.count()):
            self._note_watch(self.list.item(row))

    def _note_watch(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        if path is None:
            return
        state = self._states.get(path, item.data(STATE_ROLE) or "")
        note = self._watch_notes.get(path)
        item.setData(STATE_ROLE, not_watched(state) if note else state)
        item.setToolTip(f"{path}\n{note}" if note else path)

    def set_skipped(self, count: int) -> None:
        self.skipped_button.setVisible(count > 0)
        self.skipped_button.setText(self.tr("⚠  1 file skipped — show why") if count == 1
                                    else self.tr("⚠  {count} files skipped — show why").format(count=count))

    def selected_folder(self) -> str | None:
        item = self.list.currentItem()
        path = None if item is None else item.data(PATH_ROLE)
        return path if isinstance(path, str) else None  # "everything" holds None

    def select_folder(self, path: str | None) -> None:
        for row in range(self.list.count()):
            if self.list.item(row).data(PATH_ROLE) == path:
                self.list.setCurrentRow(row)
                return

    def _current_changed(self, *_args: object) -> None:
        self.remove_button.setEnabled(self.selected_folder() is not None)
        self.folder_selected.emit(self.selected_folder())

    def _remove_clicked(self) -> None:
        path = self.selected_folder()
        if path is not None:
            self.remove_requested.emit(path)
