"""The first three pages of the tuning wizard: your marks, what to improve, settings.

Pages read and write the wizard's state (`wizard.state`); work that touches the library
goes through the wizard (desktop.gui.tuning.state.WizardControl), never on the UI thread.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop.core.common.records import MarkRecord
from desktop.core.library import MIN_MARKED_QUERIES as MIN_QUERIES
from desktop.core.library import tune_defaults
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.tuning.state import WizardControl

GOOD_QUERIES = 10
KINDS = {"text": QT_TRANSLATE_NOOP("MarksPage", "documents"), "image": QT_TRANSLATE_NOOP("MarksPage", "photos")}
RIGHT, WRONG = "✓", "✗"  # the platform's fonts have these; colour emoji fonts are often missing


def wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MarksPage(QWizardPage):
    """Per search: how many 👍 and 👎; a mark can be removed; guidance when there are too few."""

    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Your marks"))
        self.setSubTitle(self.tr("semdesk learns from the results you marked right (✓) or wrong (✗) while searching."))
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("Search"), self.tr("Right ✓"), self.tr("Wrong ✗"), self.tr("Kind")])
        self.tree.setColumnWidth(0, 380)
        self.tree.setRootIsDecorated(True)
        self.remove = QPushButton(self.tr("Remove Mark"))
        self.remove.setEnabled(False)
        self.remove.clicked.connect(self.remove_selected)
        self.tree.itemSelectionChanged.connect(lambda: self.remove.setEnabled(bool(self.tree.selectedItems())))
        self.guidance = wrapped()
        buttons = QHBoxLayout()
        buttons.addWidget(self.guidance, 1)
        buttons.addWidget(self.remove, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        self.wiz.load_marks()

    def show_marks(self) -> None:
        self.tree.clear()
        per_query: dict[tuple[str, str], list[MarkRecord]] = defaultdict(list)
        for mark in self.wiz.state.marks:
            per_query[(mark.query, mark.kind)].append(mark)
        for (query, kind), marks in sorted(per_query.items()):
            up = sum(m.relevant for m in marks)
            parent = QTreeWidgetItem([query, str(up), str(len(marks) - up),
                                      self.tr(KINDS[kind]) if kind in KINDS else kind])
            parent.setData(0, Qt.ItemDataRole.UserRole, [m.mark_id for m in marks])
            for m in marks:
                verdict = [RIGHT, ""] if m.relevant else ["", WRONG]
                child = QTreeWidgetItem([Path(m.path).name, *verdict, ""])
                child.setToolTip(0, m.passage or m.path)
                child.setData(0, Qt.ItemDataRole.UserRole, [m.mark_id])
                parent.addChild(child)
            self.tree.addTopLevelItem(parent)
        if len(self.wiz.state.marks) <= 40:  # a short list reads best open; a long one as a summary
            self.tree.expandAll()
        counts = self.wiz.state.queries_per_kind()
        best = max(counts.values(), default=0)
        tr = self.tr
        parts = [tr("{count} searches with a right result marked on {kind}").format(count=n, kind=tr(KINDS[k]))
                 for k, n in counts.items() if n]
        text = tr("{found}.").format(found=", ".join(parts)) if parts else \
            tr("No searches with a right result marked yet.")
        if best < MIN_QUERIES:
            text += " " + tr("Training needs at least {count} searches with a right result marked. Search, then "
                             "mark the right results (and a wrong one each, which helps most) for a few more."
                             ).format(count=MIN_QUERIES)
        elif best < GOOD_QUERIES:
            text += " " + tr("That is enough to try; {count} more marked searches would make the test "
                             "more trustworthy and the learning broader.").format(count=GOOD_QUERIES - best)
        else:
            text += " " + tr("That is plenty to learn from.")
        self.guidance.setText(text)
        self.completeChanged.emit()

    def remove_selected(self) -> None:
        ids = [i for item in self.tree.selectedItems() for i in item.data(0, Qt.ItemDataRole.UserRole)]
        if ids:
            self.wiz.remove_marks(ids)

    def isComplete(self) -> bool:
        return max(self.wiz.state.queries_per_kind().values(), default=0) >= MIN_QUERIES


class TargetPage(QWizardPage):
    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("What to improve"))
        self.setSubTitle(self.tr("Choose which results the new model should rank better."))
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        self.notes: dict[str, QLabel] = {}
        layout = QVBoxLayout(self)
        for key, text in (("text", self.tr("Documents")), ("image", self.tr("Photos")),
                          ("both", self.tr("Both documents and photos"))):
            button = QRadioButton(text)
            self.buttons[key] = button
            self.group.addButton(button)
            button.toggled.connect(self.completeChanged)
            self.notes[key] = note = wrapped()
            note.setContentsMargins(24, 0, 0, 8)
            layout.addWidget(button)
            layout.addWidget(note)
        layout.addStretch(1)

    def initializePage(self) -> None:
        counts = self.wiz.state.queries_per_kind()
        problem = self.wiz.state.clip_problem
        tr = self.tr
        self.notes["text"].setText(tr("The text model learns from {count} marked searches. Afterwards every passage "
                                      "is embedded again, in the background.").format(count=counts.get("text", 0)))
        photo_note = tr("Only the text side of the photo model learns, from {count} marked searches; your photos "
                        "are not processed again.").format(count=counts.get("image", 0))
        self.notes["image"].setText(photo_note if problem is None
                                    else tr("Not available: {problem}").format(problem=problem))
        self.notes["both"].setText(tr("One after the other; you can keep or discard them together."))
        ok = {"text": counts.get("text", 0) >= MIN_QUERIES,
              "image": counts.get("image", 0) >= MIN_QUERIES and problem is None}
        ok["both"] = ok["text"] and ok["image"]
        for key, button in self.buttons.items():
            button.setEnabled(ok[key])
        if not any(b.isChecked() and b.isEnabled() for b in self.buttons.values()):
            first = next((k for k in ("text", "image") if ok[k]), None)
            if first:
                self.buttons[first].setChecked(True)

    def target(self) -> str:
        return next((k for k, b in self.buttons.items() if b.isChecked()), "text")

    def isComplete(self) -> bool:
        return any(b.isChecked() and b.isEnabled() for b in self.buttons.values())

    def validatePage(self) -> bool:
        self.wiz.state.target = self.target()
        return True


class SettingsPage(QWizardPage):
    """Sensible defaults in front; learning rate and batch size folded away under Advanced."""

    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(self.tr("Settings"))
        self.setSubTitle(self.tr("The defaults suit most collections. More passes learn more from few marks, "
                                 "but take longer and can over-fit."))
        self.epochs: dict[str, QSpinBox] = {}
        self.rates: dict[str, QDoubleSpinBox] = {}
        self.batches: dict[str, QSpinBox] = {}
        self.columns: dict[str, list[QWidget]] = {"text": [], "image": []}
        basic, advanced = QGridLayout(), QGridLayout()
        basic.addWidget(QLabel(self.tr("Passes over your marks (epochs):")), 1, 0)
        advanced.addWidget(QLabel(self.tr("Learning rate:")), 0, 0)
        advanced.addWidget(QLabel(self.tr("Examples per step (batch size):")), 1, 0)
        for col, (target, title) in enumerate((("text", self.tr("Documents")), ("image", self.tr("Photos"))), 1):
            self._add_column(basic, advanced, col, target, title)
        self.more = QToolButton()
        self.more.setText(self.tr("Advanced settings"))
        self.more.setCheckable(True)
        self.more.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.more.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced = QGroupBox()
        self.advanced.setLayout(advanced)
        self.advanced.setVisible(False)
        self.more.toggled.connect(self.fold)
        self.restore = QPushButton(self.tr("Restore Defaults"))
        self.restore.clicked.connect(self.set_defaults)
        # How long the run will take, said before Next starts it (issue 13).
        self.estimate = QLabel()
        self.estimate.setObjectName("tuningEstimate")
        self.estimate.setWordWrap(True)
        for spin in self.epochs.values():
            spin.valueChanged.connect(lambda _v: self.update_estimate())
        for grid in (basic, advanced):
            grid.setColumnStretch(3, 1)  # fields stay narrow, at the left
            grid.setColumnMinimumWidth(0, 260)
        layout = QVBoxLayout(self)
        layout.addLayout(basic)
        layout.addSpacing(12)
        layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.advanced)
        layout.addStretch(1)
        layout.addWidget(self.estimate)
        layout.addWidget(self.restore, 0, Qt.AlignmentFlag.AlignRight)
        self.set_defaults()

    def _add_column(self, basic: QGridLayout, advanced: QGridLayout, col: int, target: str, title: str) -> None:
        """One model's fields: its passes in front, its learning rate and batch size under Advanced."""
        heading = QLabel(f"<b>{title}</b>")
        self.epochs[target] = epochs = QSpinBox()
        epochs.setRange(1, 200)
        epochs.setMaximumWidth(140)
        self.rates[target] = rate = QDoubleSpinBox()
        rate.setDecimals(6)
        rate.setRange(1e-6, 1e-2)
        rate.setSingleStep(1e-5)
        self.batches[target] = batch = QSpinBox()
        batch.setRange(2, 256)
        rate.setMaximumWidth(140)
        batch.setMaximumWidth(140)
        basic.addWidget(heading, 0, col)
        basic.addWidget(epochs, 1, col)
        advanced.addWidget(rate, 0, col)
        advanced.addWidget(batch, 1, col)
        self.columns[target] = [heading, epochs, rate, batch]

    def fold(self, open_: bool) -> None:
        self.advanced.setVisible(open_)
        self.more.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

    def set_defaults(self) -> None:
        defaults = tune_defaults()
        for target, spin in self.epochs.items():
            spin.setValue(defaults[target].epochs)
            self.rates[target].setValue(defaults[target].learning_rate)
            self.batches[target].setValue(defaults[target].batch_size)

    def initializePage(self) -> None:
        for target, widgets in self.columns.items():
            for widget in widgets:
                widget.setVisible(self.wiz.state.target in (target, "both"))
        self.update_estimate()

    def update_estimate(self) -> None:
        targets = ["text", "image"] if self.wiz.state.target == "both" else [self.wiz.state.target]
        self.wiz.estimate({t: self.epochs[t].value() for t in targets}, self.estimate.setText)

    def validatePage(self) -> bool:
        defaults = tune_defaults()
        self.wiz.state.settings = {
            t: replace(defaults[t], epochs=self.epochs[t].value(), learning_rate=self.rates[t].value(),
                       batch_size=self.batches[t].value())
            for t in self.epochs
        }
        return True
