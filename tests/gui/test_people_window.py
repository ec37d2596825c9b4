"""Photos ▸ People: the people found in real photos (dlib on scikit-image's and matplotlib's), a person's
faces in a grid, and naming, merging, moving a face out and hiding through the window."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop.core.library import Library
from tests.conftest import index

pytest.importorskip("dlib")
face_photos = pytest.importorskip("scripts.face_photos")
pytest.importorskip("matplotlib", reason="matplotlib's grace_hopper.jpg is the second identity")


def _wait_loaded(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: bool(dialog.people) and dialog.face_grid.count() > 0, timeout=30000)


def test_people_window_names_merges_moves_and_hides(qtbot, make_window, tmp_path: Path) -> None:
    album = tmp_path / "album"
    face_photos.build(album, kinds=("original", "mirror", "grey"), no_faces=False)
    library = Library.open(tmp_path / "library")
    library.set_setting("ocr", "off")
    index(library, album)
    window = make_window(library)
    answers = iter(["Grace Hopper"])
    window.menu.people.trigger()
    dialog = window.people_window
    dialog.name_asker = lambda _parent, _current: next(answers)
    _wait_loaded(qtbot, dialog)
    assert dialog.person_list.count() == 2 and dialog.summary.text() == "2 people"
    assert all(not dialog.person_list.item(i).icon().isNull() for i in range(2))  # each person by a face
    first = dialog.people[0]
    assert dialog.face_grid.count() == first.faces  # the first person is shown at once
    icon = dialog.face_grid.item(0).icon()
    assert not icon.isNull() and icon.availableSizes()  # a real face picture, cut from its photo

    # Name the person whose faces are Grace Hopper's.
    hopper = next(p for p in dialog.people
                  if all("hopper" in f.path for f in library.faces_of(p.person_id) if "-and-" not in f.path))
    dialog.person_list.clearSelection()
    row = [p.person_id for p in dialog.people].index(hopper.person_id)
    dialog.person_list.item(row).setSelected(True)
    qtbot.waitUntil(lambda: dialog.face_grid.count() == hopper.faces, timeout=10000)
    dialog.name_button.click()
    qtbot.waitUntil(lambda: any(p.name == "Grace Hopper" for p in dialog.people), timeout=10000)
    assert "Grace Hopper — 5 photos" in [dialog.person_list.item(i).text() for i in range(dialog.person_list.count())]
    assert len(library.search_photos('person:"Grace Hopper"')) == hopper.photos
    # The search box completes the name after person:.
    completer = window.results.chips.completer
    qtbot.waitUntil(lambda: completer.lists["person:"] == ["Grace Hopper"], timeout=10000)
    box = window.results.chips.box
    box.setFocus()
    qtbot.keyClicks(box, "person:gr")
    assert completer.prefix == "person:" and completer.completionCount() == 1
    completer.insert("Grace Hopper")
    assert box.text() == 'person:"Grace Hopper" '
    box.clear()

    # Move one face out: a person of its own, and Grace has one face fewer.
    qtbot.waitUntil(lambda: dialog.face_grid.count() == hopper.faces and dialog.selected_people()
                    == [hopper.person_id], timeout=10000)
    dialog.face_grid.item(dialog.face_grid.count() - 1).setSelected(True)
    assert dialog.move_out_button.isEnabled()
    dialog.move_out_button.click()
    qtbot.waitUntil(lambda: len(dialog.people) == 3, timeout=10000)
    assert next(p for p in dialog.people if p.name == "Grace Hopper").faces == hopper.faces - 1
    alone = next(p for p in dialog.people if p.faces == 1)

    # Merge it back: select the two, Merge; the named one keeps its name and gets the face again.
    dialog.person_list.clearSelection()
    for i, person in enumerate(dialog.people):
        dialog.person_list.item(i).setSelected(person.person_id in (alone.person_id, hopper.person_id))
    assert dialog.merge_button.isEnabled()
    dialog.merge_button.click()
    qtbot.waitUntil(lambda: len(dialog.people) == 2, timeout=10000)
    assert next(p for p in dialog.people if p.name == "Grace Hopper").faces == hopper.faces

    # Hide her: she leaves the list and person: finds nothing.
    dialog.person_list.clearSelection()
    row = [p.name for p in dialog.people].index("Grace Hopper")
    dialog.person_list.item(row).setSelected(True)
    dialog.hide_person_button.click()
    qtbot.waitUntil(lambda: len(dialog.people) == 1, timeout=10000)
    assert dialog.people[0].name is None and dialog.summary.text() == "1 person"
    assert library.search_photos('person:"Grace Hopper"') == []
