"""The models of an open library loaded in the background, so the first query does not pay for them.

On the reads worker, where queries run: a query typed meanwhile waits behind the warm-up there,
never on the UI thread. Text first, then photos as a task of their own, so a query typed during
the text model's load is answered before the photo model loads. The status bar names the one-time
preparation only when the model cache says it is needed (Library.text_model_preparation).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Signal

from desktop.core.common.errors import describe
from desktop.gui.common.workers import Workers
from desktop.gui.shell.status_bar import ModelsState

if TYPE_CHECKING:
    from desktop.core.library import Library


class ModelsWarmUp(QObject):
    failed = Signal(str)  # what went wrong, as a sentence for a message box

    def __init__(self, workers: Workers, state: ModelsState, log_path: Callable[[], Path | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.state = state
        self.log_path = log_path
        self.ready = False
        self._library: Library | None = None  # the library whose models are loading or loaded

    def start(self, library: Library) -> None:
        if self._library is library:
            return  # app.py starts it before the panes are built; set_library asks again
        self._library = library

        def warm(report: Callable[[str], None]) -> None:
            if library.text_model_preparation():
                report("preparing")
            library.warm_up("text")

        def done(_result: object) -> None:
            if self._library is library:
                self.ready = True
                self.state.ready()
                self.workers.submit(self.workers.reads, library.warm_up, "image", failed=failed)

        def failed(error: BaseException) -> None:
            message = describe(error, "while loading the search models", self.log_path())
            self.state.problem(message)
            self.failed.emit(message)

        self.ready = False
        self.state.loading()
        self.workers.submit(self.workers.reads, warm, done=done, failed=failed,
                            progress=lambda _phase: self.state.preparing())

    def waiting_note(self) -> str:
        """What a search that waits for the models says while it waits."""
        if self.state.preparing_now:
            return QCoreApplication.translate(
                "MainWindow", "Searching… (as soon as the one-time preparation of the search model is done)")
        return QCoreApplication.translate("MainWindow", "Searching… (the search model is still loading)")
