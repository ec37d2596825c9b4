"""Issue 24: the status bar says "Up to date" only when the library is: not while the window indexes,
and not beside the files a cancelled run left to index."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import drop, wait_idle
from tests.gui.corpus import write_many


def test_up_to_date_is_not_said_while_indexing_nor_after_a_cancel(qtbot, make_window, tmp_path: Path) -> None:
    big = write_many(tmp_path / "archive", 300)
    window = make_window()
    qtbot.waitUntil(lambda: window.watch_state.text() == "Up to date", timeout=20000)  # empty: it is
    said_while_indexing: list[str] = []

    def on_progress(progress: object) -> None:
        if progress.phase == "indexing":  # type: ignore[attr-defined]
            said_while_indexing.append(window.watch_state.text())
            if len(said_while_indexing) >= 3 and window.job_progress.cancel.isEnabled():  # type: ignore[attr-defined]
                window.job_progress.cancel.click()

    window.indexer.progress.connect(on_progress)
    with qtbot.waitSignal(window.indexer.finished, timeout=60000) as finished:
        drop(window, [big])
    window.indexer.progress.disconnect(on_progress)
    assert finished.args[1].cancelled
    assert said_while_indexing and "Up to date" not in said_while_indexing, said_while_indexing
    wait_idle(qtbot, window)
    left = window.library.status().counts.get("pending", 0)
    assert left > 0
    qtbot.waitUntil(lambda: window.watch_state.text() == f"{left:,} to index", timeout=10000)
    qtbot.wait(1000)  # the label keeps saying it
    assert window.watch_state.text() == f"{left:,} to index"
