"""The status bar's right side: indexing progress with a Cancel button, and the models state."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.core.common.jobs import Progress, format_duration
from desktop.gui.common.elided_label import ElidedLabel


def tr(text: str) -> str:
    return QCoreApplication.translate("JobProgress", text)


def describe_progress(progress: Progress) -> str:
    phase = progress.phase.capitalize()  # the core's word for the phase ("indexing", "embedding")
    if progress.phase == "scanning":
        return tr("Scanning… {count} files found").format(count=f"{progress.done:,}") if progress.done \
            else tr("Scanning…")
    text = (tr("{phase} {done} of {total}").format(phase=phase, done=f"{progress.done:,}", total=f"{progress.total:,}")
            if progress.total else tr("{phase}…").format(phase=phase))
    if progress.rate >= 0.1:
        rate = f"{progress.rate:.1f}" if progress.rate < 10 else f"{progress.rate:.0f}"
        text += tr(" · {rate}/s").format(rate=rate)
    if progress.eta_seconds is not None and progress.done < progress.total:
        text += tr(" · about {duration} left").format(duration=format_duration(progress.eta_seconds))
    return text


class JobProgress(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = ElidedLabel()  # "Indexing <three long names>…" must not widen the window
        self.label.setAccessibleName(self.tr("Indexing progress"))
        self.bar = QProgressBar()
        self.bar.setFixedWidth(180)
        self.bar.setTextVisible(False)
        self.bar.setMaximumHeight(14)
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop indexing; what is done so far is kept, and the rest resumes next time."))
        self.cancel.clicked.connect(self._cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, title: str) -> None:
        self.label.setText(self.tr("{title}…").format(title=title))
        self.label.setToolTip("")
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.cancel.setEnabled(True)
        self.cancel.setText(self.tr("Cancel"))
        self.show()

    def update_progress(self, progress: Progress) -> None:
        if not self.cancel.isEnabled():
            return  # "Stopping…" stays until the job ends
        self.label.setText(describe_progress(progress))
        self.label.setToolTip(progress.message)
        fraction = progress.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(fraction * 1000))

    def _cancel(self) -> None:
        self.cancel.setEnabled(False)
        self.cancel.setText(self.tr("Stopping…"))
        self.cancel_requested.emit()

    def finish(self) -> None:
        self.hide()


class ModelsState(QLabel):
    """'Loading models…' until the first warm-up finishes, so a slow first query is explained."""

    PREPARING_AFTER_MS = 6000  # a warm start loads in seconds; longer means the one-time preparation

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setContentsMargins(8, 0, 8, 0)
        # A first launch spent about a minute on "Loading models…" with no word of why (issue 13).
        self.slow = QTimer(self)
        self.slow.setSingleShot(True)
        self.slow.timeout.connect(self._preparing)

    def loading(self) -> None:
        self.slow.start(self.PREPARING_AFTER_MS)
        self.setText(self.tr("Loading models…"))
        self.setToolTip(self.tr(
            "The search models load once per session; searches start as soon as they are ready. "
            "The very first start also makes the fast int8 copy of the text model (about 15 s, once)."
        ))
        self.show()

    def _preparing(self) -> None:
        self.setText(self.tr("First start: preparing the fast text model for this computer (once, about a "
                             "minute)…"))

    def ready(self) -> None:
        self.slow.stop()
        self.setText("")
        self.setToolTip("")
        self.hide()

    def problem(self, message: str) -> None:
        self.slow.stop()
        self.setText(self.tr("⚠ Models not loaded"))
        self.setToolTip(message)
        self.show()
