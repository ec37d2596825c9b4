"""Open (the button or Enter) when no program on the computer opens the file (issue 24, item 7).

It did nothing visible: QDesktopServices starts xdg-open detached and calls that a success, and xdg-open
then ends with "no method available". The window must say so in plain words and offer Reveal.

The desktop here is real: DesktopOps runs the real xdg-open (xdg-utils) in a private environment with
no program for any file: no X display (so no MIME defaults are consulted), no mailcap entries, and a
$BROWSER that does not exist, the last thing xdg-open tries. The control: the same environment with
a program that opens anything ($BROWSER=true) shows no message. Only Reveal is recorded (it would start
a file manager).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.library import Library
from desktop.gui.common.desktop_ops import DesktopOps
from desktop.gui.shell.main_window import MainWindow
from tests.conftest import index
from tests.gui.conftest import search


class RevealRecorded(DesktopOps):
    """The real desktop, except that Reveal is written down instead of starting a file manager."""

    def __init__(self) -> None:
        super().__init__()
        self.revealed: list[str] = []

    def reveal(self, path: str, done=None) -> bool:  # type: ignore[no-untyped-def]
        self.revealed.append(path)
        return True


def no_program_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, browser: str) -> dict[str, str]:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "DE", "KDE_FULL_SESSION",
                 "GNOME_DESKTOP_SESSION_ID", "MATE_DESKTOP_SESSION_ID", "XDG_SESSION_DESKTOP"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "xdg-data").mkdir()
    (tmp_path / "mailcap").write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("MAILCAPS", str(tmp_path / "mailcap"))
    monkeypatch.setenv("BROWSER", browser)
    return dict(os.environ)


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


@pytest.fixture
def window(qtbot, tmp_path: Path, corpus: Path, text_model_loaded: None) -> MainWindow:
    if shutil.which("xdg-open") is None:
        pytest.skip("needs xdg-open (Debian package xdg-utils)")
    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, corpus / "notes")
    state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Library.open(path), state, desktop=RevealRecorded(), warm_up=False)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.status.last is not None)
    yield window
    window.close()


def test_enter_on_a_file_no_program_opens_says_so_and_offers_reveal(qtbot, window: MainWindow, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    env = no_program_anywhere(monkeypatch, tmp_path, "semdesk-test-no-such-browser")
    search(qtbot, window, "baking bread overnight")
    top = window.documents.hits[0].path
    control = subprocess.run(["xdg-open", top], env=env, capture_output=True, text=True, timeout=30)
    assert control.returncode == 3, f"the environment has a program after all: {control.stderr}"

    window.documents_view.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.preview.hit is not None and window.preview.hit.path == top
    qtbot.keyClick(window.documents_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=15000)
    box = message_boxes()[0]
    assert f"No program on this computer opens “{Path(top).name}”" in box.text()
    reveal = next(b for b in box.buttons() if b.text() == "Reveal in File Manager")
    assert box.defaultButton() is reveal
    reveal.click()
    assert window.desktop.revealed == [top]
    qtbot.waitUntil(lambda: not message_boxes())

    # The preview's Open button goes the same way.
    window.actions_.open.trigger()
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=15000)
    message_boxes()[0].button(QMessageBox.StandardButton.Close).click()


def test_a_file_a_program_opens_shows_no_message(qtbot, window: MainWindow, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    no_program_anywhere(monkeypatch, tmp_path, shutil.which("true") or "true")  # "opens" anything, exit 0
    search(qtbot, window, "baking bread overnight")
    window.documents_view.setFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    failures: list[str] = []
    window.desktop.open(window.documents.hits[0].path, failures.append)  # the same call, its outcome watched
    window.actions_.open.trigger()
    qtbot.waitUntil(lambda: not window.desktop._openers, timeout=15000)  # both xdg-opens have ended
    assert not message_boxes() and not failures
