"""Settings, built from the core's one declarative table (desktop.core.common.settings.SETTINGS).

Every setting gets an editor matching its type, with the core's help text under it, so a
setting added to the core shows up here without GUI changes. Changing a model offers to
re-index with it (that re-embeds everything, with the usual progress and Cancel).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import SemdeskError
from desktop.core.common.settings import SETTINGS

SECTIONS = [
    ("Models", ["text_model", "clip_model", "clip_pretrained", "clip_weights"]),
    ("Indexing", ["exclude", "include_hidden", "follow_symlinks", "max_text_mb", "max_image_megapixels"]),
    ("Photos", ["thumbnail_size"]),
    ("Speed", ["text_int8", "clip_openvino"]),
]
LABELS = {
    "text_model": "Text model", "clip_model": "Photo (CLIP) model", "clip_pretrained": "CLIP pretrained tag",
    "clip_weights": "CLIP weights file", "exclude": "Skip files matching", "include_hidden": "Hidden files",
    "follow_symlinks": "Symbolic links", "max_text_mb": "Largest document (MB)",
    "max_image_megapixels": "Largest photo (megapixels)", "thumbnail_size": "Thumbnail size (pixels)",
    "text_int8": "Fast text model", "clip_openvino": "Fast photo model",
}
# Changing these changes the vectors: the library must be re-read. (clip_openvino does not: same space.)
MODEL_KEYS = {"text_model", "clip_model", "clip_pretrained", "clip_weights", "text_int8"}
INT_RANGES = {"thumbnail_size": (64, 1024), "max_text_mb": (1, 2048), "max_image_megapixels": (1, 1000)}


class SettingsDialog(QDialog):
    reindex_requested = Signal()
    saved = Signal()

    def __init__(self, library: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(640, 620)
        self.library = library
        self.values: dict[str, Any] = library.settings()
        self.editors: dict[str, QWidget] = {}
        content = QWidget()
        column = QVBoxLayout(content)
        listed = {key for _, keys in SECTIONS for key in keys}
        sections = [*SECTIONS, ("Advanced", [k for k in SETTINGS if k not in listed])]
        for title, keys in sections:
            box = QGroupBox(title)
            form = QFormLayout(box)
            for key in keys:
                if key in SETTINGS:
                    form.addRow(LABELS.get(key, key.replace("_", " ").capitalize()), self._row(key))
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _row(self, key: str) -> QWidget:
        definition = SETTINGS[key]
        value = self.values.get(key, definition.default)
        default = definition.default
        # A checkbox line does not wrap: what follows a colon in the help goes to the caption below.
        check_text, _, caption_text = definition.help.partition(": ")
        if isinstance(default, bool):
            editor: QWidget = QCheckBox(check_text[:1].upper() + check_text[1:])
            editor.setChecked(bool(value))
        elif isinstance(default, int):
            editor = QSpinBox()
            low, high = INT_RANGES.get(key, (1, 100000))
            editor.setRange(low, high)
            editor.setValue(int(value))
        else:
            editor = QLineEdit(", ".join(value) if isinstance(value, list) else str(value or ""))
            if key == "clip_weights":
                editor.setPlaceholderText("none — looked up in the Hugging Face cache")
        editor.setToolTip(definition.help)
        self.editors[key] = editor
        holder = QWidget()
        rows = QVBoxLayout(holder)
        rows.setContentsMargins(0, 0, 0, 4)
        rows.setSpacing(2)
        if key == "clip_weights":
            line = QHBoxLayout()
            line.addWidget(editor, 1)
            browse = QPushButton("Browse…")
            browse.clicked.connect(self._browse_weights)
            line.addWidget(browse)
            rows.addLayout(line)
        else:
            rows.addWidget(editor)
        caption_text = caption_text if isinstance(default, bool) else definition.help
        if caption_text:
            caption = QLabel(caption_text)
            caption.setWordWrap(True)
            caption.setStyleSheet("color: palette(mid);")
            rows.addWidget(caption)
        return holder

    def _browse_weights(self) -> None:
        from desktop.gui.menus import WEIGHT_FILTER

        path, _ = QFileDialog.getOpenFileName(self, "Choose CLIP weights", "", WEIGHT_FILTER)
        if path:
            editor = self.editors["clip_weights"]
            assert isinstance(editor, QLineEdit)
            editor.setText(path)

    def value_of(self, key: str) -> Any:
        editor = self.editors[key]
        if isinstance(editor, QCheckBox):
            return editor.isChecked()
        if isinstance(editor, QSpinBox):
            return editor.value()
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if isinstance(SETTINGS[key].default, list):
            return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]
        return text

    def restore_defaults(self) -> None:
        for key, editor in self.editors.items():
            default = SETTINGS[key].default
            if isinstance(editor, QCheckBox):
                editor.setChecked(bool(default))
            elif isinstance(editor, QSpinBox):
                editor.setValue(int(default))
            elif isinstance(editor, QLineEdit):
                editor.setText(", ".join(default) if isinstance(default, list) else str(default))

    def changes(self) -> dict[str, Any]:
        return {key: self.value_of(key) for key in self.editors if self.value_of(key) != self.values.get(key)}

    def apply(self) -> dict[str, Any] | None:
        """Store the changed settings; None (with the reason shown) when one was refused."""
        changed = self.changes()
        for key, value in changed.items():
            try:
                self.library.set_setting(key, value)
            except (SemdeskError, ValueError) as error:
                self.error.setText(f"{LABELS.get(key, key)}: {error}")
                self.error.show()
                self.editors[key].setFocus()
                return None
            self.values[key] = value
        return changed

    def accept(self) -> None:
        changed = self.apply()
        if changed is None:
            return
        super().accept()
        if changed:
            self.saved.emit()
        if MODEL_KEYS & changed.keys() and self.ask_reindex():
            self.reindex_requested.emit()

    def ask_reindex(self) -> bool:
        answer = QMessageBox.question(
            self.parentWidget(), "Re-index with the new model?",
            "The library's items were read with the previous model. Re-index now so that search uses the new "
            "one? This runs in the background and can be cancelled.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes
