"""Photos (with the tiny CLIP model, and without any), settings, skipped files and error messages."""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QSpinBox

from desktop.core.common.errors import LibraryBusy, describe
from desktop.core.library import Library
from desktop.gui.common.error_log import attach_log_file, install_excepthook
from desktop.gui.library.settings_dialog import SettingsDialog
from desktop.gui.library.skipped_dialog import SkippedDialog
from tests.gui.conftest import search, wait_idle


def test_photos_grid_with_tiny_clip(qtbot, make_window, corpus: Path, tiny_clip, tmp_path: Path) -> None:
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    window = make_window(library)
    window.add_paths([corpus / "photos"])
    wait_idle(qtbot, window)
    assert window.banner.isHidden()  # photo search works: no banner
    window.tabs.setCurrentIndex(1)
    search(qtbot, window, "red sunset")
    assert window.photos.rowCount() == 5  # the broken file was skipped, not shown
    assert Path(window.photos.hits[0].path).name == "red-sunset.png"  # the file name is a keyword hit too
    # Thumbnails decode on worker threads and land in the model.
    qtbot.waitUntil(lambda: window.photos.index(0).data(1) is not None)  # DecorationRole
    assert window.preview.hit is not None and window.preview.hit.kind == "image"
    qtbot.waitUntil(lambda: window.preview.image.pixmap() is not None and not window.preview.image.pixmap().isNull())
    window.actions_.relevant.trigger()
    qtbot.waitUntil(lambda: window.library.marks("red sunset") != [])
    # More like this on a photo gives other photos.
    window.actions_.similar.trigger()
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=20000)
    assert 1 <= window.photos.rowCount() <= 4


def test_banner_choose_weights_indexes_waiting_photos(qtbot, make_window, corpus: Path, tiny_clip,
                                                      tmp_path: Path) -> None:
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))  # an architecture, but no weights yet
    window = make_window(library)
    window.add_paths([corpus / "photos"])
    wait_idle(qtbot, window)
    assert not window.banner.isHidden()
    assert window.library.status().counts.get("waiting_model") == 5
    window.set_clip_weights(str(weights))  # what "Choose weights file…" does with the chosen file
    qtbot.waitUntil(lambda: window.indexer.running or window.banner.isHidden(), timeout=10000)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.banner.isHidden())
    assert window.library.get_setting("clip_weights") == str(weights.resolve())
    assert window.library.status().counts.get("waiting_model", 0) == 0


def test_skipped_files_dialog(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "photos"])
    wait_idle(qtbot, window)
    assert "1 file skipped" in window.sidebar.skipped_button.text()
    window.sidebar.skipped_button.click()
    dialog = window.skipped_dialog
    assert isinstance(dialog, SkippedDialog)
    paths = [dialog.table.item(row, 0).text() for row in range(dialog.table.rowCount())]
    assert any(p.endswith("broken.png") for p in paths)
    broken = paths.index(next(p for p in paths if p.endswith("broken.png")))
    assert dialog.table.item(broken, 1).text()  # a reason in words
    dialog.close()


