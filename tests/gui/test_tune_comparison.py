"""The wizard's old-vs-new comparison shows readable passages (issue 13, item 9, in the wizard):
the results page listed "==== Programming FAQ ==== .. only:: html .. contents::" because the
passage's lines were joined before the display could find its reST markup."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select

from desktop.core.catalog import Chunk
from desktop.core.library import Library
from desktop.core.tuning import Candidate, TrainSettings
from desktop.core.tuning.evaluate import Metrics, describe
from desktop.core.tuning.examples import QueryMarks
from desktop.core.tuning.rounds import Comparison
from desktop.gui.tuning.run_pages import ResultsPage
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
    candidate = Candidate(target="text", folder=str(tmp_path / "candidate"), base_model="base", dim=384,
                          before=metrics, after=metrics, folds=1, data_size=1, queries=1, settings=TrainSettings(),
                          losses=(), comparisons=(Comparison(query, shown, shown),), seconds=1.0)
    wizard = SimpleNamespace(state=WizardState(candidates=[candidate]), keep=lambda: None, discard=lambda: None,
                             stop_keep=lambda: None)
    page = ResultsPage(wizard)  # type: ignore[arg-type]
    qtbot.addWidget(page)
    page.initializePage()
    for view in (page.old, page.new):
        text = view.item(0).text()
        assert text.startswith("1. ✓ programming.rst\n"), text
        assert "Programming FAQ" in text and "General Questions" in text, text
        for markup in ("===", "---", ".. only::", ".. contents::", ":mod:"):
            assert markup not in text, (markup, text)
        assert "\n" not in text.split("\n", 1)[1]  # one line under the title, as before
