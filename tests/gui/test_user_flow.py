"""The main story, driven like a user: drop a folder, search, read, mark, more like this."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.gui.search.result_models import Role
from tests.gui.conftest import drop, search, wait_idle


def test_empty_library_explains_what_to_do(make_window) -> None:
    window = make_window()
    assert window.documents_view.placeholder_title == "Your library is empty"
    assert window.sidebar.list.count() == 1  # only "All folders"
    assert window.job_progress.isHidden()


def test_drop_folder_search_mark_and_more_like_this(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    with qtbot.waitSignal(window.indexer.started, timeout=5000):
        drop(window, [corpus])
    assert window.job_progress.isVisible()  # progress bar and Cancel while indexing
    wait_idle(qtbot, window)
    assert window.job_progress.isHidden()
    assert "Indexed" in window.statusBar().currentMessage()

    # The sidebar lists the folder with its counts and the broken picture among skipped files.
    assert window.sidebar.list.count() == 2
    folder_state = window.sidebar.list.item(1).data(Qt.ItemDataRole.UserRole + 2)
    assert "35 items" in folder_state  # 30 documents and 5 photos listed by name while they wait for the model
    assert window.sidebar.skipped_button.isVisible()
    # No CLIP weights: the photo banner explains it; the photos wait for the model.
    assert not window.banner.isHidden()
    assert "CLIP" in window.banner.message.text()
    assert "5 photos will be indexed" in window.banner.message.text()

    query = "how do I mend a flat tyre on my bike"
    search(qtbot, window, query)
    top = window.documents.hits[0]
    assert Path(top.path).stem == "bicycle-repair"
    assert window.tabs.tabText(0).startswith("Documents")
    # The best hit is selected and previewed with the matching passage.
    qtbot.waitUntil(lambda: "Patching a punctured inner tube" in window.preview.text.toPlainText())
    assert window.preview.title.text() == top.title

    # 👍: stored through the core and shown on the row.
    window.actions_.relevant.trigger()
    qtbot.waitUntil(lambda: window.documents.index(0, 0).data(Role.MARK) is not None)
    marks = window.library.marks(query)
    assert [(Path(m.path).stem, m.relevant) for m in marks] == [("bicycle-repair", True)]
    assert window.actions_.relevant.isChecked()
    # Pressing 👎 replaces the judgement; there is still one mark for this result.
    window.actions_.not_relevant.trigger()
    qtbot.waitUntil(lambda: window.documents.index(0, 0).data(Role.MARK).relevant is False)
    assert window.actions_.not_relevant.isChecked() and not window.actions_.relevant.isChecked()
    assert [m.relevant for m in window.library.marks(query)] == [False]

    # More like this: similar documents, the item itself excluded; marks are off for them.
    window.actions_.similar.trigger()
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=20000)
    assert window.results.current.documents
    assert top.path not in [h.path for h in window.documents.hits]
    assert "Similar to" in window.summary.text()
    assert not window.actions_.relevant.isEnabled()


def test_keyboard_navigation_and_open(qtbot, make_window, corpus: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    wait_idle(qtbot, window)
    search(qtbot, window, "baking bread overnight")
    assert Path(window.documents.hits[0].path).stem == "sourdough"
    window.results.show_weaker.click()  # the rows below the one good match are weaker ones

    window.documents_view.setFocus()
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_box.hasFocus()
    qtbot.keyClick(window.search_box, Qt.Key.Key_Down)
    assert window.documents_view.hasFocus()
    qtbot.keyClick(window.documents_view, Qt.Key.Key_Down)
    second = window.documents.hits[1].path
    assert window.preview.hit is not None and window.preview.hit.path == second
    qtbot.keyClick(window.documents_view, Qt.Key.Key_Return)
    assert window.desktop.opened == [second]
    qtbot.keyClick(window.documents_view, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.desktop.copied == [second]
    window.actions_.reveal.trigger()
    assert window.desktop.revealed == [second]
    qtbot.keyClick(window.documents_view, Qt.Key.Key_Up)
    qtbot.keyClick(window.documents_view, Qt.Key.Key_Up)  # past the first row: back to the search box
    assert window.search_box.hasFocus()


def test_no_results_state_and_folder_filter(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = make_window()
    other = tmp_path / "other"
    other.mkdir()
    (other / "boiler-manual.txt").write_text("Boiler pressure should read 1.5 bar when the heating is cold.\n")
    window.add_paths([corpus / "notes", other])
    wait_idle(qtbot, window)
    search(qtbot, window, "boiler pressure")
    assert {Path(h.path).parent.name for h in window.documents.hits} == {"notes", "other"}
    window.sidebar.select_folder(str(other.resolve()))
    qtbot.waitUntil(lambda: {Path(h.path).parent.name for h in window.documents.hits} == {"other"})
    assert "other" in window.filter_bar.folder_label.text()
    # A date filter that excludes every file gives the "no results" state.
    window.filter_bar.date.setCurrentIndex(window.filter_bar.date.count() - 1)  # older than a year
    qtbot.waitUntil(lambda: window.documents.rowCount() == 0)
    assert window.documents_view.placeholder_title.startswith("No documents match")


def test_drop_file_on_search_box_finds_similar(qtbot, make_window, corpus: Path, tmp_path: Path) -> None:
    window = make_window()
    window.add_paths([corpus / "notes"])
    wait_idle(qtbot, window)
    outside = tmp_path / "question.txt"
    outside.write_text("My kitten keeps scratching the sofa and needs her claws clipped.\n")
    drop(window.search_box, [outside])
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=20000)
    assert Path(window.documents.hits[0].path).stem == "cat-care"
    assert window.search_box.text() == ""
    assert window.indexer.current is None and not window.indexer.queue  # a file on the box is not indexed
