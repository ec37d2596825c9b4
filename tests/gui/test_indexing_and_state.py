"""Cancelling an indexing run, removing a folder, and the window remembering itself between runs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QSettings

from desktop.app import library_candidates
from desktop.core.common.records import IndexSummary
from tests.gui.conftest import drop, search, wait_idle
from tests.gui.corpus import write_many


def test_cancel_an_indexing_run(qtbot, make_window, tmp_path: Path) -> None:
    big = write_many(tmp_path / "archive", 400)
    window = make_window()
    seen: list[str] = []

    def on_progress(progress: object) -> None:
        seen.append(progress.phase)  # type: ignore[attr-defined]
        if progress.phase == "indexing" and window.job_progress.cancel.isEnabled():  # type: ignore[attr-defined]
            window.job_progress.cancel.click()

    window.indexer.progress.connect(on_progress)
    with qtbot.waitSignal(window.indexer.finished, timeout=60000) as finished:
        drop(window, [big])
    summary = finished.args[1]
    assert isinstance(summary, IndexSummary) and summary.cancelled
    assert summary.indexed < 400
    assert "indexing" in seen
    window.indexer.progress.disconnect(on_progress)
    assert "stopped" in window.statusBar().currentMessage()
    wait_idle(qtbot, window)
    assert window.job_progress.isHidden()
    # Searching works on what was indexed before the cancel, and a re-scan finishes the job.
    with qtbot.waitSignal(window.indexer.finished, timeout=90000) as finished:
        window.menu.rescan.trigger()
    assert not finished.args[1].cancelled
    assert window.library.status().counts.get("indexed") == 400


def test_drops_while_indexing_are_queued(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    window.add_paths([corpus / "photos"])  # arrives while the first job runs
    assert window.indexer.running
    wait_idle(qtbot, window)
    assert {Path(f.path).name for f in window.library.folders()} == {"notes", "photos"}


def test_remove_folder_keeps_files_on_disk(qtbot, make_window, corpus: Path, monkeypatch) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    wait_idle(qtbot, window)
    window.sidebar.list.setCurrentRow(1)
    monkeypatch.setattr(window, "ask", lambda *args: True)
    window.sidebar.remove_button.click()
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.sidebar.list.count() == 1)
    assert "Removed 30 files" in window.statusBar().currentMessage()
    assert len(list((corpus / "notes").iterdir())) == 30  # nothing on disk was touched


def test_window_state_is_restored(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    settings_path = str(tmp_path / "remembered.ini")
    first_state = QSettings(settings_path, QSettings.Format.IniFormat)
    window = make_window(tmp_path / "my-library", settings=first_state)
    window.resize(760, 560)  # the offscreen screen is 800 x 600; restoring clamps to it
    remembered = (window.size().width(), window.size().height())  # the window's minimum width may win
    assert remembered[1] == 560 and 760 <= remembered[0] <= 1366
    window.splitter.setSizes([150, 400, 200])
    sizes = window.splitter.sizes()
    window.tabs.setCurrentIndex(1)
    window.close()

    state = QSettings(settings_path, QSettings.Format.IniFormat)
    assert Path(str(state.value("library"))) == (tmp_path / "my-library").resolve()
    # The app opens the remembered library first (falling back to the default one).
    assert library_candidates(None, state) == [str((tmp_path / "my-library").resolve()), None]
    assert library_candidates(str(tmp_path / "other"), state)[0] == str(tmp_path / "other")
    again = make_window(tmp_path / "my-library", settings=state)
    assert (again.size().width(), again.size().height()) == remembered
    assert again.splitter.sizes() == sizes
    assert again.tabs.currentIndex() == 1


def test_search_while_indexing_uses_what_is_there(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    wait_idle(qtbot, window)
    window.add_paths([write_many(tmp_path / "more", 150)])
    search(qtbot, window, "beehive honey")
    assert Path(window.documents.hits[0].path).parent.name in {"notes", "more"}
    wait_idle(qtbot, window, timeout=90000)


def test_window_module_does_not_import_models() -> None:
    """The window must be on screen fast: heavy libraries load later, on a worker thread."""
    code = (
        "import sys; import desktop.app, desktop.gui.shell.main_window, desktop.gui.library.settings_dialog;"
        "heavy = [m for m in ('torch', 'sentence_transformers', 'open_clip', 'umap', 'transformers') "
        "if m in sys.modules]; print(heavy); sys.exit(1 if heavy else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pause_an_indexing_run_and_resume_it(qtbot, make_window, tmp_path: Path) -> None:
    big = write_many(tmp_path / "archive", 400)
    window = make_window()
    progress_bar = window.job_progress

    def on_progress(progress: object) -> None:
        if progress.phase == "indexing" and not progress_bar.pause.isChecked():  # type: ignore[attr-defined]
            progress_bar.pause.click()

    window.indexer.progress.connect(on_progress)
    drop(window, [big])
    qtbot.waitUntil(progress_bar.pause.isChecked, timeout=60000)
    window.indexer.progress.disconnect(on_progress)
    assert progress_bar.pause.text() == "Resume"
    qtbot.wait(1500)  # the batch in hand is stored, then nothing moves
    held = window.library.status().counts.get("indexed", 0)
    qtbot.wait(1500)
    assert window.library.status().counts.get("indexed", 0) == held < 400
    assert window.indexer.running
    assert progress_bar.label.text().startswith("Paused")
    with qtbot.waitSignal(window.indexer.finished, timeout=90000) as finished:
        progress_bar.pause.click()  # Resume
    assert not finished.args[1].cancelled
    assert window.library.status().counts.get("indexed") == 400