def test_settings_dialog_saves_and_refuses_bad_values(qtbot, tmp_path: Path, monkeypatch) -> None:
    library = Library.open(tmp_path / "library")
    dialog = SettingsDialog(library)
    qtbot.addWidget(dialog)
    cost = dialog.findChild(QLabel, "ocrCost").text()  # what OCR costs, under Photos
    assert cost == "What OCR costs shows here once it has read photos of this library."
    words = dialog.ocr_cost_text({"none": (1, 0.1), "text": (1200, 2.5)})
    assert words.startswith("OCR on this computer so far: 1 photo without text: 0.10 s each, 100 s per 1,000; ")
    assert "1,200 photos with text: 2.50 s each, 42 minutes per 1,000" in words
    dialog.editors["thumbnail_size"].setValue(320)  # type: ignore[attr-defined]
    dialog.editors["exclude"].setText("*.log, node_modules")  # type: ignore[attr-defined]
    dialog.editors["include_hidden"].setChecked(True)  # type: ignore[attr-defined]
    with qtbot.waitSignal(dialog.saved):
        dialog.accept()
    assert library.get_setting("thumbnail_size") == 320
    assert library.get_setting("exclude") == ["*.log", "node_modules"]
    assert library.get_setting("include_hidden") is True

    again = SettingsDialog(library)
    qtbot.addWidget(again)
    assert again.editors["thumbnail_size"].value() == 320  # type: ignore[attr-defined]
    again.editors["clip_weights"].setText(str(tmp_path / "missing.safetensors"))  # type: ignore[attr-defined]
    again.show()
    again.accept()
    assert again.isVisible() and again.error.isVisible()
    assert "no file" in again.error.text().lower()
    assert library.get_setting("clip_weights") == ""

    # Changing the photo model offers to re-index with it.
    asked: list[bool] = []
    monkeypatch.setattr(SettingsDialog, "ask_reindex", lambda self: asked.append(True) or True)
    third = SettingsDialog(library)
    qtbot.addWidget(third)
    third.editors["clip_pretrained"].setText("openai")  # type: ignore[attr-defined]
    with qtbot.waitSignal(third.reindex_requested):
        third.accept()
    assert asked == [True]
    # The text model is offered as Fast / Accurate / Multilingual / any folder, with what each costs; choosing another
    # asks for the background switch, and the setting changes only when that switch completes.
    fourth = SettingsDialog(library)
    qtbot.addWidget(fourth)
    assert "all-mpnet-base-v2" in fourth.findChild(QLabel, "modelChoices").text()
    editor = fourth.editors["text_model"]
    assert [editor.itemText(i) for i in range(editor.count())] == [
        "all-MiniLM-L6-v2", "all-mpnet-base-v2", "multilingual-e5-small"]
    editor.setCurrentText("all-mpnet-base-v2")  # type: ignore[attr-defined]
    with qtbot.waitSignal(fourth.model_switch_requested) as switch:
        fourth.accept()
    assert switch.args == ["all-mpnet-base-v2"] and asked == [True]
    assert library.get_setting("text_model") == "all-MiniLM-L6-v2"
    library.close()


def test_settings_numbers_ignore_the_wheel_while_the_form_scrolls(qtbot, tmp_path: Path) -> None:
    """Scrolling the form over a number field must scroll the form, not change the number."""
    library = Library.open(tmp_path / "library")
    dialog = SettingsDialog(library)
    qtbot.addWidget(dialog)
    dialog.resize(480, 260)  # short enough for the form to scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.editors["thumbnail_size"]
    assert isinstance(field, QSpinBox)
    before = field.value()

    def turn_wheel() -> None:
        centre = QPointF(field.rect().center())
        event = QWheelEvent(centre, field.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(field, event)

    assert not field.hasFocus()
    turn_wheel()
    assert field.value() == before
    assert field.focusPolicy() == Qt.FocusPolicy.StrongFocus  # a click or Tab focuses it, a wheel turn does not
    dialog.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    turn_wheel()
    assert field.value() == before + 1  # once chosen, the wheel steps it
    library.close()


def test_errors_are_plain_sentences_and_tracebacks_go_to_the_log(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()
    window.report_error(LibraryBusy("The library is busy: another semdesk process is writing to it."), "indexing")
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert boxes and boxes[-1].text() == "The library is busy: another semdesk process is writing to it."
    boxes[-1].close()

    log_path = attach_log_file(tmp_path)
    message = describe(KeyError("chunk 7"), "while searching", log_path)
    assert "KeyError" not in message and str(log_path) in message
    shown: list[str] = []
    install_excepthook(shown.append, lambda: log_path)
    import sys

    try:
        raise ValueError("a bug deep inside")
    except ValueError as error:
        sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = sys.__excepthook__
    for handler in logging.getLogger("semdesk").handlers:
        handler.flush()
    assert shown and "Traceback" not in shown[0] and str(log_path) in shown[0]
    logged = log_path.read_text()
    assert "ValueError: a bug deep inside" in logged and "Traceback" in logged
