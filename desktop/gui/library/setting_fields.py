"""One editor per setting, chosen from its declaration (desktop.core.common.settings.Setting).

A yes/no setting is a checkbox, a number a spin box bounded by the setting's minimum and maximum,
a setting with choices a list to pick from, a list or a text a line; a setting that names a file
gets a Browse button. Each carries the setting's help as its tooltip and caption.

The core declares the labels, help, choices and section names in English with no Qt; they are the
source text of the translation context "settings", translated here when they are shown.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
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


LABEL_WIDTH = 240  # px: a longer row label wraps


class CheckText(QLabel):
    """A check box's words as a label that wraps: a QCheckBox's own text never wraps, and one long line
    ("Check the folders by a periodic scan instead of the system's change notices") made the Settings
    form wider than its window, cutting the fields and their captions off (issue 24). A click on the
    words ticks the box, as a click on a check box's own text does."""

    def __init__(self, box: QCheckBox) -> None:
        super().__init__(box.text())
        self.box = box
        self.setWordWrap(True)
        self.setBuddy(box)
        box.setAccessibleName(box.text())
        box.setText("")

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.box.isEnabled():
            self.box.toggle()
            self.box.setFocus()


def form_label(text: str) -> QLabel:
    """A row's label: wraps rather than widen the form when it is long (or long once translated)."""
    label = QLabel(text)
    label.setWordWrap(True)
    natural = label.fontMetrics().horizontalAdvance(text) + 2
    label.setMinimumWidth(min(natural, LABEL_WIDTH))  # short ones stay on one line
    label.setMaximumWidth(LABEL_WIDTH)
    return label


def setting_text(text: str) -> str:
    """A label, help line, choice or section name declared in desktop.core.common.settings, translated."""
    return QCoreApplication.translate("settings", text) if text else text


def tr(text: str) -> str:
    return QCoreApplication.translate("SettingFields", text)


def label_of(setting: Setting) -> str:
    return setting_text(setting.label or setting.key.replace("_", " ").capitalize())


def help_of(setting: Setting) -> str:
    return setting_text(setting.help)


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
        check_text = check_parts(help_of(setting))[0]
        check = QCheckBox(check_text[:1].upper() + check_text[1:])
        check.setChecked(bool(value))
        editor: QWidget = check
    elif setting.choices:
        editor = QComboBox()
        for choice in setting.choices:  # shown translated, stored as declared
            editor.addItem(setting_text(choice), choice)
        show_value(editor, value)
    elif setting.suggestions:
        editor = QComboBox()
        editor.setEditable(True)  # the suggestions, or any other text (a folder, a model name)
        editor.setObjectName("suggestedValues")  # values (model names), not text to translate
        editor.addItems(list(setting.suggestions))
        editor.setCurrentText(str(value or ""))
    elif isinstance(default, int):
        editor = NumberField()
        editor.setRange(setting.minimum if setting.minimum is not None else 0,
                        setting.maximum if setting.maximum is not None else 1_000_000)
        editor.setValue(int(value))
    else:
        editor = QLineEdit(", ".join(value) if isinstance(value, list) else str(value or ""))
        if setting.picks_file:
            editor.setPlaceholderText(tr("none — looked up in the Hugging Face cache") if setting.resets == "clip"
                                      else tr("none"))
    editor.setToolTip(help_of(setting))
    return editor


def editor_value(setting: Setting, editor: QWidget) -> Any:
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QSpinBox):
        return editor.value()
    if isinstance(editor, QComboBox):
        value = None if editor.isEditable() else editor.currentData()  # typed text wins in an editable list
        return editor.currentText().strip() if value is None else value
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
        row = editor.findData(str(value))
        if row >= 0:
            editor.setCurrentIndex(row)
        else:
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
        browse = QPushButton(tr("Browse…"))
        browse.clicked.connect(lambda: _browse(setting, editor))
        line.addWidget(browse)
        rows.addLayout(line)
    elif isinstance(editor, QCheckBox):
        line = QHBoxLayout()
        line.addWidget(editor, 0, Qt.AlignmentFlag.AlignTop)
        line.addWidget(CheckText(editor), 1)
        rows.addLayout(line)
    else:
        rows.addWidget(editor)
    caption_text = check_parts(help_of(setting))[1] if isinstance(setting.default, bool) else help_of(setting)
    if caption_text:
        caption = QLabel(caption_text)
        caption.setWordWrap(True)
        caption.setStyleSheet("color: palette(mid);")
        rows.addWidget(caption)
    return holder


def _browse(setting: Setting, editor: QLineEdit) -> None:
    weights_filter = QCoreApplication.translate("PhotoModelSetup", WEIGHT_FILTER)  # marked there
    title, filters = ((tr("Choose CLIP weights"), weights_filter) if setting.resets == "clip"
                      else (tr("Choose: {setting}").format(setting=label_of(setting)), tr("All files (*)")))
    path, _ = QFileDialog.getOpenFileName(editor, title, "", filters)
    if path:
        editor.setText(path)
