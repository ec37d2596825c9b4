"""Issue 24: choosing a photo-model file of random bytes in the window is refused with a plain
message; the window never says photo search is ready, and the setting stays as it was."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.library import Library


def test_random_bytes_chosen_as_photo_model_are_refused(qtbot, make_window, tmp_path: Path, tiny_clip) -> None:
    config, _weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    window = make_window(library)
    said: list[str] = []
    window.statusBar().messageChanged.connect(said.append)
    garbage = tmp_path / "model.safetensors"
    garbage.write_bytes(os.urandom(300_000))

    window.set_clip_weights(str(garbage))  # what "Choose weights file…" does with the chosen file

    def message() -> str:
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return boxes[0].text() if boxes else ""

    qtbot.waitUntil(lambda: bool(message()), timeout=20000)
    assert "could not be used" in message() and "not a valid safetensors file" in message()
    assert not any("Photo search is ready" in text for text in said)
    assert not window.indexer.running
    assert window.library.get_setting("clip_weights") == ""
    assert window.library.clip_problem() is not None


def test_settings_checks_a_photo_model_file_without_freezing_the_window(qtbot, make_window, tmp_path: Path,
                                                                         tiny_clip) -> None:
    """Saving Settings loads a chosen photo-model file to check it (seconds for real CLIP weights): the check
    runs on a worker, the dialog says "Saving…" meanwhile, then shows the refusal next to the field."""
    from desktop.gui.library.setting_fields import show_value

    config, _weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    window = make_window(library)
    garbage = tmp_path / "model.safetensors"
    garbage.write_bytes(os.urandom(300_000))
    window.show_settings()
    dialog = window.settings_dialog
    show_value(dialog.editors["clip_weights"], str(garbage))

    dialog.accept()

    # Back on the UI thread before the file was checked: the save is in flight, one at a time.
    assert not dialog.buttons.isEnabled() and dialog.error.text() == "Saving…"
    qtbot.waitUntil(lambda: "not a valid safetensors file" in dialog.error.text(), timeout=20000)
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert window.library.get_setting("clip_weights") == ""
    dialog.reject()
