"""The "Improve results" wizard: learn from the user's 👍/👎 marks, show before/after, keep or discard.

Training and re-embedding run on the wizard's own one-thread pool (the core allows one
writer; searching goes on in the main window meanwhile). Nothing the user has changes
until Keep: a cancelled, failed or discarded run deletes its candidate and leaves the
active model and the marks alone.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget, QWizard

from desktop.core.common.errors import Cancelled, describe
from desktop.core.common.jobs import CancelToken, Progress, run_job
from desktop.core.common.records import MarkRecord, TrainSettings
from desktop.gui.common.error_log import LOG_NAME
from desktop.gui.common.workers import Workers
from desktop.gui.tuning.run_pages import KeepPage, ResultsPage, TrainingPage
from desktop.gui.tuning.setup_pages import MarksPage, SettingsPage, TargetPage
from desktop.gui.tuning.state import WizardState

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi, ModelVersion, TrainedCandidate


def train_all(report: Callable[[Progress], None], library: LibraryApi, targets: list[str],
              settings: dict[str, TrainSettings], token: CancelToken,
              running: Callable[[str], None]) -> list[TrainedCandidate]:
    done: list[TrainedCandidate] = []
    try:
        for target in targets:
            running(target)
            # In a child process: training's memory (GBs) goes back to the system when it ends (issue 24).
            done.append(run_job(library.tune(target, settings=settings.get(target), cancel=token, apart=True),
                                report))
    except BaseException:
        for candidate in done:  # all or nothing: a half-finished "both" leaves no stray model behind
            library.discard(candidate)
        raise
    return done


def keep_all(report: Callable[[Progress], None], library: LibraryApi, candidates: list[TrainedCandidate],
             token: CancelToken) -> list[ModelVersion]:
    # Photos first: their switch is instant, so a Stop during the documents' re-embedding keeps them.
    ordered = sorted(candidates, key=lambda c: c.target == "text")
    return [run_job(library.keep(c, cancel=token), report) for c in ordered]


class TuneWizard(QWizard):
    model_changed = Signal()  # a kept model is active: results, status and map should refresh

    def __init__(self, library: LibraryApi, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.pool = workers.own_pool(self)
        self.state = WizardState()
        self.token: CancelToken | None = None
        self.training = False
        self.running_target: str | None = None
        self.started_at = 0.0
        self.setWindowTitle(self.tr("Improve Results"))
        # Not modal: training takes minutes and the training page says "keep searching in the main
        # window"; a modal wizard took the keys typed there (a space pressed its Cancel; issue 13).
        self.setModal(False)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage)
        self.resize(760, 600)
        self.marks_page = MarksPage(self)
        self.target_page = TargetPage(self)
        self.settings_page = SettingsPage(self)
        self.training_page = TrainingPage(self)
        self.results_page = ResultsPage(self)
        self.keep_page = KeepPage(self)
        for page in (self.marks_page, self.target_page, self.settings_page, self.training_page,
                     self.results_page, self.keep_page):
            self.addPage(page)
        self.training_page.setCommitPage(False)
        self.results_page.setCommitPage(True)  # past Results there is no going back: keep or discard
        self.results_page.setButtonText(QWizard.WizardButton.CommitButton, self.tr("Continue >"))
        cancel = self.button(QWizard.WizardButton.CancelButton)
        if isinstance(cancel, QPushButton):  # as QWizard makes it
            cancel.setAutoDefault(False)  # Enter or a stray space never throws training away
            cancel.setDefault(False)
        # "< Back" from a training run asks as "Cancel Training" does: QWizard's own back() left the page and
        # the run was thrown away unasked (issue 24). Its clicks go through back_asked instead.
        back = self.button(QWizard.WizardButton.BackButton)
        back.clicked.disconnect()
        back.clicked.connect(self.back_asked)

    def open(self) -> None:
        """Shown beside the main window, not over it (QDialog.open would make it window-modal)."""
        self.show()
        self.raise_()
        self.activateWindow()

    def ask_stop(self) -> bool:
        """Training runs: does the user really want it thrown away? No is the default answer."""
        minutes = (time.monotonic() - self.started_at) / 60
        tr = self.tr
        if minutes < 1:
            question = tr("Stop training? The less than a minute of training so far will be lost.")
        elif round(minutes) == 1:
            question = tr("Stop training? The 1 minute of training so far will be lost.")
        else:
            question = tr("Stop training? The {count} minutes of training so far will be lost.").format(
                count=f"{minutes:.0f}")
        box = QMessageBox(QMessageBox.Icon.Question, tr("Stop training?"), question,
                          QMessageBox.StandardButton.NoButton, self)
        stop = box.addButton(tr("Stop Training"), QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(tr("Keep Training"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is stop

    def confirm_cancel_training(self) -> None:
        """The training page's Cancel: asks first."""
        if self.training and self.ask_stop():
            self.cancel_training()
            self.training_page.stopping()

    def back_asked(self) -> None:
        """Back: while training runs, only after the same question as Cancel Training (it stops the run)."""
        if self.training:
            if not self.ask_stop():
                return
            self.training_page.stopping()
        self.back()  # the training page's cleanupPage cancels the run

    # -- marks ------------------------------------------------------------------------------

    def load_marks(self) -> None:
        library = self.library

        def work() -> tuple[list[MarkRecord], str | None]:
            return library.marks(), library.clip_problem()

        def done(result: tuple[list[MarkRecord], str | None]) -> None:
            self.state.marks, self.state.clip_problem = result
            self.marks_page.show_marks()

        self.workers.submit(self.workers.catalog, work, done=done, failed=self._error("while reading your marks"))

    def remove_marks(self, mark_ids: list[int]) -> None:
        library = self.library

        def work() -> None:
            for mark_id in mark_ids:
                library.unmark(mark_id)

        self.workers.submit(self.workers.catalog, work, done=lambda _r: self.load_marks(),
                            failed=self._error("while removing the mark"))

    # -- training ---------------------------------------------------------------------------

    def estimate(self, epochs: dict[str, int], show: Callable[[str], None]) -> None:
        """The run's expected duration (read off the UI thread), handed to `show` as a sentence."""
        library = self.library

        def work() -> str:
            names = {"text": self.tr("Documents"), "image": self.tr("Photos")}
            lines = [library.tune_estimate(t, epochs=n) for t, n in epochs.items()]
            if len(lines) == 1:
                return lines[0]
            return " ".join(self.tr("{target}: {estimate}").format(target=names[t], estimate=line)
                            for t, line in zip(epochs, lines, strict=True))

        self.workers.submit(self.workers.catalog, work, done=show, failed=lambda _e: show(""))

    def start_training(self) -> None:
        self._drop_candidates()
        targets = ["text", "image"] if self.state.target == "both" else [self.state.target]
        self.token = token = CancelToken()
        self.training = True
        self.started_at = time.monotonic()
        self.workers.submit(
            self.pool, train_all, self.library, targets, self.state.settings, token, self._set_running,
            progress=self.training_page.show_progress, done=self._trained, failed=self._training_failed,
        )

    def _set_running(self, target: str) -> None:
        self.running_target = target  # read by the page for its label; a plain str crosses threads safely

    def cancel_training(self) -> None:
        if self.token is not None:
            self.token.cancel()

    def _trained(self, candidates: list[TrainedCandidate]) -> None:
        self.training = False
        if self.token is not None and self.token.cancelled:  # Back was pressed as it finished
            for candidate in candidates:
                self.library.discard(candidate)
            return
        self.state.candidates = candidates
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        self.training_page.finished(
            self.tr("Done. Press Next to see how the new model compares with the current one."), True)

    def _training_failed(self, error: BaseException) -> None:
        self.training = False
        self.button(QWizard.WizardButton.BackButton).setEnabled(True)
        if isinstance(error, Cancelled):
            text = self.tr("Training was cancelled. Nothing was changed: search uses the same model and your marks "
                           "are kept.")
        else:
            text = describe(error, "while training", self.library.path / LOG_NAME) + " " + self.tr(
                "Nothing was changed: search uses the same model and your marks are kept.")
        self.training_page.finished(text, False)

    # -- keep or discard --------------------------------------------------------------------

    def keep(self) -> None:
        self.keep_page.busy(self.tr("Switching search to the new model…"))
        self.token = token = CancelToken()
        self.workers.submit(self.pool, keep_all, self.library, list(self.state.candidates), token,
                            progress=self.keep_page.show_progress, done=self._kept, failed=self._keep_failed)

    def _kept(self, infos: list[ModelVersion]) -> None:
        self.state.kept, self.state.candidates, self.state.decided = infos, [], True
        self.keep_page.show_done(self.tr("The new model is active. Search results already use it."))
        self.model_changed.emit()

    def stop_keep(self) -> None:
        if self.token is not None:
            self.token.cancel()
        self.keep_page.stop.setEnabled(False)
        self.keep_page.status.setText(self.tr("Stopping…"))

    def _keep_failed(self, error: BaseException) -> None:
        # Keep installs a model before re-embedding with it: an installed one is no longer a candidate
        # to keep or discard here, and choosing it in Model Versions resumes the switch.
        installed = [c for c in self.state.candidates if not c.undecided]
        self.state.candidates = [c for c in self.state.candidates if c.undecided]
        if isinstance(error, Cancelled):
            text = self.tr("Stopped. Documents are still searched with the model they had.")
        else:
            text = describe(error, "while switching to the new model") + " " + self.tr(
                "Search keeps using the model it had.")
        if installed:
            text += " " + self.tr("The new model is saved: choose it in Result ▸ Model Versions to finish switching "
                                  "to it.")
            self.model_changed.emit()  # a photo model kept before the stop is already in use
        self.state.decided = not self.state.candidates
        self.keep_page.keep.setEnabled(not self.state.decided)
        self.keep_page.discard.setEnabled(not self.state.decided)
        self.keep_page.show_done(text)

    def discard(self) -> None:
        self._drop_candidates()
        self.state.decided = True
        self.keep_page.keep.setEnabled(False)
        self.keep_page.discard.setEnabled(False)
        self.keep_page.show_done(self.tr("The new model was discarded. Nothing was changed; your marks are kept."))

    def _drop_candidates(self) -> None:
        for candidate in self.state.candidates:
            self.library.discard(candidate)
        self.state.candidates = []

    def _error(self, doing: str) -> Callable[[BaseException], None]:
        return lambda error: self.marks_page.guidance.setText(describe(error, doing))

    # -- closing ----------------------------------------------------------------------------

    def done(self, result: int) -> None:
        """Closing the wizard at any point: stop a run (after asking), wait for it, drop an undecided
        candidate."""
        if self.training and not self.ask_stop():
            return  # the user keeps training: the wizard stays open
        self.cancel_training()
        self.pool.waitForDone()
        if not self.state.decided:
            self._drop_candidates()
        super().done(result)
