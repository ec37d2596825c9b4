"""The "Improve results" wizard, walked like a user: marks, target, settings, training (with a
Cancel first), results, then Discard or Keep. The active model changes only on Keep."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.gui.shell.main_window import MainWindow
from tests.gui.corpus import write_documents

SCREENSHOTS = os.environ.get("SEMDESK_WIZARD_SHOTS")  # a folder: save each page as wizard-N-name.png

MARKS = [  # (query, right document, wrong document)
    ("fixing a flat bike tyre", "bicycle-repair", "oil-change"),
    ("baking bread at home", "sourdough", "tomatoes"),
    ("when is the heating checked", "boiler-service", "dentist"),
    ("paperwork for the revenue office", "tax-return", "mortgage"),
    ("looking after a kitten", "cat-care", "wedding"),
]


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    write_documents(folder)
    with Library.open(tmp_path / "library") as lib:
        # Full precision: no int8 copy to make per run (about 18 s here). The int8 copy of a kept model is
        # the same code whether the wizard or `semdesk tune` asks (tests/core/test_tuning_cli.py).
        lib.set_setting("text_int8", False)
        run_job(lib.index([folder]))
        for query, right, wrong in MARKS:
            lib.mark(query, next(folder.glob(f"{right}.*")), True)
            lib.mark(query, next(folder.glob(f"{wrong}.*")), False)
    return tmp_path / "library"


def shoot(wizard: QWizard, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(Path(SCREENSHOTS) / f"wizard-{wizard.currentId() + 1}-{name}.png"))


def open_wizard(qtbot, window: MainWindow) -> QWizard:
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    qtbot.waitExposed(wizard)
    page = wizard.marks_page
    qtbot.waitUntil(lambda: page.tree.topLevelItemCount() == len(MARKS), timeout=10000)
    return wizard


def next_page(qtbot, wizard: QWizard) -> None:
    button = wizard.button(QWizard.WizardButton.NextButton)
    qtbot.waitUntil(button.isEnabled, timeout=120000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def train(qtbot, wizard: QWizard) -> None:
    """From the marks page to the finished training page, cancelling the first run."""
    assert "5 searches with a right result marked on documents" in wizard.marks_page.guidance.text()
    next_page(qtbot, wizard)
    page = wizard.target_page
    assert page.buttons["text"].isChecked() and not page.buttons["image"].isEnabled()  # no CLIP here
    shoot(wizard, "target")
    next_page(qtbot, wizard)
    settings = wizard.settings_page
    assert settings.epochs["text"].value() == 1 and not settings.advanced.isVisible()
    qtbot.mouseClick(settings.more, Qt.MouseButton.LeftButton)
    assert settings.advanced.isVisible() and not settings.rates["image"].isVisible()
    shoot(wizard, "settings")
    next_page(qtbot, wizard)
    training = wizard.training_page
    wizard.ask_stop = lambda: True  # "Stop training?" answered Stop (the question is tested in test_first_hour)
    qtbot.mouseClick(training.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in training.outcome.text(), timeout=120000)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    wizard.back()  # and try again, this time to the end
    next_page(qtbot, wizard)
    qtbot.waitUntil(lambda: training.isComplete(), timeout=180000)
    assert training.curve.values, "the loss curve got no points"
    shoot(wizard, "training")
    next_page(qtbot, wizard)
    results = wizard.results_page
    assert results.query.count() == len(MARKS)  # k-fold: every marked search was held out once
    assert results.old.count() and results.new.count()
    shoot(wizard, "results")
    next_page(qtbot, wizard)


def test_wizard_remove_mark_cancel_and_discard(qtbot, make_window, marked: Path) -> None:
    window = make_window(marked)
    before = window.library.workspace.versions.active_id("text")
    wizard = open_wizard(qtbot, window)
    page = wizard.marks_page
    shoot(wizard, "marks")
    search = page.tree.topLevelItem(0)
    wrong = next(search.child(i) for i in range(search.childCount()) if search.child(i).text(2) == "✗")
    page.tree.setCurrentItem(wrong)  # a 👎: the search still has its 👍 to learn from
    qtbot.mouseClick(page.remove, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(wizard.state.marks) == 2 * len(MARKS) - 1, timeout=10000)
    assert len(window.library.marks()) == 2 * len(MARKS) - 1
    train(qtbot, wizard)
    folder = Path(wizard.state.candidates[0].folder)
    assert folder.is_dir()
    keep = wizard.keep_page
    shoot(wizard, "keep")
    qtbot.mouseClick(keep.discard, Qt.MouseButton.LeftButton)
    assert keep.isComplete() and "discarded" in keep.status.text()
    assert not folder.exists() and window.library.workspace.versions.active_id("text") == before
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert len(window.library.marks()) == 2 * len(MARKS) - 1  # marks untouched by the whole run


def test_wizard_keep_switches_the_model(qtbot, make_window, marked: Path) -> None:
    window = make_window(marked)
    before = window.library.workspace.versions.active_id("text")
    wizard = open_wizard(qtbot, window)
    train(qtbot, wizard)
    assert window.library.workspace.versions.active_id("text") == before  # nothing changes before Keep
    keep = wizard.keep_page
    with qtbot.waitSignal(wizard.model_changed, timeout=120000):
        qtbot.mouseClick(keep.keep, Qt.MouseButton.LeftButton)
    assert keep.isComplete() and "active" in keep.status.text()
    shoot(wizard, "kept")
    after = window.library.workspace.versions.active_id("text")
    assert after != before and window.library.workspace.versions.active_text_model()[0] == wizard.state.kept[0].path
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert len(window.library.marks()) == 2 * len(MARKS)
    # Rollback from Result > Model Versions: back to the base model.
    window.menu.model_versions.trigger()
    dialog = window.models_dialog
    qtbot.waitUntil(lambda: dialog.list.count() == 2, timeout=10000)
    assert "in use" in dialog.list.item(1).text() and "learned from" in dialog.list.item(1).text()
    if SCREENSHOTS:
        dialog.grab().save(str(Path(SCREENSHOTS) / "wizard-7-versions.png"))
    with qtbot.waitSignal(dialog.model_changed, timeout=120000):
        qtbot.mouseClick(dialog.base, Qt.MouseButton.LeftButton)
    assert window.library.workspace.versions.active_id("text") == before
    dialog.close()


def test_stopping_keep_leaves_search_on_the_old_model(qtbot, make_window, marked: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Stop while Keep re-embeds: the old model still searches, the new one waits in Model Versions,
    and choosing it there finishes the switch."""
    import threading
    from importlib import import_module

    from desktop.core.common.jobs import Progress

    versions = import_module("desktop.core.tuning.versions")  # the package exports a function of that name
    real = versions._embed_missing
    started = threading.Event()

    def slow(lib, version_id, model, int8, cancel, vectors):  # the real signature
        started.set()
        while True:  # a library far larger than this one: re-embedding goes on until Stop
            yield Progress("re-embedding passages", 1, 10)
            cancel.raise_if_cancelled()
            threading.Event().wait(0.02)

    window = make_window(marked)
    before = window.library.workspace.versions.active_id("text")
    wizard = open_wizard(qtbot, window)
    train(qtbot, wizard)
    keep = wizard.keep_page
    monkeypatch.setattr(versions, "_embed_missing", slow)
    qtbot.mouseClick(keep.keep, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: started.is_set() and keep.stop.isVisible(), timeout=60000)
    assert keep.stop.isEnabled() and not keep.keep.isEnabled()
    shoot(wizard, "keep-stopping")
    qtbot.mouseClick(keep.stop, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Stopped" in keep.status.text(), timeout=60000)
    assert "Model Versions" in keep.status.text() and not keep.stop.isVisible()
    assert keep.isComplete() and not keep.keep.isEnabled() and not keep.discard.isEnabled()
    shoot(wizard, "keep-stopped")
    lib = window.library
    assert lib.workspace.versions.active_id("text") == before
    tuned = [v for v in lib.model_versions() if v.base_model]
    assert len(tuned) == 1 and not tuned[0].active
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert len(lib.marks()) == 2 * len(MARKS)
    assert Path(tuned[0].path).is_dir()  # closing the wizard did not take the saved model away

    monkeypatch.setattr(versions, "_embed_missing", real)
    run_job(lib.activate_model(tuned[0].id))  # what Model Versions does: the switch completes
    assert lib.workspace.versions.active_id("text") == tuned[0].id
