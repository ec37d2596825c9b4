"""Choosing another text model in the window (issue 27): Model Versions runs the background switch (the
Settings dialog hands it the model chosen there) and back, and cancels it."""

from __future__ import annotations

import importlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from desktop.core.common.jobs import run_job
from desktop.core.common.records import Hit
from desktop.core.common.settings import DEFAULT_TEXT_MODEL
from desktop.core.embed.text import default_text_model_path
from desktop.core.library import Library
from desktop.gui.common.workers import Workers
from desktop.gui.search.controller import Results
from desktop.gui.search.pane import good_and_weaker
from desktop.gui.tuning.versions_dialog import ModelsDialog
from tests.reliability.helpers import write_corpus


def test_models_dialog_switches_the_text_model_in_the_background(
        qtbot, tmp_path: Path, text_model_loaded: None) -> None:
    other = tmp_path / "other model"  # a copy of the MiniLM files: a model of its own for the library
    shutil.copytree(default_text_model_path(), other)
    library = Library.open(tmp_path / "lib")
    run_job(library.index([write_corpus(tmp_path / "docs", notes=4)]))
    old = library.workspace.versions.active_id("text")
    workers = Workers()
    dialog = ModelsDialog(library, workers)
    qtbot.addWidget(dialog)
    try:
        with qtbot.waitSignal(dialog.model_changed, timeout=120_000):
            dialog.switch(None, target=str(other))
        assert library.get_setting("text_model") == str(other.resolve())
        assert library.workspace.versions.active_id("text") != old
        assert library.search_documents("budget meeting", top=1)
        # Back to Fast: its vectors were kept.
        with qtbot.waitSignal(dialog.model_changed, timeout=60_000):
            dialog.switch(None, target="fast")
        assert library.workspace.versions.active_id("text") == old
        assert library.get_setting("text_model") == DEFAULT_TEXT_MODEL
    finally:
        dialog.done(0)
        workers.wait()
        library.close()


def _vectors_of(library: Library, model: str) -> int:
    """Passages with a vector from the base version of `model` (none when it has no version yet)."""
    with sqlite3.connect(library.path / "catalog.sqlite") as db:
        return db.execute(
            "SELECT count(v.chunk_id) FROM model_versions m JOIN chunk_vectors v ON v.model_version_id = m.id "
            "WHERE m.space = 'text' AND m.name = ? AND m.base_model IS NULL", (model,)).fetchone()[0]


def test_cancel_stops_a_switch_and_the_old_model_keeps_serving(
        qtbot, tmp_path: Path, text_model_loaded: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.import_module("desktop.core.tuning.versions"), "EMBED_BATCH", 2)  # many batches
    other = tmp_path / "other model"
    shutil.copytree(default_text_model_path(), other)
    library = Library.open(tmp_path / "lib")
    run_job(library.index([write_corpus(tmp_path / "docs", notes=160)]))  # ~80 batches: time to cancel
    old = library.workspace.versions.active_id("text")
    chunks = library.status().chunks
    want = [h.path for h in library.search_documents("budget meeting", top=3)]
    workers = Workers()
    dialog = ModelsDialog(library, workers)
    qtbot.addWidget(dialog)
    try:
        assert dialog.stop.isHidden()
        dialog.switch(None, target=str(other))
        assert dialog.stop.isVisibleTo(dialog) and dialog.stop.isEnabled()
        # The user waits until the re-embedding shows its progress, then cancels it.
        qtbot.waitUntil(lambda: dialog.status.text().startswith("Re-embedding passages"), timeout=120_000)
        qtbot.mouseClick(dialog.stop, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(dialog.stop.isHidden, timeout=60_000)
        assert dialog.status.text().startswith("Cancelled")
        # The old model is still the one in use, and searches answer as before.
        assert library.workspace.versions.active_id("text") == old
        assert library.get_setting("text_model") == DEFAULT_TEXT_MODEL
        assert [h.path for h in library.search_documents("budget meeting", top=3)] == want
        # What was embedded before the cancel is kept (choosing the model again resumes there), not all of it.
        kept = _vectors_of(library, library.workspace.versions.base_text_name(str(other.resolve())))
        assert 0 < kept < chunks
    finally:
        dialog.done(0)
        workers.wait()
        library.close()


def test_the_window_splits_at_the_cut_off_of_the_results() -> None:
    """Each text model has its cut-off (Library.good_match): the results carry the one their scores are on."""
    hits = [Hit(1, "/a.txt", "text", 0.5), Hit(2, "/b.txt", "text", 0.3)]
    good, weaker = good_and_weaker(Results("q", "q", hits, good_match=0.4))
    assert [h.path for h in good] == ["/a.txt"] and [h.path for h in weaker] == ["/b.txt"]
    good, weaker = good_and_weaker(Results("q", "q", hits, good_match=0.55))
    assert good == [] and len(weaker) == 2
