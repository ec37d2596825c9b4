"""The window's commands that open a dialog: add a folder, open a library, settings, skipped files,
the photo model's weights, improving results, model versions, about.

A part of MainWindow kept in its own file (MainWindow inherits it), so that main_window.py stays
about making and connecting the parts. The dialogs it opens are kept, one of each kind.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QStatusBar, QWidget

from desktop.core.common.errors import SemdeskError

if TYPE_CHECKING:  # the dialogs are imported when first opened: the window must show before them
    from desktop.core.library import Library
    from desktop.gui.common.workers import Workers
    from desktop.gui.library.indexer import Indexer
    from desktop.gui.library.photo_model import PhotoModelSetup
    from desktop.gui.library.settings_dialog import SettingsDialog
    from desktop.gui.library.skipped_dialog import SkippedDialog
    from desktop.gui.library.status_watcher import StatusWatcher
    from desktop.gui.library.watch import LibraryWatch
    from desktop.gui.tuning.versions_dialog import ModelsDialog
    from desktop.gui.tuning.wizard import TuneWizard


def tr(text: str) -> str:
    return QCoreApplication.translate("MainWindow", text)


class WindowCommands:
    # What the commands use of the window (made in MainWindow.__init__).
    if TYPE_CHECKING:  # MainWindow's own methods
        def current_library(self) -> Library | None: ...
        def _library_changed(self) -> None: ...

    library: Library | None
    open_library: Callable[[str], Library]
    workers: Workers
    indexer: Indexer
    status: StatusWatcher
    watch: LibraryWatch
    photo_model: PhotoModelSetup
    skipped_dialog: SkippedDialog | None = None
    settings_dialog: SettingsDialog | None = None
    tune_wizard: TuneWizard | None = None
    models_dialog: ModelsDialog | None = None
    server_dialog: Any = None

    if TYPE_CHECKING:
        def statusBar(self) -> QStatusBar: ...
        def show_message(self, text: str, title: str = "semdesk") -> QMessageBox: ...
        def ask(self, question: str, detail: str, confirm: str) -> bool: ...
        def set_library(self, library: Library) -> None: ...
        def add_paths(self, paths: list[Path]) -> None: ...
        def model_changed(self) -> None: ...

    def _widget(self) -> QWidget:
        assert isinstance(self, QWidget)
        return self

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self._widget(), tr("Add a folder to the library"), str(Path.home()))
        if folder:
            self.add_paths([Path(folder)])

    def open_library_dialog(self) -> None:
        start = str(self.library.path) if self.library is not None else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self._widget(), tr("Open or create a library folder"), start)
        if folder:
            self.switch_library(folder)

    def open_server_library_dialog(self) -> None:
        from desktop.core.library import Library
        from desktop.gui.library.server_dialog import ServerLibraryDialog

        def run(fn: Callable[[], Any], done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
            self.workers.submit(self.workers.catalog, fn, done=done, failed=failed)

        current = self.library.address if self.library is not None and "://" in self.library.address else ""
        dialog = ServerLibraryDialog(Library.check_server, run, self._widget(), address=current)
        self.server_dialog = dialog
        dialog.accepted.connect(lambda: self.switch_library(dialog.full_address()))
        dialog.open()

    def switch_library(self, folder: str) -> None:
        try:
            library = self.open_library(folder)
        except SemdeskError as error:
            self.show_message(str(error))
            return
        self.set_library(library)

    def show_skipped(self) -> None:
        from desktop.gui.library.skipped_dialog import SkippedDialog

        if self.library is not None:
            self.skipped_dialog = SkippedDialog(list(self.library.skipped_files()), self._widget())
            self.skipped_dialog.open()

    def choose_clip_weights(self) -> None:
        from desktop.gui.library.photo_model import ask_weights_file

        path = ask_weights_file(self._widget(), str(Path.home()))
        if path:
            self.set_clip_weights(path)

    def set_clip_weights(self, path: str) -> None:
        """Use a CLIP weights file; the photos that waited for it are indexed once it works."""
        self.photo_model.use_weights(path)

    def download_clip(self) -> None:
        """Asks first, saying how big the download is (issue 13), then fetches in the background."""
        if self.library is None or not self.photo_model.can_download():
            return
        size = self.library.clip_download_size()
        if not self.ask(tr("Download the photo model ({size})?").format(size=size),
                        tr("semdesk fetches the CLIP weights from Hugging Face once and keeps them in your cache; "
                           "photo search works offline afterwards. You can keep working while it downloads."),
                        tr("Download")):
            return
        if self.photo_model.download():
            self.statusBar().showMessage(tr("Downloading the CLIP weights…"))

    def show_settings(self) -> None:
        from desktop.gui.library.settings_dialog import SettingsDialog

        if self.library is None:
            return
        dialog = self.settings_dialog = SettingsDialog(self.library, self._widget(), self.workers)
        dialog.reindex_requested.connect(self.indexer.rescan)
        dialog.model_switch_requested.connect(self.switch_text_model)
        dialog.saved.connect(self.status.refresh)
        dialog.saved.connect(self.watch.settings_saved)
        dialog.open()

    def show_about(self) -> None:
        from desktop.gui.common.about import AboutDialog

        AboutDialog(self.library.path if self.library is not None else None, self._widget()).open()

    def show_tune_wizard(self) -> None:
        """The fine-tuning wizard; when a new model is kept, status, results and map refresh."""
        from desktop.gui.tuning.wizard import TuneWizard

        if self.tune_wizard is not None and self.tune_wizard.isVisible():
            self.tune_wizard.open()  # not modal any more: a second run would fight the first for the library
            return
        if self.library is not None:
            self.tune_wizard = self._open_model_dialog(TuneWizard(self.library, self.workers, self._widget()))

    def show_duplicates(self) -> None:
        """Photos ▸ Find Duplicates: a window of its own; what it moves to the trash leaves the results."""
        from desktop.gui.duplicates.window import DuplicatesWindow

        if self.library is not None:
            self.duplicates_window = DuplicatesWindow(self.workers, self.current_library, self._widget())
            self.duplicates_window.trashed.connect(lambda _paths: self._library_changed())
            self.duplicates_window.show()
            self.duplicates_window.find_groups()

    def show_people(self) -> None:
        """Photos ▸ People: a window of its own; a change to people makes person: searches answer anew."""
        from desktop.gui.people.window import PeopleWindow

        if self.library is not None:
            self.people_window = PeopleWindow(self.workers, self.current_library, self._widget())
            self.people_window.changed.connect(self._library_changed)
            self.people_window.show()
            self.people_window.load()

    def show_model_versions(self) -> None:
        """Kept models and the base ones: switching back is a rollback."""
        from desktop.gui.tuning.versions_dialog import ModelsDialog

        if self.library is not None:
            self.models_dialog = self._open_model_dialog(ModelsDialog(self.library, self.workers, self._widget()))

    def switch_text_model(self, target: str) -> None:
        """Settings chose another text model: Model Versions shows the background switch's progress."""
        self.show_model_versions()
        if self.models_dialog is not None:
            self.models_dialog.switch(None, target=target)

    def _open_model_dialog(self, dialog: Any) -> Any:
        dialog.model_changed.connect(self.model_changed)
        dialog.open()
        return dialog
