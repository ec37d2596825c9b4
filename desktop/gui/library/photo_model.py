"""Getting photo search going: a CLIP weights file chosen by the user, or a download they asked for.

Either way the library is told off the UI thread; `ready` says photo search works now (the
photos that waited for the model can be indexed), `problem` says in a sentence why it does not.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from desktop.core.common.errors import ClipUnavailable
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi

WEIGHT_FILTER = QT_TRANSLATE_NOOP("PhotoModelSetup", "CLIP weights (*.safetensors *.bin *.pt *.pth);;All files (*)")


def ask_weights_file(parent: QWidget, start: str = "") -> str:
    """The weights file the user picks ("" when they cancel)."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("PhotoModelSetup", text)

    path, _ = QFileDialog.getOpenFileName(parent, tr("Choose CLIP weights"), start, tr(WEIGHT_FILTER))
    return path


class PhotoModelSetup(QObject):
    ready = Signal()  # photo search works now
    problem = Signal(str)  # the weights cannot be used (refused, or stored but not enough): why
    failed = Signal(object, str)  # exception, what was being done

    def __init__(self, workers: Workers, library: Callable[[], LibraryApi | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.library = library

    def can_download(self) -> bool:
        return hasattr(self.library(), "download_clip")

    def use_weights(self, path: str | Path) -> None:
        """Store the weights file and check it can be used."""
        library = self.library()
        if library is None:
            return

        def work() -> str | None:
            try:
                library.set_setting("clip_weights", str(path))  # loads the file first: refused if unusable
            except ClipUnavailable as error:
                return str(error)  # not stored: the photo model stays as it was
            return library.clip_problem()

        self.workers.submit(self.workers.catalog, work,
                            done=lambda problem: self.ready.emit() if problem is None else self.problem.emit(problem),
                            failed=lambda e: self.failed.emit(e, "with that weights file"))

    def download(self) -> bool:
        """Fetch the weights (network); False when this library cannot."""
        library = self.library()
        if library is None or not self.can_download():
            return False
        self.workers.submit(self.workers.writes, library.download_clip, done=lambda _path: self.ready.emit(),
                            failed=lambda e: self.failed.emit(e, "while downloading the CLIP weights"))
        return True
