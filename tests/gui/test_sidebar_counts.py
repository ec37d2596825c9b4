"""Issue 24: the sidebar counts the photos a folder holds as they are listed: "Pictures: 0 items"
stood beside 54 photos listed while they waited for the photo model."""

from __future__ import annotations

from pathlib import Path

from tests.gui.conftest import search, wait_idle
from tests.gui.corpus import write_photos
from tests.gui.test_first_hour import folder_rows


def test_a_folder_of_photos_counts_the_photos_it_lists(qtbot, make_window, tmp_path: Path) -> None:
    pictures = write_photos(tmp_path / "Pictures")
    window = make_window()  # no photo model: the photos wait for it and are found by their names
    window.add_paths([pictures])
    wait_idle(qtbot, window)
    search(qtbot, window, "kind:photo")
    listed = window.photos.rowCount()
    assert listed == window.library.status().counts["waiting_model"] > 0
    rows = folder_rows(window)
    row = next(state for name, state in rows.items() if name.startswith("Pictures"))
    assert row.startswith(f"{listed} items"), row
    assert rows["All folders"] == f"{listed} items"
    assert f"{listed} photos" in window.status_text.text()
