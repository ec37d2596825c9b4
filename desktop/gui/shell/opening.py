"""Opening the library while the window's frame is already on screen (issue 14).

The frame needs only Qt; the library (the catalog, SQLAlchemy) and the panes' modules take
seconds to import and open, so both happen on a worker thread. What the user must be told or
asked on the way (a library that cannot open, a damaged catalog to rebuild) is shown on the UI
thread while the worker waits for the answer: the window never freezes.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThread, Signal

from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library import Library

Opened = TypeVar("Opened")  # the library opened (the window's Library; tests open their own)
T = TypeVar("T")

PANES = "desktop.gui.shell.parts"  # what MainWindow.build() imports


def open_library_at(address: str) -> Library:
    """Library.open, imported when first used (File › Open Library)."""
    from desktop.gui.shell.parts import Library

    return Library.open(address)


class OnUiThread(QObject):
    """Runs a function on the UI thread for a worker, and hands the worker its result."""

    _call = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._call.connect(self._run, Qt.ConnectionType.BlockingQueuedConnection)

    def __call__(self, fn: Callable[[], T]) -> T:
        if QThread.currentThread() == self.thread():
            return fn()
        box: list[Any] = [fn]
        self._call.emit(box)  # returns once _run has run on the UI thread
        result: T = box[1]
        return result

    def _run(self, box: list[Any]) -> None:
        box.append(box[0]())


def open_in_background(
    workers: Workers,
    open_first: Callable[[Callable[[str], None], Callable[[str], bool]], tuple[Opened | None, bool]],
    show_error: Callable[[str], None],
    ask_rebuild: Callable[[str], bool],
    opened: Callable[[Opened | None, bool], None],
    ready: Callable[[Opened, bool], None],
    failed: Callable[[BaseException], None],
    parent: QObject,
) -> None:
    """`open_first(show_error, ask_rebuild)` on a worker, then on the UI thread `opened(library or
    None, rebuilt)` (the models can start loading) and, once the panes' modules are imported on the
    worker too, `ready(library, rebuilt)` (the window can be built); `failed(error)` for a bug."""
    ui = OnUiThread(parent)

    def work() -> tuple[Opened | None, bool]:
        return open_first(lambda text: ui(lambda: show_error(text)), lambda problem: ui(lambda: ask_rebuild(problem)))

    def done(library: Opened | None, rebuilt: bool) -> None:
        opened(library, rebuilt)
        if library is not None:  # the seconds of imports happen on the worker, not on the UI thread
            workers.submit(workers.catalog, importlib.import_module, PANES,
                           done=lambda _module: ready(library, rebuilt), failed=failed)

    workers.submit(workers.catalog, work, done=lambda result: done(result[0], result[1]), failed=failed)
