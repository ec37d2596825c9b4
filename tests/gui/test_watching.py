"""The window watches its library: a file written while it runs shows as a pending change, is
indexed without F5 and found; a folder that cannot be watched says so in the sidebar."""

from __future__ import annotations

from pathlib import Path

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.core.workspace.lock import WriteLock
from desktop.gui.library.sidebar import STATE_ROLE
from tests.gui.conftest import search


def folder_item(window, path: Path):
    items = [window.sidebar.list.item(r) for r in range(window.sidebar.list.count())]
    return next(i for i in items if i.toolTip().startswith(str(path)))


def test_the_status_shows_pending_changes_then_up_to_date(qtbot, make_window, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "plumber.txt").write_text("The plumber fixed the leaking kitchen sink and sent a receipt.")
    library = Library.open(tmp_path / "library")
    run_job(library.index([docs]))
    window = make_window(library)
    qtbot.waitUntil(lambda: window.watch_state.text() == "Up to date", timeout=20000)
    assert "not watched" not in folder_item(window, docs).data(STATE_ROLE)

    other = WriteLock(library.workspace.paths.write_lock)  # another semdesk process writing meanwhile
    other.acquire("indexing")
    try:
        (docs / "cake.txt").write_text("A recipe for lemon drizzle cake with fresh lemons and sugar.")
        qtbot.waitUntil(lambda: window.watch_state.text() == "1 change pending", timeout=5000)
        qtbot.wait(500)  # the window neither drops the change nor reports an error while it waits
        assert window.watch_state.text() == "1 change pending"
    finally:
        other.release()
    qtbot.waitUntil(lambda: window.watch_state.text() == "Up to date", timeout=10000)
    search(qtbot, window, "lemon cake recipe")
    qtbot.waitUntil(lambda: bool(window.results.current.documents), timeout=10000)
    assert Path(window.results.current.documents[0].path).name == "cake.txt"
    assert window.status.last is not None and window.status.last.kinds.get("text") == 2


def test_a_folder_that_is_not_watched_says_why_in_the_sidebar(qtbot, make_window, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "garden.txt").write_text("Tomatoes grow best in the sunny corner of the garden.")
    library = Library.open(tmp_path / "library")
    run_job(library.index([docs]))
    window = make_window(library)
    qtbot.waitUntil(lambda: window.watch_state.text() == "Up to date", timeout=20000)
    library.set_setting("watch_polling", True)  # what the Settings dialog saves, then says it saved
    window.watch.settings_saved()
    qtbot.waitUntil(lambda: "not watched" in (folder_item(window, docs).data(STATE_ROLE) or ""), timeout=20000)
    tip = folder_item(window, docs).toolTip()
    assert "Not watched" in tip and "checked every 60 s" in tip
    window.grab().save(str(tmp_path / "watching.png"))
