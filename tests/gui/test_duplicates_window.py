"""Photos ▸ Find Duplicates: groups side by side with the best one kept; nothing moves without
the confirmation, and confirmed files land in the (temporary) desktop trash."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop.core.library import Library
from tests.conftest import index
from tests.core.test_duplicates import make_photos, trash_home  # noqa: F401 - the fixture
from tests.corpus import write_documents


def answer_confirmation(qtbot, button: QMessageBox.StandardButton | str) -> list[str]:
    """Click a button of the confirmation box once it is up; returns the question it asked."""
    asked: list[str] = []

    def click() -> None:
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.objectName() == "trashConfirmation" and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(50, click)
            return
        asked.append(box.text())
        target = box.button(button) if isinstance(button, QMessageBox.StandardButton) else next(
            b for b in box.buttons() if b.text() == button)
        target.click()

    QTimer.singleShot(50, click)
    return asked


def test_groups_shown_and_nothing_moves_without_confirmation(qtbot, make_window, tmp_path: Path,
                                                             trash_home: Path, tiny_clip) -> None:  # noqa: F811
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    docs = write_documents(tmp_path / "docs", ["bread.md", "garden.txt"])
    copy = tmp_path / "docs" / "bread copy.md"
    copy.write_bytes(docs["bread.md"].read_bytes())
    make_photos(tmp_path / "pics")
    index(library, tmp_path / "docs")
    index(library, tmp_path / "pics")
    window = make_window(library)
    window.menu.duplicates.trigger()
    dialog = window.duplicates_window
    qtbot.waitUntil(lambda: bool(dialog.groups), timeout=30000)
    kinds = sorted(g.kind for g in dialog.groups)
    assert kinds.count("exact") == 3 and kinds.count("near") == 2
    keep = {card.file.path for card in dialog.cards if card.badge.text()}
    assert keep == {g.keep for g in dialog.groups}
    ticked = [f.path for f in dialog.checked()]
    assert ticked and not set(ticked) & keep  # the best of each group is never ticked
    # Cancel: nothing is moved, nothing deleted.
    for card in dialog.cards:
        card.trash.setChecked(card.file.path == str(copy))
    asked = answer_confirmation(qtbot, QMessageBox.StandardButton.Cancel)
    dialog.trash_button.click()
    assert asked == ["Move 1 file to the Trash?"]
    assert copy.exists() and not trash_home.exists()
    assert any(str(copy) in [f.path for f in g.files] for g in dialog.groups)
    # Confirm: the file goes to the trash (restorable), the library forgets it.
    answer_confirmation(qtbot, "Move to Trash")
    dialog.trash_button.click()
    qtbot.waitUntil(lambda: not copy.exists(), timeout=10000)
    assert (trash_home / "files" / copy.name).read_bytes() == docs["bread.md"].read_bytes()
    assert docs["bread.md"].exists()
    qtbot.waitUntil(lambda: all(str(copy) not in [f.path for f in g.files] for g in dialog.groups))
    assert str(copy) not in [h.path for h in library.search_documents("sourdough bread")]


def test_an_unticked_copy_stays_unticked_after_the_others_go_to_the_trash(
        qtbot, make_window, tmp_path: Path, trash_home: Path, tiny_clip) -> None:  # noqa: F811
    """Issue 24: the groups come back after the trash, and the copies the user un-ticked kept their choice."""
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    library.set_setting("clip_model", str(config))
    library.set_setting("clip_weights", str(weights))
    make_photos(tmp_path / "pics")
    index(library, tmp_path / "pics")
    window = make_window(library)
    window.menu.duplicates.trigger()
    dialog = window.duplicates_window
    dialog.include_similar.setChecked(False)
    qtbot.waitUntil(lambda: bool(dialog.groups), timeout=30000)
    group = max(dialog.groups, key=lambda g: len(g.files))
    ticked = [f.path for f in group.files if f.path != group.keep]
    assert len(ticked) >= 2
    spared = ticked[0]
    for card in dialog.cards:
        if card.file.path == spared:
            card.trash.setChecked(False)  # the user keeps this copy too
    gone = [f.path for f in dialog.checked()]
    assert spared not in gone
    answer_confirmation(qtbot, "Move to Trash")
    dialog.trash_button.click()
    qtbot.waitUntil(lambda: all(not Path(p).exists() for p in gone), timeout=10000)
    qtbot.waitUntil(lambda: all(p not in [f.path for g in dialog.groups for f in g.files] for p in gone))
    cards = {card.file.path: card for card in dialog.cards}
    assert spared in cards, "the kept copy and the best one still make a group"
    assert not cards[spared].trash.isChecked()
    assert dialog.trash_button.text() == "Move to Trash…" and not dialog.trash_button.isEnabled()
