"""Issue 24, item 15: the Keyboard Shortcuts list says each key and what it does; Ctrl+3 shows the Map tab;
the map's line counts the map that is shown, in full; Settings with Advanced open fits a 1366 x 768 screen
with every label whole."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QLabel, QScrollArea, QWidget

from desktop.core.library import Library
from desktop.gui.library.settings_dialog import SettingsDialog
from tests.conftest import index

SCREEN = (1366, 768)


def test_keyboard_shortcuts_name_each_key_and_what_it_does(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    window.help_actions[1].trigger()
    dialog = window.help_dialogs["keys"]
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["Keys", "Command", "What it does"]
    rows = {table.item(r, 1).text(): (table.item(r, 0).text(), table.item(r, 2).text())
            for r in range(table.rowCount())}
    # The three: "Ctrl+O, Open", "Ctrl+F, Find, Ctrl+L" and an unexplained "Folder Ctrl+Shift+O".
    assert rows["File ▸ Add Folder"] == ("Ctrl+O", "Add a folder to the library; its files are indexed in the "
                                                   "background")
    assert rows["Edit ▸ Find"] == ("Ctrl+F or Ctrl+L", "Put the cursor in the search box")
    assert rows["File ▸ Open Library ▸ Folder"][0] == "Ctrl+Shift+O"
    assert "another library" in rows["File ▸ Open Library ▸ Folder"][1]
    assert rows["View ▸ Map"][0] == "Ctrl+3"
    for command, (keys, does) in rows.items():
        for key in keys.replace(" or ", ", ").split(", "):
            pressable = "+" in key or (key.startswith("F") and key[1:].isdigit())
            assert pressable, f"{command}: '{key}' is not a key to press"
        assert does and does != command.rsplit(" ▸ ", 1)[-1], f"{command}: no word on what it does"
    dialog.close()


def test_ctrl_3_shows_the_map_as_ctrl_1_and_2_show_the_other_tabs(make_window, qtbot, tmp_path: Path) -> None:
    window = make_window(tmp_path / "lib")
    for key, shown in ((Qt.Key.Key_3, window.map_tab), (Qt.Key.Key_1, window.tabs.widget(0)),
                       (Qt.Key.Key_2, window.tabs.widget(1)), (Qt.Key.Key_3, window.map_tab)):
        qtbot.keyClick(window.search_box, key, Qt.KeyboardModifier.ControlModifier)
        assert window.tabs.currentWidget() is shown, key


def test_the_map_line_counts_the_map_shown_in_full(make_window, qtbot, tmp_path: Path, corpus: Path) -> None:
    from desktop.core.maps import LayoutOptions

    path = tmp_path / "lib"
    with Library.open(path) as lib:
        index(lib, corpus / "notes")
    window = make_window(path)
    tab = window.map_tab
    tab.options = LayoutOptions(n_epochs=40, random_state=5)
    window.tabs.setCurrentWidget(tab)
    spaces = [tab.space.itemData(i) for i in range(tab.space.count())]
    qtbot.waitUntil(lambda: tab.maps.get("text") is not None and tab.running is None, timeout=120000)
    documents = tab.status.full_text()
    assert documents.startswith(f"{len(tab.current)} documents, "), documents
    assert tab.status.shown_text() == documents, f"cut off: {tab.status.shown_text()!r} of {documents!r}"

    tab.space.setCurrentIndex(spaces.index("image"))  # no photos here: "0 photos, 0 named clusters"
    qtbot.waitUntil(lambda: tab.maps.get("image") is not None and tab.running is None, timeout=60000)
    assert tab.status.full_text().startswith("0 photos"), tab.status.full_text()
    tab.space.setCurrentIndex(spaces.index("text"))  # back to the documents' map, already made
    assert tab.status.full_text() == documents, "the line still speaks of the photo map"
    assert tab.status.shown_text() == documents


def test_settings_with_advanced_open_fit_the_screen_with_every_label_whole(qtbot, tmp_path: Path) -> None:
    library = Library.open(tmp_path / "lib")
    dialog = SettingsDialog(library)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.advanced_button is not None
    dialog.advanced_button.setChecked(True)
    qtbot.wait(50)  # the layout settles
    assert dialog.width() <= SCREEN[0] and dialog.height() <= SCREEN[1]
    scroll = dialog.findChild(QScrollArea)
    content, viewport = scroll.widget(), scroll.viewport()
    assert content.minimumSizeHint().width() <= viewport.width(), (content.minimumSizeHint(), viewport.width())
    assert content.width() <= viewport.width()
    cut: list[str] = []
    for widget in content.findChildren(QWidget):
        if not widget.isVisibleTo(dialog) or widget.width() == 0:
            continue
        right = widget.mapTo(viewport, QPoint(widget.width(), 0)).x()
        name = widget.text() if isinstance(widget, QLabel | QAbstractButton) else type(widget).__name__
        if right > viewport.width():
            cut.append(f"{name!r} ends at {right} px of {viewport.width()}")
        one_line = isinstance(widget, QAbstractButton) or (isinstance(widget, QLabel) and not widget.wordWrap())
        if one_line and widget.text() and widget.width() < widget.sizeHint().width():
            cut.append(f"{name!r} is {widget.width()} px of the {widget.sizeHint().width()} it needs")
    assert not cut, cut
    scanning = next(b for b in content.findChildren(QCheckBox) if "periodic scan" in b.accessibleName())
    words = next(w for w in content.findChildren(QLabel) if w.buddy() is scanning)
    was = scanning.isChecked()
    qtbot.mouseClick(words, Qt.MouseButton.LeftButton)  # the words tick the box, as a check box's text does
    assert scanning.isChecked() is not was
    dialog.close()
    library.close()
