"""Model versions: every kept model with its date, data size and test figures; switch to any of
them or back to the base models (a rollback). Switching runs on a worker with progress."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import describe
from desktop.core.common.jobs import run_job
from desktop.gui.common.workers import Workers


def version_text(version: Any) -> str:
    after = version.metrics.get("after", {})
    lines = [("● " if version.active else "   ") + version.label + ("  (in use)" if version.active else "")]
    if version.data_size:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(version.created_at))
        lines.append(f"      learned from {version.data_size} examples, saved {when}")
    if after:
        lines.append(f"      right result in the top 3 for {after['top3']} of {after['queries']} held-out "
                     f"searches (nDCG@10 {after['ndcg']:.2f})")
    return "\n".join(lines)


class ModelsDialog(QDialog):
    model_changed = Signal()

    def __init__(self, library: Any, workers: Workers, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self.workers = workers
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(1)
        self.setWindowTitle("Model Versions")
        self.resize(620, 420)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.setWordWrap(True)
        self.use = QPushButton("Use This Version")
        self.base = QPushButton("Use the Base Models")
        self.use.setEnabled(False)
        self.list.currentItemChanged.connect(lambda item, _old: self.use.setEnabled(item is not None))
        self.use.clicked.connect(lambda: self.switch(self.list.currentItem().data(Qt.ItemDataRole.UserRole)))
        self.base.clicked.connect(lambda: self.switch(None))
        self.bar = QProgressBar()
        self.bar.hide()
        self.status = QLabel("Your marks are kept whichever model you use.")
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.use, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.base, QDialogButtonBox.ButtonRole.ActionRole)
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

    def show_versions(self, listed: list[Any]) -> None:
        self.list.clear()
        for version in listed:
            item = QListWidgetItem(version_text(version))
            item.setData(Qt.ItemDataRole.UserRole, version.id)
            self.list.addItem(item)

    def switch(self, version_id: int | None) -> None:
        library = self.library

        def work(report: Any) -> None:
            job = library.use_base_model() if version_id is None else library.activate_model(version_id)
            run_job(job, report)

        for button in (self.use, self.base):
            button.setEnabled(False)
        self.bar.show()
        self.bar.setRange(0, 0)
        self.workers.submit(self.pool, work, progress=self.progress, done=lambda _r: self.switched(None),
                            failed=self.switched)

    def progress(self, progress: Any) -> None:
        if progress.total:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(progress.done)
        self.status.setText(progress.describe().capitalize())

    def switched(self, error: BaseException | None) -> None:
        self.bar.hide()
        self.base.setEnabled(True)
        self.use.setEnabled(self.list.currentItem() is not None)
        if error is None:
            self.status.setText("Done: search now uses the chosen model.")
            self.model_changed.emit()
        else:
            self.status.setText(describe(error, "while switching models") + " Search keeps the model it had.")
        self.refresh()

    def done(self, result: int) -> None:
        self.pool.waitForDone()  # a switch in flight finishes (it is atomic) before the dialog goes
        super().done(result)
