"""Text in photos, as a user meets it: drop a folder holding a screenshot, search for words in it,
and the preview shows the screenshot with the matching line outlined and the text to copy.

SEMDESK_OCR_SCREENSHOT=path.png makes the test save the window there (the README's screenshot).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from desktop.core.common.records import PictureLine
from desktop.gui.preview.ocr_view import PictureTextView
from tests.core.test_ocr_data import needs_font, save_picture, text_picture
from tests.gui.conftest import drop, search, wait_idle

pytestmark = needs_font

LINES = ["$ sudo systemctl restart backup.service", "Failed to restart backup.service:",
         "Access denied (error 0x80070005)", "See 'journalctl -xe' for details."]


def test_outlines_follow_the_matching_passage(qtbot) -> None:
    view = PictureTextView()
    qtbot.addWidget(view)
    view.resize(400, 500)
    text = "first line\nsecond line"
    lines = [PictureLine(0, 0, 10, ((0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2)), 0.99),
             PictureLine(0, 11, 22, ((0.1, 0.5), (0.9, 0.5), (0.9, 0.6), (0.1, 0.6)), 0.98)]
    view.show_passages([(0, 22)], "second", None)
    from PySide6.QtGui import QPixmap

    picture = QPixmap(200, 100)
    view.set_picture(picture)
    view.set_text(text, lines)
    assert view.picture.matching == {1}  # the passage holds both lines; the query's word is in the second
    view.show_passages([(0, 22)], "something else entirely", picture)
    view.set_text(text, lines)
    assert view.picture.matching == {0, 1}  # found by meaning alone: the whole passage
    view.show()
    qtbot.waitExposed(view)
    polygon = view.picture.line_polygon(lines[1])
    area = view.picture.picture_rect()
    assert area.contains(polygon.boundingRect())  # the outline sits on the picture, wherever it is drawn
    assert abs(polygon.boundingRect().top() - (area.top() + 0.5 * area.height())) < 1


def test_a_picture_read_with_low_confidence_says_so(qtbot) -> None:
    view = PictureTextView()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    box = ((0.1, 0.1), (0.9, 0.1), (0.9, 0.2), (0.1, 0.2))
    view.show_passages([(0, 10)], "first", None)
    view.set_text("first line\nsecond line", [PictureLine(0, 0, 10, box, 0.97), PictureLine(0, 11, 22, box, 0.96)])
    assert not view.unsure.isVisible()  # a clean reading is shown as it is
    # What OCR read in a blurred page (tests/core/test_ocr_recall.py): 6 of 25 lines, scores 0.73-0.9.
    view.set_text("fiist lne\nsecnd lire", [PictureLine(0, 0, 9, box, 0.73), PictureLine(0, 10, 20, box, 0.88)])
    assert view.unsure.isVisible()
    assert "may be missing or wrong" in view.unsure.text()
    view.show_passages([(0, 10)], "first", None)  # the next picture starts without the last one's note
    assert not view.unsure.isVisible()


def test_a_screenshot_found_by_its_words_is_previewed_with_the_line_outlined(qtbot, make_window, tmp_path: Path):
    folder = tmp_path / "Screenshots"
    save_picture(text_picture(LINES, size=22), folder / "Screenshot 2026-03-02 at 09.14.png")
    window = make_window()
    drop(window, [folder])
    wait_idle(qtbot, window, timeout=180000)
    search(qtbot, window, "access denied error")
    top = window.documents.hits[0]
    assert top.found_in == "text in photo"
    view = window.preview.picture_text
    qtbot.waitUntil(lambda: window.preview.stack.currentWidget() is view, timeout=10000)
    qtbot.waitUntil(lambda: "Access denied" in view.text.toPlainText() and not view.picture.pixmap.isNull(),
                    timeout=20000)
    outlined = [view.text.toPlainText()[line.start : line.end] for i, line in enumerate(view.picture.lines)
                if i in view.picture.matching]
    assert any("Access denied" in line for line in outlined)
    assert len(view.picture.matching) < len(view.picture.lines)  # only the matching lines stand out
    assert view.unsure.isHidden()  # clean print: no note that text may be missing
    # The recognised text can be selected and copied.
    view.text.setFocus()
    view.text.selectAll()
    qtbot.keySequence(view.text, QKeySequence.StandardKey.Copy)
    assert "systemctl restart backup.service" in QApplication.clipboard().text()
    view.text.moveCursor(view.text.textCursor().MoveOperation.Start)
    if os.environ.get("SEMDESK_OCR_SCREENSHOT"):
        window.resize(1280, 760)
        qtbot.wait(300)
        window.grab().save(os.environ["SEMDESK_OCR_SCREENSHOT"])
