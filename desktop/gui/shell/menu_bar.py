"""The menu bar: every command of the window, as QActions with their shortcuts.

The actions are made here and handed back; the main window connects each one to what it does.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QMenuBar, QWidget

Shortcut = str | QKeySequence.StandardKey


def tr(text: str) -> str:
    return QCoreApplication.translate("Menus", text)


@dataclass(frozen=True)
class Menus:
    add_folder: QAction
    rescan: QAction
    open_library: QAction
    settings: QAction
    quit: QAction
    find: QAction
    documents: QAction
    photos: QAction
    skipped: QAction
    improve: QAction
    model_versions: QAction
    about: QAction
    duplicates: QAction | None = None
    open_server: QAction | None = None  # File ▸ Open Library ▸ Server Library…
    people: QAction | None = None  # Photos ▸ People…
    map: QAction | None = None  # View ▸ Map (Ctrl+3, as Ctrl+1 and Ctrl+2 for the other tabs)


def build_menus(bar: QMenuBar, owner: QWidget, result_actions: list[QAction | None], copy: QAction) -> Menus:
    """Fill `bar`; `result_actions` (None: a separator) make up the Result menu, `copy` joins Edit."""

    def action(menu: QMenu, text: str, *shortcuts: Shortcut, does: str = "") -> QAction:
        return _action(owner, menu, text, *shortcuts, does=does)

    file_menu = bar.addMenu(tr("&File"))
    add_folder = action(file_menu, tr("&Add Folder…"), QKeySequence.StandardKey.Open,
                        does=tr("Add a folder to the library; its files are indexed in the background"))
    rescan = action(file_menu, tr("&Re-scan All Folders"), QKeySequence.StandardKey.Refresh, "F5",
                    does=tr("Look for new, changed and removed files in every folder of the library"))
    file_menu.addSeparator()
    open_menu = file_menu.addMenu(tr("Open &Library"))
    open_library = action(open_menu, tr("&Folder…"), "Ctrl+Shift+O",
                          does=tr("Open another library: choose the folder it is kept in"))
    open_server = action(open_menu, tr("&Server Library…"), does=tr("Open a library kept on a PostgreSQL server"))
    file_menu.addSeparator()
    settings = action(file_menu, tr("&Settings…"), QKeySequence.StandardKey.Preferences, "Ctrl+,",
                      does=tr("Change the models, what is indexed, and speed settings"))
    file_menu.addSeparator()
    quit_ = action(file_menu, tr("&Quit"), QKeySequence.StandardKey.Quit, does=tr("Close semdesk"))

    edit = bar.addMenu(tr("&Edit"))
    find = action(edit, tr("&Find"), QKeySequence.StandardKey.Find, "Ctrl+L",
                  does=tr("Put the cursor in the search box"))
    edit.addAction(copy)

    view = bar.addMenu(tr("&View"))
    documents = action(view, tr("&Documents"), "Ctrl+1", does=tr("Show the Documents tab"))
    photos = action(view, tr("&Photos"), "Ctrl+2", does=tr("Show the Photos tab"))
    map_ = action(view, tr("&Map"), "Ctrl+3", does=tr("Show the Map tab: the whole library laid out by meaning"))
    view.addSeparator()
    skipped = action(view, tr("S&kipped Files…"), does=tr("List the files that could not be indexed, and why"))

    photos_menu = bar.addMenu(tr("&Photos"))
    duplicates = action(photos_menu, tr("Find &Duplicates…"), does=tr("Find copies and near-copies of your photos"))
    people = action(photos_menu, tr("&People…"), does=tr("The people in your photos: name them, merge, hide"))

    result = bar.addMenu(tr("&Result"))
    for act in result_actions:
        if act is None:
            result.addSeparator()
        else:
            result.addAction(act)
    result.addSeparator()
    improve = action(result, tr("&Improve Results…"), "Ctrl+Shift+I",
                     does=tr("Train a model on your ✓ and ✗ marks and compare it with the current one"))
    model_versions = action(result, tr("&Model Versions…"),
                            does=tr("Switch to another kept model, or back to the original"))

    help_menu = bar.addMenu(tr("&Help"))
    about = action(help_menu, tr("&About semdesk"), does=tr("Version, licences and where semdesk keeps its files"))
    return Menus(add_folder, rescan, open_library, settings, quit_, find, documents, photos, skipped, improve,
                 model_versions, about, duplicates, open_server, people, map_)


def _action(owner: QWidget, menu: QMenu, text: str, *shortcuts: Shortcut, does: str = "") -> QAction:
    """`does`: what the command does, in a few words (Help ▸ Keyboard Shortcuts and the status bar)."""
    act = QAction(text, owner)
    if does:
        act.setWhatsThis(does)
        act.setStatusTip(does)
    if shortcuts:
        # The platform's own keys first (StandardKey), then semdesk's; empty and repeated ones dropped.
        keys: list[QKeySequence] = []
        for shortcut in shortcuts:
            found = QKeySequence.keyBindings(shortcut) if isinstance(shortcut, QKeySequence.StandardKey) \
                else [QKeySequence(shortcut)]
            keys += [k for k in found if not k.isEmpty() and k not in keys]
        act.setShortcuts(keys)
    menu.addAction(act)
    return act
