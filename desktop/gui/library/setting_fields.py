"""One editor per setting, chosen from its declaration (desktop.core.common.settings.Setting).

A yes/no setting is a checkbox, a number a spin box bounded by the setting's minimum and maximum,
a setting with choices a list to pick from, a list or a text a line; a setting that names a file
gets a Browse button. Each carries the setting's help as its tooltip and caption.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.settings import Setting
from desktop.gui.library.photo_model import WEIGHT_FILTER


class NumberField(QSpinBox):
    """A spin box that the mouse wheel changes only once it has focus: scrolling the form past
    it must scroll the form, not change the number under the pointer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # a wheel turn alone does not focus it

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # handed on to the scroll area around the form


def label_of(setting: Setting) -> str:
    return setting.label or setting.key.replace("_", " ").capitalize()


def check_parts(help_text: str) -> tuple[str, str]:
    """(checkbox text, caption): a checkbox does not wrap, so only the help's first clause goes on it
    (up to ": ", or before a closing "(...)"); the rest wraps below. A long checkbox line made the Settings form wider
    than its window (issue 13's screenshot tour)."""
    head, found, tail = help_text.partition(": ")
    if found:
        return head, tail
    if help_text.endswith(")") and " (" in help_text:
        head, _, tail = help_text.rpartition(" (")
        return head, tail[:-1]
    return help_text, ""


def make_editor(setting: Setting, value: Any) -> QWidget:
    default = setting.default
    if isinstance(default, bool):
        # A checkbox line does not wrap: what follows a colon in the help goes to the caption below.
        check_text = check_parts(setting.help)[0]
        editor: QWidget = QCheckBox(check_text[:1].upper() + check_text[1:])
        editor.setChecked(bool(value))
    elif setting.choices:
        editor = QComboBox()
        editor.addItems(list(setting.choices))
        editor.setCurrentText(str(value))
    elif isinstance(default, int):
        editor = NumberField()
        editor.setRange(setting.minimum if setting.minimum is not None else 0,
                        setting.maximum if setting.maximum is not None else 1_000_000)
        editor.setValue(int(value))
    else:
        editor = QLineEdit(", ".join(value) if isinstance(value, list) else str(value or ""))
        if setting.picks_file:
            editor.setPlaceholderText("none — looked up in the Hugging Face cache" if setting.resets == "clip"
                                      else "none")
    editor.setToolTip(setting.help)
    return editor


def editor_value(setting: Setting, editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        return editor.currentText()
    assert isinstance(editor, QLineEdit)
    text = editor.text().strip()
    if isinstance(setting.default, list):
        return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
    return text


def show_value(editor: QWidget, value: Any) -> None:
    if isinstance(editor, QCheckBox):
        editor.setChecked(bool(value))
    elif isinstance(editor, QSpinBox):
        editor.setValue(int(value))
    elif isinstance(editor, QComboBox):
        editor.setCurrentText(str(value))
    elif isinstance(editor, QLineEdit):
        editor.setText(", ".join(value) if isinstance(value, list) else str(value))


def field_row(setting: Setting, editor: QWidget) -> QWidget:
    """The editor with its Browse button (for a file) and the help as a caption under it."""
    holder = QWidget()
    rows = QVBoxLayout(holder)
    rows.setContentsMargins(0, 0, 0, 4)
    rows.setSpacing(2)
    if setting.picks_file and isinstance(editor, QLineEdit):
        line = QHBoxLayout()
        line.addWidget(editor, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: _browse(setting, editor))
        line.addWidget(browse)
        rows.addLayout(line)
    else:
        rows.addWidget(editor)
    caption_text = check_parts(setting.help)[1] if isinstance(setting.default, bool) else setting.help
    if caption_text:
        caption = QLabel(caption_text)
        caption.setWordWrap(True)
        caption.setStyleSheet("color: palette(mid);")
        rows.addWidget(caption)
    return holder


def _browse(setting: Setting, editor: QLineEdit) -> None:
    title, filters = (("Choose CLIP weights", WEIGHT_FILTER) if setting.resets == "clip"
                      else (f"Choose the {label_of(setting).lower()}", "All files (*)"))
    path, _ = QFileDialog.getOpenFileName(editor, title, "", filters)
    if path:
        editor.setText(path)
