"""The wizard's results and keep pages as a user meets them (issue 13).

- The old-vs-new comparison shows readable passages (item 9, in the wizard): the results page
  listed "==== Programming FAQ ==== .. only:: html .. contents::" because the passage's lines were
  joined before the display could find its reST markup.
- The keep page's focus and Enter follow its advice (item 14): in a wizard, "Keep the New Model"
  took the focus (and so the default) under "No measurable change: discarding it keeps the
  current model"."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from PySide6.QtWidgets import QApplication, QWizard, QWizardPage
from sqlalchemy import select

from desktop.core.catalog import Chunk
from desktop.core.library import Library
from desktop.core.tuning import Candidate, TrainSettings
from desktop.core.tuning.evaluate import Metrics, describe
from desktop.core.tuning.examples import QueryMarks
from desktop.core.tuning.rounds import Comparison
from desktop.gui.tuning.run_pages import KeepPage, ResultsPage
from desktop.gui.tuning.state import WizardState
from tests.conftest import index

FAQ_PAGE = """:tocdepth: 2

===============
Programming FAQ
===============

.. only:: html

   .. contents::

General Questions
=================

Is there a source code level debugger with breakpoints, single-stepping, etc.?
-------------------------------------------------------------------------------

Yes. The :mod:`pdb` module is a simple but adequate console-mode debugger for Python.
"""


def candidate(tmp_path: Path, before: Metrics, after: Metrics, comparisons: tuple[Comparison, ...] = ()) -> Candidate:
    return Candidate(target="text", folder=str(tmp_path / "candidate"), base_model="base", dim=384, before=before,
                     after=after, folds=1, data_size=1, queries=1, settings=TrainSettings(), losses=(),
                     comparisons=comparisons, seconds=1.0)


def control(*candidates: Candidate) -> SimpleNamespace:
    return SimpleNamespace(state=WizardState(candidates=list(candidates)), keep=lambda: None, discard=lambda: None,
                           stop_keep=lambda: None)


def test_the_comparison_lists_passages_without_their_markup(qtbot, tmp_path: Path) -> None:
    folder = tmp_path / "faq"
    folder.mkdir()
    (folder / "programming.rst").write_text(FAQ_PAGE, encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        index(lib, folder)
        with lib.workspace.catalog.session() as session:
            first = session.scalars(select(Chunk.id).order_by(Chunk.id)).first()
        query = "is there a debugger"
        shown = describe(lib.workspace, "text", [first], QueryMarks(query, (first,)))
    assert shown and shown[0].relevant is True
    metrics = Metrics(0.5, 0.5, 0.5, 1, 1)
    page = ResultsPage(control(candidate(tmp_path, metrics, metrics, (Comparison(query, shown, shown),))))  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.initializePage()
    for view in (page.old, page.new):
        text = view.item(0).text()
        assert text.startswith("1. ✓ programming.rst\n"), text
        assert "Programming FAQ" in text and "General Questions" in text, text
        for markup in ("===", "---", ".. only::", ".. contents::", ":mod:"):
            assert markup not in text, (markup, text)
        assert "\n" not in text.split("\n", 1)[1]  # one line under the title, as before


def test_in_a_wizard_the_keep_pages_focus_and_enter_follow_its_advice(qtbot, tmp_path: Path) -> None:
    same, better = Metrics(0.5, 0.6, 0.7, 2, 3), Metrics(0.7, 0.8, 0.9, 3, 3)
    for after, advised in ((same, "discard"), (better, "keep")):
        keep = KeepPage(control(candidate(tmp_path, same, after)))  # type: ignore[arg-type]
        wizard = QWizard()  # the page as the wizard shows it: after a page before it
        qtbot.addWidget(wizard)
        wizard.addPage(QWizardPage())
        wizard.addPage(keep)
        wizard.show()
        qtbot.waitExposed(wizard)
        wizard.next()
        suggested, other = (keep.discard, keep.keep) if advised == "discard" else (keep.keep, keep.discard)
        qtbot.waitUntil(lambda s=suggested: QApplication.focusWidget() is s, timeout=5000)
        assert suggested.isDefault() and not other.isDefault(), advised
