"""File ▸ Open Library ▸ Server Library…: the connection test says what it found or what is wrong, and
Open switches the window to the server library (remembered by its address, never with a password)."""

from __future__ import annotations

from pathlib import Path

from desktop.core.library import Library
from desktop.gui.library.server_dialog import ServerLibraryDialog, with_password


def test_password_goes_into_the_address() -> None:
    assert with_password("postgresql://me@nas/lib", "p@ss w") == "postgresql://me:p%40ss%20w@nas/lib"
    assert with_password("postgresql://me@nas/lib", "") == "postgresql://me@nas/lib"


def test_connection_test_then_open_switches_the_window(qtbot, make_window, server_url: str,
                                                        tmp_path: Path) -> None:
    window = make_window()
    window.menu.open_server.trigger()
    dialog = window.server_dialog
    assert isinstance(dialog, ServerLibraryDialog) and dialog.isVisible()
    dialog.address.setText(f"postgresql://me@/nowhere?host={tmp_path}")
    with qtbot.waitSignal(dialog.tested, timeout=20000) as failed:
        dialog.test_button.click()
    assert failed.args[0] is False and "Cannot reach the server" in dialog.outcome.text()

    dialog.address.setText(server_url)
    with qtbot.waitSignal(dialog.tested, timeout=20000) as worked:
        dialog.test_button.click()
    assert worked.args[0] and "an empty database: a new library will be made" in dialog.outcome.text()
    dialog.grab().save(str(Path(__file__).resolve().parents[2] / ".pytest_cache" / "server-dialog.png"))
    dialog.accept()
    database = server_url.split("/")[3].split("?")[0]
    qtbot.waitUntil(lambda: database in window.library.address, timeout=20000)
    remembered = window.state.value("library")
    assert remembered == window.library.address and remembered.startswith("postgresql://")
    assert window.windowTitle().startswith(f"{database} on ")
    with Library.open(remembered) as again:  # what the next start opens
        assert again.display_name.startswith(database)
