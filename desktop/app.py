"""Composition root: builds the QApplication, opens the library, shows the main window.

Nothing heavy is imported here: the models load on a worker thread after the window is on
screen (MainWindow starts the warm-up), so the window appears in well under a second.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

APP_NAME = "semdesk"
RESOURCES = Path(__file__).resolve().parent.parent / "resources"


def _icon_path() -> Path | None:
    for name in ("semdesk.svg", "semdesk.png"):
        if (RESOURCES / name).is_file():
            return RESOURCES / name
    return None


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="semdesk-gui", description="Search your documents and photos by meaning.")
    parser.add_argument("--library", help="library folder to open (default: the last one used)")
    parser.add_argument("paths", nargs="*", help="folders or files to add to the library")
    known, _qt_args = parser.parse_known_args(list(argv))
    return known


def library_candidates(requested: str | None, state: object) -> list[str | None]:
    """Which library to open: the one asked for, else the last one used; the default as a fallback."""
    last = requested or os.environ.get("SEMDESK_LIBRARY") or state.value("library") or None  # type: ignore[attr-defined]
    return [str(last), None] if last else [None]


def open_first_library(
    candidates: list[str | None], show_error: Callable[[str], None], ask_rebuild: Callable[[str], bool] | None = None
) -> tuple[object, bool]:
    """The first library that opens, and whether its catalog was just rebuilt (the folders still need
    re-indexing). Each failure is explained; a damaged catalog is offered a rebuild first."""
    from desktop.core.common.errors import CatalogDamaged, SemdeskError
    from desktop.core.library import Library

    for candidate in candidates:
        try:
            return Library.open(candidate), False
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
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        None, "semdesk",
        f"{problem}\n\nRebuild the library now? semdesk keeps the damaged file aside, indexes your folders "
        "again and puts your relevance marks back.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse_args(argv)
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QGuiApplication, QIcon
    from PySide6.QtWidgets import QApplication, QMessageBox

    QGuiApplication.setDesktopFileName(APP_NAME)  # Wayland/X11 match the window to semdesk.desktop
    app = QApplication.instance() or QApplication([sys.argv[0], *argv])
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(APP_NAME)
    app.setApplicationDisplayName("semdesk")
    icon_path = _icon_path()
    if icon_path is not None:
        app.setWindowIcon(QIcon.fromTheme(APP_NAME, QIcon(str(icon_path))))
    from desktop.gui.common.error_log import install_excepthook
    from desktop.gui.common.style import apply_style
    from desktop.gui.shell.main_window import MainWindow

    apply_style(app)
    state = QSettings()

    def message(text: str) -> None:
        QMessageBox.warning(None, "semdesk", text)

    library, rebuilt = open_first_library(library_candidates(args.library, state), message, ask_rebuild_dialog)
    if library is None:
        return 1
    window = MainWindow(library, state)  # type: ignore[arg-type]
    install_excepthook(lambda text: window.show_message(text), lambda: window.log_path)
    window.show()
    if rebuilt:
        window.indexer.rebuild()
    if args.paths:
        window.add_paths([Path(p).expanduser() for p in args.paths])
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
