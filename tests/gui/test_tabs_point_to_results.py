"""Issue 24: the results say plainly where they are and why there are none: a photo dropped on the
search box without a photo model says so (and how to get one), with nothing of the previous answer
left on screen; an answer that only one tab has shows that tab."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import drop, search, wait_idle
from tests.gui.corpus import write_documents, write_photos


def test_a_photo_dropped_without_a_photo_model_says_why(qtbot, make_window, tmp_path: Path) -> None:
    notes = write_documents(tmp_path / "notes")
    window = make_window()  # no photo model
    window.add_paths([notes])
    wait_idle(qtbot, window)
    outside = tmp_path / "question.txt"
    outside.write_text("My kitten keeps scratching the sofa and needs her claws clipped.\n")
    drop(window.search_box, [outside])
    qtbot.waitUntil(lambda: window.results.current.similar, timeout=20000)
    assert window.results.summary.full_text() == "Similar to “question.txt”"

    photo = next(p for p in sorted(write_photos(tmp_path / "camera").glob("*.png")) if p.name != "broken.png")
    drop(window.search_box, [photo])
    title = "Finding photos like this one needs the photo model"
    qtbot.waitUntil(lambda: window.photos_view.placeholder_title == title, timeout=20000)
    assert window.results.current_view() is window.photos_view  # the tab the failure is about
    assert "weights" in window.photos_view.placeholder_detail  # how to get the model
    assert window.results.summary.full_text() == ""  # not "Similar to “question.txt”" any more
    assert [window.results.tabs.tabText(i) for i in range(2)] == ["Documents", "Photos"]
    assert window.documents.rowCount() == 0 and window.photos.rowCount() == 0
    assert window.search.like is None and window.results.chips.labels() == []
    search(qtbot, window, "kitten claws")  # words typed next search on their own
    assert Path(window.documents.hits[0].path).stem == "cat-care"


def test_an_answer_only_the_photos_have_is_shown_on_the_photos_tab(qtbot, make_window, tmp_path: Path) -> None:
    window = make_window()  # no photo model: photos are listed by their names
    window.add_paths([write_documents(tmp_path / "notes"), write_photos(tmp_path / "camera")])
    wait_idle(qtbot, window)
    assert window.results.current_view() is window.documents_view
    search(qtbot, window, "kind:photo")  # operators alone: every photo, no document
    assert window.photos.rowCount() > 0 and window.documents.rowCount() == 0
    assert window.results.current_view() is window.photos_view
    assert window.preview.hit is not None and window.preview.hit.kind == "image"
    listed = window.photos.rowCount()
    assert window.documents_view.placeholder_detail == f"{listed} photos match: see the Photos tab."
    search(qtbot, window, "kind:document")  # and back, when only the documents answer
    assert window.documents.rowCount() > 0 and window.photos.rowCount() == 0
    assert window.results.current_view() is window.documents_view
