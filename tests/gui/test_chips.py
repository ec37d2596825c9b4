"""The search box's chips: operators typed show as chips, a click removes one from the query;
folder: completes folder names; a dropped photo is a "like" chip that typed words steer."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from desktop.core.library import Library
from desktop.gui.search.chips import SYNTAX_HELP
from tests.conftest import index
from tests.corpus import write_documents, write_photos
from tests.gui.conftest import drop, search


def test_chips_follow_the_query_and_remove_their_operator(qtbot, make_window, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library")
    write_documents(tmp_path / "home" / "Kitchen", ["bread.md", "garden.txt"])
    write_documents(tmp_path / "home" / "Garage", ["bicycle.txt"])
    index(library, tmp_path / "home")
    window = make_window(library)
    chips = window.results.chips
    assert "folder:" in SYNTAX_HELP and window.search_box.toolTip() == SYNTAX_HELP
    search(qtbot, window, 'baking -chocolate kind:document "the loaf" after:2020-01-01 folder:Kitchen')
    assert chips.labels() == ["not chocolate", "documents", "“the loaf”", "after: 2020-01-01", "folder: Kitchen"]
    assert window.documents.rowCount() >= 1
    assert {Path(h.path).parent.name for h in window.documents.hits} == {"Kitchen"}
    qtbot.mouseClick(chips.chips[4], Qt.MouseButton.LeftButton)  # remove folder:Kitchen
    assert window.search_box.text() == 'baking -chocolate kind:document "the loaf" after:2020-01-01'
    assert chips.labels() == ["not chocolate", "documents", "“the loaf”", "after: 2020-01-01"]
    window.search_box.setText("after:2023-13-45 bread")  # not a date: no chip, plain words
    assert chips.labels() == []


def test_folder_completion(qtbot, make_window, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "library")
    write_documents(tmp_path / "home" / "Kitchen", ["bread.md"])
    write_documents(tmp_path / "home" / "Garage", ["bicycle.txt"])
    index(library, tmp_path / "home")
    window = make_window(library)
    completer = window.results.chips.completer
    qtbot.waitUntil(lambda: completer.names.rowCount() == 3)  # loaded off the UI thread
    box = window.search_box
    box.setFocus()
    qtbot.keyClicks(box, "bread folder:ki")
    assert completer.completionCount() == 1 and completer.currentCompletion() == "Kitchen"
    completer.insert("Kitchen")
    assert box.text() == "bread folder:Kitchen "


def test_dropped_photo_is_a_like_chip_and_words_steer_it(qtbot, make_window, tiny_clip, tmp_path: Path) -> None:
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    photos = write_photos(tmp_path / "photos", 4)
    index(library, tmp_path / "photos")
    window = make_window(library)
    drop(window.search_box, [photos[1]])
    qtbot.waitUntil(lambda: window.photos.rowCount() > 0)
    assert window.results.chips.labels() == [f"like {photos[1].name}"]
    assert window.search.like == str(photos[1])
    search(qtbot, window, "glowing lights")
    want = [h.path for h in library.search_photos("glowing lights", top=200, like=str(photos[1]))]
    qtbot.waitUntil(lambda: [h.path for h in window.photos.hits] == want)
    qtbot.mouseClick(window.results.chips.chips[0], Qt.MouseButton.LeftButton)
    assert window.search.like is None and window.results.chips.labels() == []
    plain = [h.path for h in library.search_photos("glowing lights", top=200)]
    qtbot.waitUntil(lambda: [h.path for h in window.photos.hits] == plain)
