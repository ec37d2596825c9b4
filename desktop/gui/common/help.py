"""Help ▸ Keyboard Shortcuts and Help ▸ How to Use semdesk (issue 13: Help had only About).

The shortcuts list is read from the window's own QActions when it opens, so it cannot drift
from what the keys really do: each row is the keys, where the command is in the menus, and what it does
(the action's What's This text). Issue 24: it listed "Ctrl+O, Open" (the keyboard's own Open key, which
few keyboards have, beside Ctrl+O), "Ctrl+F, Find, Ctrl+L" and an unexplained "Folder Ctrl+Shift+O".
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QKeyCombination, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

# The page is one text for translators (context HowToDialog), translated when the dialog opens.
HOW_TO = """
<h3>Find things by what they mean</h3>
<ol>
<li><b>Add folders</b>: drop them on the window, or File ▸ Add Folder… (Ctrl+O). They are indexed in the
background; you can search at once.</li>
<li><b>Search</b> in your own words: “notes about the boiler service”, “astronaut in a space suit”.
Documents show their best passage; photos are a grid. Weak matches wait behind
<i>Show n weaker matches</i>.</li>
<li><b>Narrow it down</b> with the kind and date filters, or click a folder in the sidebar.</li>
<li><b>Look closer</b>: the preview shows the passage in its document, or the photo large.
Enter opens the file; More like this (Ctrl+M) finds similar items; drop any file on the search box to
find items like it.</li>
<li><b>Teach it</b>: mark results ✓ Relevant (Alt+Up) or ✗ Not relevant (Alt+Down). With marks on a few
searches, Result ▸ Improve Results… trains a model on them and shows whether it helps before you keep
it. Result ▸ Model Versions… switches back at any time.</li>
<li><b>See the whole library</b> on the Map tab: related items sit together; draw a lasso around some to
act on them.</li>
</ol>
<p>Photo search needs the CLIP photo model: the banner above the photos offers to download it or to use
a weights file you have.</p>
"""


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "")


def typeable(keys: QKeySequence) -> bool:
    """Keys on an ordinary keyboard: a chord with a modifier, a letter or an F-key. The platform's
    extra keys for a standard command (a keyboard's own Open, Find, Refresh or Help key) still work,
    but listing them read as part of the command's name ("Ctrl+O, Open")."""
    if keys.isEmpty():
        return False
    first: QKeyCombination = keys[0]  # type: ignore[index]  # PySide6's stub lacks QKeySequence[i]
    return first.keyboardModifiers() != Qt.KeyboardModifier.NoModifier or first.key().value <= Qt.Key.Key_F35.value


def menu_paths(window: QWidget) -> dict[QAction, str]:
    """Each action of the window's menus with the way to it: "File ▸ Open Library ▸ Folder"."""
    paths: dict[QAction, str] = {}

    def walk(menu: QMenu, trail: str) -> None:
        for action in menu.actions():
            name = _plain(action.text()).strip()
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{trail} ▸ {name}")
            elif name:
                paths.setdefault(action, f"{trail} ▸ {name}")

    if isinstance(window, QMainWindow):
        for action in window.menuBar().actions():
            menu = action.menu()
            if isinstance(menu, QMenu):
                walk(menu, _plain(action.text()).strip())
    return paths


def shortcut_rows(window: QWidget) -> list[tuple[str, str, str]]:
    """(keys, command, what it does) for every action of the window that has a shortcut, by command."""
    paths = menu_paths(window)
    rows: dict[str, tuple[str, str, str]] = {}
    for action in window.findChildren(QAction):
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts() if typeable(k)]
        command = paths.get(action) or _plain(action.text()).strip()
        if keys and command and command not in rows:
            does = action.whatsThis() or _plain(action.text()).strip()
            either = QCoreApplication.translate("ShortcutsDialog", "{keys} or {more}")
            shown = either.format(keys=", ".join(keys[:-1]), more=keys[-1]) if len(keys) > 1 else keys[0]
            rows[command] = (shown, command, does)
    return sorted(rows.values(), key=lambda row: row[1].lower())


class ShortcutsDialog(QDialog):
    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard Shortcuts"))
        self.resize(760, 520)
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Command"), self.tr("What it does")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                self.table.setItem(r, c, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)


class HowToDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("How to Use semdesk"))
        self.resize(560, 520)
        self.text = QTextBrowser()
        self.text.setHtml(self.tr(HOW_TO))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)


def install_help(window: QMainWindow) -> tuple[QAction, QAction]:
    """Put "How to Use semdesk" (F1) and "Keyboard Shortcuts" at the top of the window's Help menu."""
    menus = [m for m in (a.menu() for a in window.menuBar().actions()) if isinstance(m, QMenu)]
    help_menu = next((m for m in menus if _plain(m.title()).lower() == "help"), None)
    if help_menu is None:
        help_menu = window.menuBar().addMenu(window.tr("&Help"))
    first = help_menu.actions()[0] if help_menu.actions() else None
    how_to = QAction(window.tr("&How to Use semdesk"), window)
    how_to.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
    how_to.setWhatsThis(window.tr("Show a short guide to searching, marking and the map"))
    shortcuts = QAction(window.tr("&Keyboard Shortcuts"), window)
    shortcuts.setShortcut(QKeySequence("Ctrl+/"))
    shortcuts.setWhatsThis(window.tr("Show this list of keys"))
    dialogs: dict[str, QDialog] = {}

    def show(kind: str) -> None:
        dialog = dialogs[kind] = ShortcutsDialog(window) if kind == "keys" else HowToDialog(window)
        dialog.open()

    how_to.triggered.connect(lambda: show("how"))
    shortcuts.triggered.connect(lambda: show("keys"))
    if first is None:  # an empty Help menu
        help_menu.addActions([how_to, shortcuts])
    else:
        help_menu.insertActions(first, [how_to, shortcuts])
        help_menu.insertSeparator(first)
    window.help_dialogs = dialogs  # type: ignore[attr-defined]
    return how_to, shortcuts
