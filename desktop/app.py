"""Composition root: builds the QApplication, shows the main window, opens the library.

The window's frame is on screen before anything heavy is imported (issue 14: within half a
second): the library and the panes' modules are opened and imported on a worker thread while
the frame says "Opening library…", then the window is filled; the text model loads next, in the
background, while the user types (MainWindow starts the warm-up).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.gui.common.desktop_entry import APP_ID, icon_path

if TYPE_CHECKING:  # imported on a worker at start (the window's frame first): here only for the types
    from desktop.core.library import Library
    from desktop.gui.shell.main_window import MainWindow
    from desktop.gui.shell.single_instance import InstanceServer

# Also the window's WM_CLASS on X11, both its parts: the class is Qt's application name and the instance the
# program name QApplication is given. Taskbars match it with the desktop file's StartupWMClass (issue 24:
# it was "semdesk-gui", "semdesk" against StartupWMClass=io.github.semdesk.Semdesk, so the launcher and
# the window were shown apart). The application name also names the settings file: it stays "semdesk".
APP_NAME = "semdesk"


def _icon_path() -> Path | None:
    return icon_path()


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="semdesk-gui", description="Search your documents and photos by meaning.")
    parser.add_argument("--library", help="library folder to open (default: the last one used)")
    parser.add_argument("--add-folder", action="store_true", help="ask for a folder to add (the menu's action)")
    parser.add_argument("paths", nargs="*", help="folders to add to the library; a file: find items like it")
    known, _qt_args = parser.parse_known_args(list(argv))
    return known


def library_candidates(requested: str | None, state: object) -> list[str | None]:
    """Which library to open: the one asked for, else the last one used; the default as a fallback."""
    last = requested or os.environ.get("SEMDESK_LIBRARY") or state.value("library") or None  # type: ignore[attr-defined]
    return [str(last), None] if last else [None]


def open_first_library(
    candidates: list[str | None], show_error: Callable[[str], None], ask_rebuild: Callable[[str], bool] | None = None,
    open_library: Callable[[str | None], Library] | None = None,
) -> tuple[Library | None, bool]:
    """The first library that opens, and whether its catalog was just rebuilt (the folders still need
    re-indexing). Each failure is explained; a damaged catalog is offered a rebuild first."""
    from desktop.core.common.errors import CatalogDamaged, SemdeskError
    from desktop.core.library import Library

    for candidate in candidates:
        try:
            return (open_library or Library.open)(candidate), False
        except CatalogDamaged as error:
            if ask_rebuild is not None and ask_rebuild(str(error)):
                try:
                    return Library.rebuild(candidate)[0], True
                except SemdeskError as failure:
                    show_error(str(failure))
            else:
                show_error(str(error))
        except SemdeskError as error:
            show_error(str(error))
    return None, False


def ask_rebuild_dialog(problem: str) -> bool:
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        None, "semdesk",
        problem + "\n\n" + QCoreApplication.translate(
            "App", "Rebuild the library now? semdesk keeps the damaged file aside, indexes your folders "
            "again and puts your relevance marks back."),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication

    from desktop.gui.shell.single_instance import request, send_to_running, server_name

    QCoreApplication.setApplicationName(APP_NAME)
    QCoreApplication.setOrganizationName(APP_NAME)
    state = QSettings()
    candidates = library_candidates(args.library, state)
    # A window already open on this library takes the paths and comes to the front; this launch ends
    # here, before a display connection, a model or the library is opened.
    if send_to_running(server_name(_library_dir(candidates[0])), request(args.paths, args.add_folder)):
        return 0

    QGuiApplication.setDesktopFileName(APP_ID)  # Wayland app id / X11 WM_CLASS: matches the .desktop file
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([APP_NAME, *argv])  # WM_CLASS's instance
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("semdesk")
    icon = _icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon.fromTheme(APP_ID, QIcon(str(icon))))
    from desktop.gui.common.desktop_theme import follow_colour_scheme
    from desktop.gui.common.style import apply_style

    apply_style(app)
    follow_colour_scheme(app, lambda: apply_style(app))  # a light/dark switch restyles the open window
    _window, server = launch(args, state, candidates, exit_app=app.exit)  # the name keeps the window alive
    try:
        return app.exec()
    finally:
        server.close()


def launch(args: argparse.Namespace, state: object, candidates: list[str | None], *,
           exit_app: Callable[[int], None], open_library: Callable[[str | None], Library] | None = None,
           ask_rebuild: Callable[[str], bool] = ask_rebuild_dialog) -> tuple[MainWindow, InstanceServer]:
    """The window on screen at once, "Opening library…"; the library opens on a worker and fills it.
    Returns (window, instance server); `exit_app(1)` when no library could be opened."""
    from PySide6.QtWidgets import QMessageBox

    from desktop.core.common.errors import describe
    from desktop.gui.common.error_log import install_excepthook
    from desktop.gui.shell.main_window import MainWindow
    from desktop.gui.shell.opening import open_in_background
    from desktop.gui.shell.single_instance import deliver, request, server_name

    window = MainWindow(None, state, build=False)  # type: ignore[arg-type]
    install_excepthook(window.show_message, lambda: window.log_path)
    early: list[dict[str, object]] = []  # later launches that asked before the library was open
    server = _instance_server(window, early)

    def listen() -> None:
        _listen(window, server)

    if candidates[0] is not None:  # a second launch finds this window while its library still opens
        server.listen(server_name(Path(candidates[0])))
    window.show()

    def message(text: str) -> None:
        QMessageBox.warning(window, "semdesk", text)

    def opened(library: Library | None, rebuilt: bool) -> None:
        if library is None:
            exit_app(1)
        else:
            window.warm_up(library)  # the model loads while the panes are made

    def ready(library: Library, rebuilt: bool) -> None:
        window.set_library(library)
        listen()
        window.windowTitleChanged.connect(lambda _title: listen())  # set_library titles the window
        if rebuilt:
            window.indexer.rebuild()
        if args.paths or args.add_folder:
            deliver(window, request(args.paths, args.add_folder))
        for asked in early:
            deliver(window, asked)
        early.clear()

    def failed(error: BaseException) -> None:
        message(describe(error, "while opening the library"))
        exit_app(1)

    def rebuild(problem: str) -> bool:
        return _rebuild(window, ask_rebuild, problem)

    open_in_background(
        window.workers,
        lambda show_error, ask: open_first_library(candidates, show_error, ask, open_library),
        message, rebuild, opened, ready, failed, window,
    )
    return window, server


def _instance_server(window: MainWindow, early: list[dict[str, object]]) -> InstanceServer:
    """The server later launches find this window by; what they ask before the library is open waits in `early`."""
    from desktop.gui.shell.single_instance import InstanceServer, deliver

    server = InstanceServer(window)

    def received(message: dict[str, object]) -> None:
        if window.library is None:
            early.append(message)
        else:
            deliver(window, message)

    server.received.connect(received)
    return server


def _listen(window: MainWindow, server: InstanceServer) -> None:
    """Follows the window to another library (File › Open Library): the name is the library's."""
    from desktop.gui.shell.single_instance import server_name

    if window.library is not None and not server.listen(server_name(window.library.path)):
        import logging

        logging.getLogger("semdesk").warning("another window already serves %s", window.library.path)


def _rebuild(window: MainWindow, ask_rebuild: Callable[[str], bool], problem: str) -> bool:
    if not ask_rebuild(problem):
        return False
    window.show_opening(window.tr("Setting the library up again…"))  # the re-indexing follows in the window
    return True


def _library_dir(candidate: str | None) -> Path:
    if candidate:
        return Path(candidate)
    from desktop.core.common.locations import default_library_dir  # not core.library: seconds to import

    return default_library_dir()


if __name__ == "__main__":
    raise SystemExit(main())
