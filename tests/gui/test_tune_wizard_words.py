"""Issue 24, item 12: the tuning wizard's words and controls agree with what the run does.

- One count, one wording: the estimate before the run and the results after it name the same examples
  from the same searches ("13 examples" on one page, "Learned from 9 examples ... 10 searches" on the
  other), and say which searches were held back to test the model.
- "Preparing" is not at 100 %.
- "< Back" during a run asks as "Cancel Training" does (it threw the run away unasked).
- After "Stop Training" the page says "Stopping…" at once (it said "Training…" for ~10 s).
- One loss value is a sentence, not a lone dot.

The run is real: eight marked searches (one held-out split of three), the real text model, one epoch.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizard

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.gui.tuning.loss_curve import LossCurve
from tests.gui.corpus import MARKS, write_documents

EXAMPLES = re.compile(r"on (\d+) examples? \(right results you marked\) from (\d+) search")


@pytest.fixture
def marked(tmp_path: Path) -> Path:
    folder = tmp_path / "notes"
    write_documents(folder)
    with Library.open(tmp_path / "library") as lib:
        lib.set_setting("text_int8", False)  # no int8 copy to make: the run stays short
        run_job(lib.index([folder]))
        for query, right, wrong in MARKS:
            lib.mark(query, next(folder.glob(f"{right}.*")), True)
            lib.mark(query, next(folder.glob(f"{wrong}.*")), False)
    return tmp_path / "library"


def click(qtbot, wizard: QWizard, which: QWizard.WizardButton) -> None:
    button = wizard.button(which)
    qtbot.waitUntil(button.isEnabled, timeout=120000)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_wizard_counts_words_back_and_stop(qtbot, make_window, marked: Path) -> None:
    window = make_window(marked)
    window.menu.improve.trigger()
    wizard = window.tune_wizard
    qtbot.waitUntil(lambda: wizard.marks_page.tree.topLevelItemCount() == len(MARKS), timeout=10000)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # what to improve
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # settings, with the estimate
    estimate = wizard.settings_page.estimate
    qtbot.waitUntil(lambda: "Expected to take" in estimate.text(), timeout=10000)
    found = EXAMPLES.search(estimate.text())
    assert found, estimate.text()
    examples, searches = int(found[1]), int(found[2])
    assert (examples, searches) == (5, 5) and "3 other marked searches are held back" in estimate.text()

    page = wizard.training_page
    seen: list[tuple[str, int, int, str]] = []  # (phase, bar value, bar maximum, the page's phase line)
    shown = page.show_progress

    def recording(progress: Any) -> None:
        shown(progress)
        seen.append((progress.phase, page.bar.value(), page.bar.maximum(), page.phase.text()))

    page.show_progress = recording  # type: ignore[method-assign]
    asked: list[bool] = []
    answer = [False]

    def ask_stop() -> bool:
        asked.append(True)
        return answer[0]

    wizard.ask_stop = ask_stop  # type: ignore[method-assign]
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # training starts
    assert wizard.currentPage() is page and wizard.training
    click(qtbot, wizard, QWizard.WizardButton.BackButton)  # answered "Keep Training"
    assert asked == [True], "Back did not ask before stopping the run"
    assert wizard.currentPage() is page and wizard.training and not page.stopping_now

    answer[0] = True
    qtbot.mouseClick(page.cancel, Qt.MouseButton.LeftButton)  # "Stop Training"
    assert page.phase.text().startswith("Stopping…") and not page.cancel.isEnabled()
    stopped_at = len(seen)
    qtbot.waitUntil(lambda: "cancelled" in page.outcome.text(), timeout=120000)
    assert all(line.startswith("Stopping…") for *_, line in seen[stopped_at:]), seen[stopped_at:]

    click(qtbot, wizard, QWizard.WizardButton.BackButton)  # no run now: back without a question
    assert len(asked) == 2 and wizard.currentPage() is wizard.settings_page
    seen.clear()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # and the whole run this time
    qtbot.waitUntil(page.isComplete, timeout=240000)
    preparing = [s for s in seen if s[0] == "preparing" and s[2] > 0]
    assert preparing, seen
    assert all(value < maximum for _, value, maximum, _ in preparing), f"'Preparing' at 100 %: {preparing}"

    click(qtbot, wizard, QWizard.WizardButton.NextButton)  # results
    words = " ".join(label.text() for label in wizard.results_page.body.findChildren(QLabel))
    assert f"Learned from {examples} examples (right results you marked) from {searches} searches" in words, words
    assert f"the other 3 of your {len(MARKS)} marked searches were held back to test it" in words, words
    wizard.discard()
    wizard.reject()


def test_one_loss_value_is_a_sentence_not_a_lone_dot(qtbot) -> None:
    curve = LossCurve()
    qtbot.addWidget(curve)
    curve.resize(480, 200)
    line = curve.palette().highlight().color().rgb()

    def line_pixels() -> int:
        image = curve.grab().toImage()
        return sum(image.pixel(x, y) == line for x in range(0, image.width(), 2) for y in range(image.height()))

    curve.add(0.8)
    assert line_pixels() == 0, "one value drew a dot"
    assert "0.80" in curve.note() and "second step" in curve.note()
    curve.add(0.6)
    assert line_pixels() > 0 and curve.note() == ""
