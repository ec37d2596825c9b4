"""The menu bar and the small dialogs it opens (add folder, open library, weights, skipped files)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog

from desktop.core.common.errors import SemdeskError

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

WEIGHT_FILTER = "CLIP weights (*.safetensors *.bin *.pt *.pth);;All files (*)"


def build(w: MainWindow) -> None:
    bar = w.menuBar()

    def action(menu: object, text: str, slot: object, *shortcuts: str | QKeySequence.StandardKey) -> QAction:
        act = QAction(text, w)
        if shortcuts:
            act.setShortcuts([QKeySequence(s) for s in shortcuts])
        act.triggered.connect(slot)  # type: ignore[arg-type]
        menu.addAction(act)  # type: ignore[attr-defined]
        return act

    file_menu = bar.addMenu("&File")
    add_folder = action(file_menu, "&Add Folder…", lambda: add_folder_dialog(w), "Ctrl+O")
    rescan = action(file_menu, "&Re-scan All Folders", w.indexer.rescan, "F5")
    file_menu.addSeparator()
    open_library = action(file_menu, "Open &Library…", lambda: open_library_dialog(w), "Ctrl+Shift+O")
    file_menu.addSeparator()
    settings = action(file_menu, "&Settings…", lambda: show_settings(w), "Ctrl+,")
    file_menu.addSeparator()
    action(file_menu, "&Quit", w.close, QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    find = action(edit, "&Find", w.focus_search, "Ctrl+F", "Ctrl+L")
    edit.addAction(w.actions_.copy)

    view = bar.addMenu("&View")
    documents = action(view, "&Documents", lambda: w.tabs.setCurrentIndex(0), "Ctrl+1")
    photos = action(view, "&Photos", lambda: w.tabs.setCurrentIndex(1), "Ctrl+2")
    view.addSeparator()
    skipped = action(view, "S&kipped Files…", w.show_skipped)

    result = bar.addMenu("&Result")
    for act in w.actions_.all:
        if act is None:
            result.addSeparator()
        else:
            result.addAction(act)
    result.addSeparator()
    improve = action(result, "&Improve Results…", lambda: show_tune_wizard(w), "Ctrl+Shift+I")
    model_versions = action(result, "&Model Versions…", lambda: show_model_versions(w))

    help_menu = bar.addMenu("&Help")
    about = action(help_menu, "&About semdesk", lambda: show_about(w))
    w.menu = SimpleNamespace(add_folder=add_folder, rescan=rescan, open_library=open_library, settings=settings,
                             find=find, documents=documents, photos=photos, skipped=skipped, about=about)
    w.menu.improve = improve
    w.menu.model_versions = model_versions


def add_folder_dialog(w: MainWindow) -> None:
    folder = QFileDialog.getExistingDirectory(w, "Add a folder to the library", str(Path.home()))
    if folder:
        w.add_paths([Path(folder)])


def open_library_dialog(w: MainWindow) -> None:
    start = str(w.library.path) if w.library is not None else str(Path.home())
    folder = QFileDialog.getExistingDirectory(w, "Open or create a library folder", start)
    if folder:
        switch_library(w, folder)


def switch_library(w: MainWindow, folder: str) -> None:
    try:
        library = w.open_library(folder)
    except SemdeskError as error:
        w.show_message(str(error))
        return
    w.set_library(library)


def show_skipped(w: MainWindow) -> None:
    from desktop.gui.skipped_dialog import SkippedDialog

    if w.library is None:
        return
    dialog = SkippedDialog(list(w.library.skipped_files()), w)
    dialog.open()
    w.skipped_dialog = dialog


def choose_clip_weights(w: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(w, "Choose CLIP weights", str(Path.home()), WEIGHT_FILTER)
    if path:
        set_clip_weights(w, path)


def set_clip_weights(w: MainWindow, path: str) -> None:
    """Store the weights file, check it can be used, then index the photos that waited for it."""
    library = w.library
    if library is None:
        return

    def work() -> str | None:
        library.set_setting("clip_weights", path)
        return library.clip_problem()

    def done(problem: str | None) -> None:
        w.status.refresh()
        if problem is None:
            w.statusBar().showMessage("Photo search is ready. Indexing the photos that were waiting…", 8000)
            w.indexer.rescan()
        else:
            w.show_message(problem)

    w.workers.submit(w.workers.catalog, work, done=done, failed=lambda e: w.report_error(e, "with that weights file"))


def download_clip(w: MainWindow) -> None:
    library = w.library
    if library is None or not hasattr(library, "download_clip"):
        return
    w.statusBar().showMessage("Downloading the CLIP weights…")

    def done(_result: object) -> None:
        w.statusBar().showMessage("Photo search is ready. Indexing the photos that were waiting…", 8000)
        w.status.refresh()
        w.indexer.rescan()

    w.workers.submit(w.workers.writes, library.download_clip, done=done,
                     failed=lambda e: w.report_error(e, "while downloading the CLIP weights"))


def show_settings(w: MainWindow) -> None:
    from desktop.gui.settings_dialog import SettingsDialog

    if w.library is None:
        return
    dialog = SettingsDialog(w.library, w)
    dialog.reindex_requested.connect(w.indexer.rescan)
    dialog.saved.connect(w.status.refresh)
    dialog.open()
    w.settings_dialog = dialog


def show_about(w: MainWindow) -> None:
    from desktop.gui.about import AboutDialog

    dialog = AboutDialog(w.library.path if w.library is not None else None, w)
    dialog.open()


def show_tune_wizard(w: MainWindow) -> None:
    """The fine-tuning wizard; when a new model is kept, status, results and map refresh."""
    from desktop.gui.tune_wizard import TuneWizard

    if w.library is not None:
        w.tune_wizard = _open_model_dialog(w, TuneWizard(w.library, w.workers, w))


def show_model_versions(w: MainWindow) -> None:
    """Kept models and the base ones: switching back is a rollback."""
    from desktop.gui.models_dialog import ModelsDialog

    if w.library is not None:
        w.models_dialog = _open_model_dialog(w, ModelsDialog(w.library, w.workers, w))


def _open_model_dialog(w: MainWindow, dialog: Any) -> Any:
    # Another active model means other vectors: every view built from the old ones is refreshed.
    dialog.model_changed.connect(w.status.refresh)
    dialog.model_changed.connect(w.search.run_now)
    dialog.model_changed.connect(w.map_tab.reset)
    dialog.open()
    return dialog
