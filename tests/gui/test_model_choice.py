"""Choosing another text model in the window (issue 27): Model Versions runs the background switch (the
Settings dialog hands it the model chosen there) and back."""

from __future__ import annotations

import shutil
from pathlib import Path

from desktop.core.common.jobs import run_job
from desktop.core.common.settings import DEFAULT_TEXT_MODEL
from desktop.core.embed.text import default_text_model_path
from desktop.core.library import Library
from desktop.gui.common.workers import Workers
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
