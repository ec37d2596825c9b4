"""The map job runs on a worker; what the tab keeps of its result is written on the UI thread only."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.gui.conftest import wait_idle

MAP_TAB = 2


class WrittenOn(dict):
    """A dict that notes which thread writes each key."""

    def __init__(self) -> None:
        super().__init__()
        self.writers: list[tuple[str, str]] = []

    def __setitem__(self, key: str, value: object) -> None:
        self.writers.append((key, threading.current_thread().name))
        super().__setitem__(key, value)


def test_the_map_workers_result_is_kept_on_the_ui_thread(make_window, qtbot, corpus: Path) -> None:
    window = make_window()  # no photo model: the photo map is empty, and the tab keeps why
    window.add_paths([corpus / "photos"])
    wait_idle(qtbot, window)
    tab = window.map_tab
    tab.photo_note, tab.maps = WrittenOn(), WrittenOn()
    window.tabs.setCurrentIndex(MAP_TAB)
    tab.space.setCurrentIndex([tab.space.itemData(i) for i in range(tab.space.count())].index("image"))
    qtbot.waitUntil(lambda: tab.maps.get("image") is not None and tab.running is None, timeout=60000)
    ui = threading.main_thread().name
    assert ("image", ui) in tab.photo_note.writers and "photo model" in tab.photo_note["image"]
    assert {thread for _, thread in tab.photo_note.writers + tab.maps.writers} == {ui}
