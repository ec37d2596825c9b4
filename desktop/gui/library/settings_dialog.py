"""Settings, generated from the core's one declaration (desktop.core.common.settings.SETTINGS).

Each setting's declaration gives its label, its group (plain groups first, the technical ones
under Advanced, folded away), its bounds and help; a setting added to the core shows up here
without GUI changes. Changing one that re-embeds offers to re-index (that re-reads everything,
with the usual progress and Cancel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import SemdeskError, describe
from desktop.core.common.settings import SECTIONS, SETTINGS
from desktop.gui.common.workers import Workers
from desktop.gui.library.setting_fields import (
    editor_value,
    field_row,
    form_label,
    label_of,
    make_editor,
    setting_text,
    show_value,
)

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi, SettingValue

ADVANCED = "Advanced"  # the core's section name (source text; shown through setting_text)


class SettingsDialog(QDialog):
    reindex_requested = Signal()
    model_switch_requested = Signal(str)  # a setting that `switches`: the new value, switched in the background
    saved = Signal()

    def __init__(self, library: LibraryApi, parent: QWidget | None = None, workers: Workers | None = None) -> None:
        super().__init__(parent)
        # With workers, Save stores the settings on the catalog thread: a photo-model file is loaded to be
        # checked before it is accepted (seconds for real CLIP weights), and the window must not freeze.
        self.workers = workers
        self.setWindowTitle(self.tr("Settings"))
        self.resize(640, 620)
        self.library = library
        self.values: dict[str, SettingValue] = library.settings()
        self.editors: dict[str, QWidget] = {}
        self.advanced_button: QToolButton | None = None
        content = QWidget()
        column = QVBoxLayout(content)
        for section in sorted(SECTIONS, key=lambda s: s == ADVANCED):  # Advanced last
            keys = [key for key, s in SETTINGS.items() if s.section == section]
            if not keys:
                continue
            box = QGroupBox("" if section == ADVANCED else setting_text(section))
            form = QFormLayout(box)
            for key in keys:
                editor = self.editors[key] = make_editor(SETTINGS[key], self.values.get(key, SETTINGS[key].default))
                form.addRow(form_label(label_of(SETTINGS[key])), field_row(SETTINGS[key], editor))
            if section == "Models":
                form.addRow(self._model_choices())
            if section == "Speed":
                form.addRow(self._encoder_figures())
            if section == "Photos":
                form.addRow(self._ocr_cost())
            if section == ADVANCED:
                column.addWidget(self._fold(box))
            column.addWidget(box)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the form fits; captions wrap
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
        self.buttons = buttons
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _encoder_figures(self) -> QLabel:
        """What the text encoders measured on this computer, and which one runs (read, not measured)."""
        figures = QLabel(self.library.text_encoder_report())
        figures.setObjectName("encoderFigures")
        figures.setWordWrap(True)
        figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures.setStyleSheet("font-family: monospace; color: palette(mid);")
        return figures

    def _ocr_cost(self) -> QLabel:
        """What OCR has cost per 1,000 photos here, from what it measured while reading (not measured now)."""
        cost = QLabel(self.ocr_cost_text(self.library.ocr_report()))
        cost.setObjectName("ocrCost")
        cost.setWordWrap(True)
        cost.setStyleSheet("color: palette(mid);")
        return cost

    def ocr_cost_text(self, figures: dict[str, tuple[int, float]]) -> str:
        if not figures:
            return self.tr("What OCR costs shows here once it has read photos of this library.")
        parts = []
        for status, what in (("none", self.tr("without text")), ("text", self.tr("with text"))):
            if status in figures:
                count, mean = figures[status]
                photos = self.tr("1 photo") if count == 1 else self.tr("{count} photos").format(count=f"{count:,}")
                parts.append(self.tr("{photos} {what}: {seconds} s each, {total} per 1,000").format(
                    photos=photos, what=what, seconds=f"{mean:.2f}", total=self.duration(mean * 1000)))
        return self.tr("OCR on this computer so far: {parts} (reading time; decoding adds a little).").format(
            parts="; ".join(parts))

    def duration(self, seconds: float) -> str:
        if seconds < 120:
            return self.tr("{n} s").format(n=f"{seconds:.0f}")
        if seconds < 7200:
            return self.tr("{n} minutes").format(n=f"{seconds / 60:.0f}")
        return self.tr("{n} hours").format(n=f"{seconds / 3600:.1f}")

    def _model_choices(self) -> QLabel:
        """Fast and Accurate (and the folder in use): available here or how to get them, what each costs
        on this computer and the quality the bench measured (read only: nothing is measured)."""
        lines = []
        for choice in self.library.text_model_choices():
            state = self.tr("in use") if choice.active else (
                self.tr("available") if choice.available else self.tr("not on this computer"))
            lines.append(f"{setting_text(choice.label)}: {choice.name} ({state})")
            lines.append(f"  {choice.cost()}")
            lines.append(f"  nDCG@10 {choice.quality}")
        figures = QLabel("\n".join(lines))
        figures.setObjectName("modelChoices")
        figures.setWordWrap(True)
        figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures.setStyleSheet("color: palette(mid);")
        return figures

    def _fold(self, box: QGroupBox) -> QToolButton:
        """The Advanced group starts folded; its heading opens it."""
        button = QToolButton()
        button.setText(setting_text(ADVANCED))
        button.setCheckable(True)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        button.setArrowType(Qt.ArrowType.RightArrow)
        button.setAutoRaise(True)

        def fold(open_: bool) -> None:
            box.setVisible(open_)
            button.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

        button.toggled.connect(fold)
        fold(False)
        self.advanced_button = button
        return button

    def value_of(self, key: str) -> SettingValue:
        value: SettingValue = editor_value(SETTINGS[key], self.editors[key])  # an editor made for its setting
        return value

    def restore_defaults(self) -> None:
        for key, editor in self.editors.items():
            show_value(editor, SETTINGS[key].default)

    def changes(self) -> dict[str, SettingValue]:
        return {key: self.value_of(key) for key in self.editors if self.value_of(key) != self.values.get(key)}

    def store(self, changed: dict[str, SettingValue]) -> tuple[str, str] | None:
        """Store the changes through the core, in order; the first one refused and why, else None. Runs on
        a worker when the dialog has one (nothing here touches a widget)."""
        for key, value in changed.items():
            if SETTINGS[key].switches:  # stored by the switch when the new vectors are complete
                continue
            try:
                self.library.set_setting(key, value)
            except (SemdeskError, ValueError) as error:
                return key, str(error)
        return None

    def stored(self, changed: dict[str, SettingValue], refused: tuple[str, str] | None) -> bool:
        """Show what storing the changes came to: the refusal next to its field, or the new values kept."""
        self.buttons.setEnabled(True)
        if refused is None:
            self.values.update({k: v for k, v in changed.items() if not SETTINGS[k].switches})
            return True
        key, why = refused
        self.values.update({k: v for k, v in list(changed.items())[: list(changed).index(key)]
                            if not SETTINGS[k].switches})
        self.error.setStyleSheet("color: #b91c1c;")
        self.error.setText(self.tr("{setting}: {error}").format(setting=label_of(SETTINGS[key]), error=why))
        self.error.show()
        if SETTINGS[key].section == ADVANCED and self.advanced_button is not None:
            self.advanced_button.setChecked(True)
        self.editors[key].setFocus()
        return False

    def apply(self) -> dict[str, SettingValue] | None:
        """Store the changed settings here and now; None (with the reason shown) when one was refused."""
        changed = self.changes()
        return changed if self.stored(changed, self.store(changed)) else None

    def accept(self) -> None:
        if self.workers is None:
            changed = self.apply()
            if changed is not None:
                self.finish(changed)
            return
        changed = self.changes()
        self.buttons.setEnabled(False)  # one save at a time
        self.error.setStyleSheet("color: palette(mid);")
        self.error.setText(self.tr("Saving…"))
        self.error.show()

        def done(refused: tuple[str, str] | None) -> None:
            if self.stored(changed, refused):
                self.error.hide()
                self.finish(changed)

        def failed(error: BaseException) -> None:  # not a refusal: something went wrong; said in plain words
            if changed:
                self.stored(changed, (next(iter(changed)), describe(error)))
            else:
                self.buttons.setEnabled(True)

        self.workers.submit(self.workers.catalog, self.store, changed, done=done, failed=failed)

    def finish(self, changed: dict[str, SettingValue]) -> None:
        super().accept()
        if changed:
            self.saved.emit()
        for key in changed:
            if SETTINGS[key].switches:
                self.model_switch_requested.emit(changed[key])
        if any(SETTINGS[key].reembeds and not SETTINGS[key].switches for key in changed) and self.ask_reindex():
            self.reindex_requested.emit()

    def ask_reindex(self) -> bool:
        answer = QMessageBox.question(
            self.parentWidget(), self.tr("Re-index with the new model?"),
            self.tr("The library's items were read with the previous model. Re-index now so that search uses the "
                    "new one? This runs in the background and can be cancelled."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes
