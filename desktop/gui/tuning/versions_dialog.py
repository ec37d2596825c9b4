"""Model versions: every kept model with its date, data size and test figures; switch to any of
them or back to the base models (a rollback), rename a kept one, or delete one not in use.
Switching runs on a worker with progress and a Cancel button: a switch that re-embeds the library stops at
its next batch, search keeps the model it had, and the batches embedded so far stay stored, so choosing
the model again resumes there (core/tuning/versions.activate_job)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import Cancelled, describe
from desktop.core.common.jobs import CancelToken, Progress, run_job
from desktop.core.library import held_out
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from collections.abc import Callable

    from desktop.core.library.protocols import ModelVersion, Tuning


def tr(text: str) -> str:
    return QCoreApplication.translate("ModelsDialog", text)


def version_text(version: ModelVersion) -> str:
    after = held_out(version)
    name = tr("{model}  (in use)").format(model=version.label) if version.active else version.label
    lines = [("● " if version.active else "   ") + name]
    if version.data_size:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created_at))
        lines.append("      " + tr("learned from {count} examples, saved {when}").format(
            count=version.data_size, when=when))
    if after:
        lines.append("      " + tr("right result in the top 3 for {top3} of {queries} held-out searches "
                                   "(nDCG@10 {ndcg})").format(top3=int(after["top3"]), queries=int(after["queries"]),
                                                              ndcg=f"{after['ndcg']:.2f}"))
    return "\n".join(lines)


class ModelsDialog(QDialog):
    model_changed = Signal()

    def __init__(self, library: Tuning, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.pool = workers.own_pool(self)
        self.cancel = CancelToken()  # the running switch's; closing the dialog stops a re-embedding one
        self.setWindowTitle(self.tr("Model Versions"))
        self.resize(620, 420)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.use = QPushButton(self.tr("Use This Version"))
        self.base = QPushButton(self.tr("Use the Base Models"))
        self.rename = QPushButton(self.tr("Rename…"))
        self.delete = QPushButton(self.tr("Delete"))
        self.use.setEnabled(False)
        self.rename.setEnabled(False)
        self.delete.setEnabled(False)
        self.stop = QPushButton(self.tr("Cancel Switch"))
        self.stop.setToolTip(self.tr("Stop re-embedding: search keeps the model it has; what was embedded is "
                                     "kept, so choosing this model again resumes there"))
        self.stop.clicked.connect(self.cancel_switch)
        self.list.currentItemChanged.connect(lambda _item, _old: self._enable())
        self.use.clicked.connect(lambda: self.switch(self.current_id()))
        self.rename.clicked.connect(self.rename_current)
        self.delete.clicked.connect(self.delete_current)
        self.base.clicked.connect(lambda: self.switch(None))
        self.bar = QProgressBar()
        self.bar.hide()
        self.status = QLabel(self.tr("Your marks are kept whichever model you use."))
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.use, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.base, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.rename, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.delete, QDialogButtonBox.ButtonRole.DestructiveRole)
        buttons.addButton(self.stop, QDialogButtonBox.ButtonRole.ActionRole)
        self.stop.hide()  # shown while a switch runs (after addButton, which shows it)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.refresh()

    def refresh(self) -> None:
        self.workers.submit(self.workers.catalog, self.library.model_versions, done=self.show_versions,
                            failed=lambda e: self.status.setText(describe(e, "while reading the model versions")))

    def show_versions(self, listed: list[ModelVersion]) -> None:
        self.versions = {v.id: v for v in listed}
        self.list.clear()
        for version in listed:
            item = QListWidgetItem(version_text(version))
            item.setData(Qt.ItemDataRole.UserRole, version.id)
            self.list.addItem(item)
        self._enable()

    def _current(self) -> ModelVersion | None:
        chosen = self.current_id()
        return None if chosen is None else self.versions.get(chosen)

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        version_id = None if item is None else item.data(Qt.ItemDataRole.UserRole)
        return version_id if isinstance(version_id, int) else None

    def _enable(self) -> None:
        versions: dict[int, ModelVersion] = getattr(self, "versions", {})  # none before the first listing
        chosen = self.current_id()
        version = None if chosen is None else versions.get(chosen)
        tuned = version is not None and bool(version.base_model)
        self.use.setEnabled(version is not None)
        self.rename.setEnabled(tuned)
        self.delete.setEnabled(version is not None and tuned and not version.active)
        self.delete.setToolTip("" if version is None or not version.active else
                               self.tr("In use: switch to another version first, then delete this one"))

    # -- rename and delete (quick catalog writes; the questions are methods so tests can answer) --

    def ask_name(self, current: str) -> str | None:
        text, ok = QInputDialog.getText(self, self.tr("Rename model"), self.tr("Name:"), text=current)
        return text if ok else None

    def confirm_delete(self, label: str) -> bool:
        answer = QMessageBox.question(self, self.tr("Delete model"),
                                      self.tr("Delete “{model}”? Its files are removed from the library folder; your "
                                              "marks are kept.").format(model=label),
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def rename_current(self) -> None:
        version = self._current()
        if version is None:
            return
        name = self.ask_name(str(version.metrics.get("user_name") or ""))
        if name is None:
            return
        self.workers.submit(self.workers.catalog, self.library.rename_model, version.id, name,
                            done=lambda _info: self.refresh(),
                            failed=lambda e: self.status.setText(describe(e, "while renaming the model")))

    def delete_current(self) -> None:
        version = self._current()
        if version is None or not self.confirm_delete(version.label):
            return
        self.workers.submit(self.workers.catalog, self.library.delete_model, version.id,
                            done=lambda _r: self._deleted(version.label),
                            failed=lambda e: self.status.setText(describe(e, "while deleting the model")))

    def _deleted(self, label: str) -> None:
        self.status.setText(self.tr("Deleted “{model}”.").format(model=label))
        self.refresh()

    def switch(self, version_id: int | None, *, target: str | None = None) -> None:
        """To a version, back to the base models, or (`target`) to another text model: fast, accurate or
        a folder, embedded in the background while search keeps the current model."""
        library = self.library

        cancel = self.cancel = CancelToken()

        def work(report: Callable[[Progress], None]) -> None:
            if target is not None:
                run_job(library.switch_text_model(target, cancel=cancel), report)
            elif version_id is None:
                run_job(library.use_base_model(cancel=cancel), report)
            else:
                run_job(library.activate_model(version_id, cancel=cancel), report)

        for button in (self.use, self.base):
            button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.stop.setEnabled(True)
        self.stop.show()
        self.workers.submit(self.pool, work, progress=self.progress, done=lambda _r: self.switched(None),
                            failed=self.switched)

    def progress(self, progress: Progress) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        self.status.setText(progress.describe().capitalize())

    def cancel_switch(self) -> None:
        """The running switch stops at its next batch (a switch past its re-embedding is one atomic step
        and finishes)."""
        self.cancel.cancel()
        self.stop.setEnabled(False)
        self.status.setText(self.tr("Cancelling after the current batch…"))

    def switched(self, error: BaseException | None) -> None:
        self.bar.hide()
        self.stop.hide()
        self.base.setEnabled(True)
        self._enable()
        if error is None:
            self.status.setText(self.tr("Done: search now uses the chosen model."))
            self.model_changed.emit()
        elif isinstance(error, Cancelled):
            self.status.setText(self.tr("Cancelled: search keeps the model it had. The passages embedded so far "
                                        "are kept; choosing this model again resumes there."))
        else:
            self.status.setText(describe(error, "while switching models") + " " + self.tr(
                "Search keeps the model it had."))
        self.refresh()

    def done(self, result: int) -> None:
        # A text model switch re-embedding the library (minutes) stops at its next batch: what it embedded is
        # kept, and choosing the model again resumes there. A switch past that point finishes (it is atomic).
        self.cancel.cancel()
        self.pool.waitForDone()
        super().done(result)
