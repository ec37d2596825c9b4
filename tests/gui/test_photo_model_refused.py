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
