"""Issue 24: the preview follows the file: an edited document's preview is its new text with the new
words marked (a renamed file's title: tests/core/test_renamed_titles.py)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.conftest import index
from tests.gui.conftest import search, wait_idle
from tests.gui.corpus import write_documents
from tests.gui.test_first_hour import highlighted_text


def test_the_preview_shows_an_edited_document_s_new_text(qtbot, make_window, tmp_path: Path) -> None:
    notes = write_documents(tmp_path / "notes")
    window = make_window()
    window.add_paths([notes])
    wait_idle(qtbot, window)
    search(qtbot, window, "baking bread overnight")
    bread = notes / "sourdough.txt"
    assert window.documents.hits[0].path == str(bread)
    qtbot.waitUntil(lambda: "sourdough starter" in window.preview.text.toPlainText())

    added = "Sprinkle toasted sesame seeds over the loaf before it goes in."
    bread.write_text(bread.read_text(encoding="utf-8") + added + "\n", encoding="utf-8")
    later = bread.stat().st_mtime + 10
    os.utime(bread, (later, later))
    index(window.library, notes)

    search(qtbot, window, "toasted sesame seeds")
    assert window.documents.hits[0].path == str(bread)
    assert window.preview.hit is not None and window.preview.hit.path == str(bread)
    qtbot.waitUntil(lambda: added in window.preview.text.toPlainText(), timeout=10000)
    assert "sesame" in highlighted_text(window.preview)
