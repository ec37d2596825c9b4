"""The last three pages of the tuning wizard: training, results, keep or discard."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from desktop.core.common.jobs import Progress, format_duration
from desktop.core.library import tuning_outcome, tuning_report
from desktop.gui.common.readable import readable
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.tuning.loss_curve import LossCurve
from desktop.gui.tuning.setup_pages import wrapped
from desktop.gui.tuning.state import WizardControl

SNIPPET_SHOWN = 160  # characters of a passage under each title in the comparison

# Marked for translation here (context TuningPages), translated where they are shown (title()).
TITLES = {"text": QT_TRANSLATE_NOOP("TuningPages", "Documents"), "image": QT_TRANSLATE_NOOP("TuningPages", "Photos")}
PHASES = {"training": QT_TRANSLATE_NOOP("TuningPages", "Training"),
          "measuring": QT_TRANSLATE_NOOP("TuningPages", "Measuring the new model on searches it did not learn from"),
          "preparing": QT_TRANSLATE_NOOP("TuningPages", "Preparing"),
          "saving": QT_TRANSLATE_NOOP("TuningPages", "Saving the new model")}


def tr(text: str) -> str:
    return QCoreApplication.translate("TuningPages", text)


def title(target: str) -> str:
    return tr(TITLES[target]) if target in TITLES else ""


class TrainingPage(QWizardPage):
    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(tr("Training"))
        self.setSubTitle(tr("The new model trains in the background; you can keep searching in the main window."))
        self.phase = QLabel(tr("Starting…"))
        self.bar = QProgressBar()
        self.eta = QLabel()
        self.eta.setObjectName("resultsSummary")
        self.curve = LossCurve()
        self.cancel = QPushButton(tr("Cancel Training"))
        # Never the default or the focused button: Enter or a space meant for the main window threw
        # 3.5 minutes of training away (issue 13). It asks before stopping, too.
        self.cancel.setAutoDefault(False)
        self.cancel.setDefault(False)
        self.cancel.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel.clicked.connect(self.wiz.confirm_cancel_training)
        self.outcome = wrapped()
        self.stopping_now = False  # Stop was confirmed: the run ends after its current step
        row = QHBoxLayout()
        row.addWidget(self.eta, 1)
        row.addWidget(self.cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self.phase)
        layout.addWidget(self.bar)
        layout.addLayout(row)
        layout.addWidget(self.curve, 1)
        layout.addWidget(self.outcome)

    def initializePage(self) -> None:
        self.curve.clear()
        self.outcome.clear()
        self.bar.setRange(0, 0)
        self.phase.setText(tr("Starting…"))
        self.eta.clear()
        self.cancel.setEnabled(True)
        self.stopping_now = False
        self.wiz.start_training()

    def cleanupPage(self) -> None:  # Back: a run still going is stopped, its candidate dropped
        self.wiz.cancel_training()

    def stopping(self) -> None:
        """Stop was confirmed: say so at once. The run ends after its current step, which took ~10 s
        while the page still said "Training…" (issue 24)."""
        self.stopping_now = True
        self.cancel.setEnabled(False)
        self.phase.setText(tr("Stopping… (the current step finishes first)"))
        self.bar.setRange(0, 0)
        self.eta.clear()

    def show_progress(self, progress: Progress) -> None:
        if self.stopping_now:
            return  # the steps still reported before the run stops are not news
        loss = getattr(progress, "loss", None)
        if loss is not None:
            self.curve.add(loss)
        target = title(self.wiz.running_target or "")
        phase = tr(PHASES[progress.phase]) if progress.phase in PHASES else progress.phase.capitalize()
        if progress.message:  # the core's words about the step
            self.phase.setText(tr("{target}: {phase} ({detail})…").format(target=target, phase=phase,
                                                                          detail=progress.message))
        else:
            self.phase.setText(tr("{target}: {phase}…").format(target=target, phase=phase))
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        else:
            self.bar.setRange(0, 0)
        self.eta.setText(tr("About {duration} left in this step").format(duration=format_duration(progress.eta_seconds))
                         if progress.eta_seconds is not None else "")

    def finished(self, text: str, ok: bool) -> None:
        self.stopping_now = False
        self.cancel.setEnabled(False)
        self.bar.setRange(0, 1)
        self.bar.setValue(1 if ok else 0)
        self.eta.clear()
        self.phase.setText(tr("Training finished.") if ok else tr("Training stopped."))
        self.outcome.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(self.wiz.state.candidates) and not self.wiz.training


class ResultsPage(QWizardPage):
    """Before/after in plain words and figures, and a held-out search's results old vs new."""

    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(tr("Results"))
        self.setSubTitle(tr("Measured on marked searches the new model did not learn from, over your whole library."))
        self.body = QWidget()
        self.sections = QVBoxLayout(self.body)
        self.sections.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.body)
        self.query = QComboBox()
        self.query.currentIndexChanged.connect(self.show_comparison)
        self.old, self.new = QListWidget(), QListWidget()
        for view in (self.old, self.new):
            view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
            view.setWordWrap(True)
            view.setAlternatingRowColors(True)
        compare = QGridLayout()
        compare.addWidget(QLabel(tr("Compare a held-out search:")), 0, 0)
        compare.addWidget(self.query, 0, 1)
        compare.addWidget(QLabel("<b>{}</b>".format(tr("Current model"))), 1, 0)
        compare.addWidget(QLabel("<b>{}</b>".format(tr("New model"))), 1, 1)
        compare.addWidget(self.old, 2, 0)
        compare.addWidget(self.new, 2, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(compare, 1)

    def initializePage(self) -> None:
        while self.sections.count():
            item = self.sections.takeAt(0)  # count() says there is one
            widget = None if item is None else item.widget()
            if widget is not None:
                widget.deleteLater()
        self.query.blockSignals(True)
        self.query.clear()
        for candidate in self.wiz.state.candidates:
            words, rows = tuning_report(candidate)
            # One plain verdict per model, big; the figures it rests on below it, small.
            verdict = QLabel("<b>{}</b>".format(tr("{target}: {verdict}").format(
                target=title(candidate.target), verdict=words[0])))
            verdict.setObjectName("tuningVerdict")
            verdict.setWordWrap(True)
            font = verdict.font()
            font.setPointSizeF(font.pointSizeF() * 1.2)
            verdict.setFont(font)
            self.sections.addWidget(verdict)
            self.sections.addWidget(wrapped(" ".join(words[1:])))
            self.sections.addWidget(self.table(rows))
            for comparison in candidate.comparisons:
                label = comparison.query if len(self.wiz.state.candidates) == 1 else (
                    tr("{target}: {query}").format(target=title(candidate.target), query=comparison.query))
                self.query.addItem(label, comparison)
        self.query.blockSignals(False)
        self.show_comparison()

    @staticmethod
    def table(rows: list[tuple[str, float, float]]) -> QTableWidget:
        table = QTableWidget(len(rows), 3)
        table.setHorizontalHeaderLabels([tr("Measure"), tr("Current model"), tr("New model")])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (label, old, new) in enumerate(rows):
            for c, text in enumerate((label, f"{old:.2f}", f"{new:.2f}")):
                item = QTableWidgetItem(text)
                if c:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(r, c, item)
        header = table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        table.setMaximumWidth(460)
        table.setFixedHeight(table.horizontalHeader().height() + sum(table.rowHeight(r) for r in range(len(rows))) + 4)
        return table

    def show_comparison(self) -> None:
        comparison = self.query.currentData()
        for view, lines in ((self.old, comparison.before if comparison else ()),
                            (self.new, comparison.after if comparison else ())):
            view.clear()
            for rank, line in enumerate(lines, 1):
                mark = {True: "✓ ", False: "✗ "}.get(line.relevant, "")
                snippet = " ".join(readable(line.snippet).text.split())[:SNIPPET_SHOWN]  # without markup
                view.addItem(f"{rank}. {mark}{line.title}\n{snippet}")


class KeepPage(QWizardPage):
    def __init__(self, wizard: WizardControl) -> None:
        super().__init__()
        self.wiz = wizard
        self.setTitle(tr("Keep or discard"))
        self.setSubTitle(tr("Keeping switches search to the new model; you can roll back at any time in "
                            "Result ▸ Model Versions. Discarding deletes it; your marks stay either way."))
        self.keep = QPushButton(tr("Keep the New Model"))
        self.discard = QPushButton(tr("Discard It"))
        self.stop = QPushButton(tr("Stop"))
        self.stop.setToolTip(tr("Stop switching: search keeps using the current model; the new one stays "
                                "in Model Versions"))
        self.stop.setVisible(False)
        self.keep.clicked.connect(self.wiz.keep)
        self.discard.clicked.connect(self.wiz.discard)
        self.stop.clicked.connect(self.wiz.stop_keep)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        self.status = wrapped()
        self.advice = wrapped()
        row = QHBoxLayout()
        row.addWidget(self.keep)
        row.addWidget(self.discard)
        row.addStretch(1)
        row.addWidget(self.stop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.advice)
        layout.addLayout(row)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addStretch(1)

    def initializePage(self) -> None:
        candidates = self.wiz.state.candidates
        outcomes = [tuning_outcome(c) for c in candidates]  # the verdict the Results page stated
        better = bool(outcomes) and all(o == "better" for o in outcomes)
        worse = "worse" in outcomes
        self.advice.setText(
            tr("The new model did better on your held-out searches: keeping it should help.") if better else
            tr("The new model did worse on some held-out searches: discarding it is wiser.") if worse else
            tr("No measurable change on your held-out searches: discarding it keeps the current model."))
        suggested = self.keep if better else self.discard
        (self.discard if better else self.keep).setDefault(False)
        suggested.setDefault(True)
        # The focus ring and Enter agree with the advice above. After initializePage the wizard gives
        # the page's first button the focus (and with it the default): the advice's button takes it
        # back once that is done.
        QTimer.singleShot(0, suggested, suggested.setFocus)  # not after the page is gone
        self.status.clear()

    def busy(self, text: str) -> None:
        self.keep.setEnabled(False)
        self.discard.setEnabled(False)
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.stop.setVisible(True)
        self.stop.setEnabled(True)
        self.status.setText(text)

    def show_progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        if self.stop.isEnabled():  # after Stop, "Stopping…" stays until the run has stopped
            self.status.setText(progress.describe().capitalize())

    def show_done(self, text: str) -> None:
        self.bar.setVisible(False)
        self.stop.setVisible(False)
        self.status.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.wiz.state.decided
