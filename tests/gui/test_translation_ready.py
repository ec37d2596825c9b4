"""Every user-visible string goes through tr(): with a translator that marks what it translates
(«source»), no window may show a word outside the marks.

A text counts as translated when, after removing every «…» span (placeholders are filled in after
translation, so the data sits inside the marks), no word is left. A few strings are data, not
text: the application's name and what the core measures or names (listed in ALLOWED below).
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QMenu,
    QTabBar,
    QWidget,
)

from desktop.core.common.records import FolderSummary
from desktop.gui.library.sidebar import Tone, folder_state

ALLOWED = {"semdesk"}  # the application's name (window title, About)
# The core's measured figures (text encoders, text models) and the values a setting suggests (model names),
# shown as they are.
DATA_OBJECTS = {"encoderFigures", "modelChoices", "suggestedValues"}


class MarkingTranslator(QTranslator):
    """Translates every source text of every context into «source»."""

    def translate(self, context: str, source: str, disambiguation: str | None = None, n: int = -1) -> str:
        return f"«{source}»" if source else source

    def isEmpty(self) -> bool:
        return False


@pytest.fixture
def marking(qapp: QApplication):
    translator = MarkingTranslator()
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def unmarked(text: str) -> str:
    """What is left of `text` once markup, the marked spans and allowed data are taken out."""
    plain = re.sub(r"<[^>]*>", " ", text).replace("&", "")
    while True:
        inner = re.sub(r"«[^«»]*»", " ", plain)
        if inner == plain:
            break
        plain = inner
    # A translated help line is split in two for a checkbox and its caption (setting_fields.check_parts):
    # each piece holds one end of the marks.
    plain = re.sub(r"«[^«»]*$", " ", re.sub(r"^[^«»]*»", " ", plain))
    for word in ALLOWED:
        plain = plain.replace(word, " ")
    return plain if re.search(r"[^\W\d_]{2,}", plain) else ""


def menu_texts(menu: QMenu, where: str) -> list[tuple[str, str]]:
    found = [(f"{where} menu title", menu.title())]
    for action in menu.actions():
        if action.menu() is not None:
            found += menu_texts(action.menu(), where)
        elif not action.isSeparator():
            found += [(f"{where} action", action.text()), (f"{where} action tip", action.toolTip())]
    return found


def shown_texts(root: QWidget) -> list[tuple[str, str]]:
    """(what, text) of everything a user can read in `root` now: titles, labels, buttons, tabs,
    items of lists to pick from, placeholders, tooltips and the actions of its menus."""
    found: list[tuple[str, str]] = [("window title", root.windowTitle())]
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible() or widget.objectName() in DATA_OBJECTS:
            continue
        kind = type(widget).__name__
        if widget.toolTip():
            found.append((f"{kind} tooltip", widget.toolTip()))
        if isinstance(widget, QLabel | QAbstractButton):
            found.append((kind, widget.text()))
        elif isinstance(widget, QGroupBox):
            found.append((kind, widget.title()))
        elif isinstance(widget, QTabBar):
            found += [(kind, widget.tabText(i)) for i in range(widget.count())]
        elif isinstance(widget, QComboBox):
            found += [(kind, widget.itemText(i)) for i in range(widget.count())]
        elif isinstance(widget, QLineEdit):
            found.append((f"{kind} placeholder", widget.placeholderText()))
        for action in widget.actions():  # context menus
            if action.menu() is None and not action.isSeparator():
                found.append((f"{kind} action", action.text()))
    menu_bar = getattr(root, "menuBar", None)
    if callable(menu_bar):
        for action in menu_bar().actions():
            if action.menu() is not None:
                found += menu_texts(action.menu(), "menu bar")
    return found


def assert_all_marked(root: QWidget, at_least: int = 5) -> None:
    shown = [(what, text) for what, text in shown_texts(root) if text]
    assert len(shown) >= at_least, shown  # the check looked at the window, not at nothing
    left = [(what, text) for what, text in shown if unmarked(text)]
    assert not left, "not through tr():\n" + "\n".join(f"  {what}: {text!r}" for what, text in left)


def test_the_marking_check_can_fail(marking: MarkingTranslator) -> None:
    assert unmarked("Up to date") and unmarked("«3 items» · up to date") and unmarked("<b>Open</b>")
    assert not unmarked(QCoreApplication.translate("x", "Up to date"))
    assert not unmarked(QCoreApplication.translate("x", "Similar to “{label}”").format(label="cake recipes"))
    assert not unmarked("semdesk") and not unmarked("12,345 · 67") and not unmarked("«run CLIP") and unmarked("Fit")


def test_sidebar_colours_by_its_tone_role_not_the_translated_words(marking: MarkingTranslator) -> None:
    summary = FolderSummary(folder_id=1, path="/home/me/docs", counts={"indexed": 3, "skipped": 2}, scanned_at=1.0)
    text, tone = folder_state(summary, indexing=False)
    assert tone == Tone.ATTENTION and text == "«3 items» · «2 errors»"  # placeholders filled after translation
    summary = FolderSummary(folder_id=1, path="/home/me/docs", counts={"indexed": 3}, scanned_at=1.0)
    text, tone = folder_state(summary, indexing=False)
    assert tone == Tone.NORMAL and not unmarked(text)


def test_every_window_shows_only_translated_text(qtbot, make_window, tmp_path, marking: MarkingTranslator) -> None:
    window = make_window(tmp_path / "library")  # an empty library: no models, nothing to index
    assert_all_marked(window, at_least=60)  # menus, sidebar, search bar, tabs, status bar

    window.show_settings()
    dialog = window.settings_dialog
    qtbot.waitExposed(dialog)
    assert dialog.advanced_button is not None
    dialog.advanced_button.setChecked(True)  # the folded Advanced group too
    assert_all_marked(dialog)
    dialog.reject()

    window.tabs.setCurrentIndex(window.tabs.indexOf(window.map_tab))
    tab = window.map_tab
    qtbot.waitUntil(lambda: tab.current is not None and tab.running is None, timeout=30000)
    assert_all_marked(window)

    window.menu.duplicates.trigger()
    duplicates = window.duplicates_window
    qtbot.waitExposed(duplicates)
    qtbot.waitUntil(duplicates.find_button.isEnabled, timeout=30000)
    assert_all_marked(duplicates)
    duplicates.close()

    window.menu.improve.trigger()
    wizard = window.tune_wizard
    qtbot.waitExposed(wizard)
    qtbot.wait(200)  # the marks page reads the (empty) list of marks on a worker
    assert_all_marked(wizard)
    wizard.reject()

    window.menu.model_versions.trigger()
    versions = window.models_dialog
    qtbot.waitExposed(versions)
    qtbot.wait(200)
    assert_all_marked(versions)
    versions.reject()
