"""The status bar's right side: indexing progress with a Cancel button, and the models state."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from desktop.core.common.jobs import Progress, format_duration
from desktop.core.common.records import LibraryStatus
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
    pause_requested = Signal(bool)  # True: pause, False: go on

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
        # Reading text in pictures and finding faces can take hours on a large album: a user who needs the
        # computer's cores for a while pauses them instead of losing the run.
        self.pause = QPushButton(self.tr("Pause"))
        self.pause.setCheckable(True)
        self.pause.setToolTip(self.tr("Let the computer rest: indexing stops after the file in hand and goes on "
                                      "when you press Resume."))
        self.pause.toggled.connect(self._pause)
        self._last = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 4, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.pause)
        layout.addWidget(self.cancel)
        self.hide()

    def start(self, title: str) -> None:
        self.label.setText(self.tr("{title}…").format(title=title))
        self.label.setToolTip("")
        self.bar.setRange(0, 0)  # busy until the first count arrives
        self.cancel.setEnabled(True)
        self.cancel.setText(self.tr("Cancel"))
        self.pause.blockSignals(True)  # a new job starts running, whatever the last one was left at
        self.pause.setChecked(False)
        self.pause.blockSignals(False)
        self.pause.setText(self.tr("Pause"))
        self.pause.setEnabled(True)
        self.show()

    def update_progress(self, progress: Progress) -> None:
        if not self.cancel.isEnabled():
            return  # "Stopping…" stays until the job ends
        self._last = describe_progress(progress)
        self._show_label()
        self.label.setToolTip(progress.message)
        fraction = progress.fraction
        if fraction is None:
            self.bar.setRange(0, 0)
        else:
            self.bar.setRange(0, 1000)
            self.bar.setValue(round(fraction * 1000))

    def _show_label(self) -> None:
        self.label.setText(self.tr("Paused · {what}").format(what=self._last) if self.pause.isChecked() else self._last)

    def _pause(self, paused: bool) -> None:
        self.pause.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if self._last:
            self._show_label()
        self.pause_requested.emit(paused)

    def _cancel(self) -> None:
        self.pause.setEnabled(False)
        self.cancel.setEnabled(False)
        self.cancel.setText(self.tr("Stopping…"))
        self.cancel_requested.emit()

    def finish(self) -> None:
        self.hide()


class ModelsState(QLabel):
    """'Loading the search model…' until the warm-up finishes, so a slow first query is explained; the
    one-time preparation is named as such, but only when the model cache says it is needed (issue 13)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setContentsMargins(8, 0, 8, 0)
        self.preparing_now = False
        self.hide()

    def loading(self) -> None:
        self.preparing_now = False
        self.setText(self.tr("Loading the search model…"))
        self.setToolTip(self.tr("The search model loads once per session, in the background; a search typed "
                                "meanwhile runs as soon as it is ready."))
        self.show()

    def preparing(self) -> None:
        """The first start on this computer: the model is converted and measured before it can search."""
        self.preparing_now = True
        self.setText(self.tr("Preparing the search model for this computer (one time only, about a minute)…"))
        self.setToolTip(self.tr(
            "semdesk makes a fast copy of the text model for this processor and measures which way of "
            "running it is quickest. This happens once; later starts take seconds. Searches and indexing "
            "wait for it and go on by themselves when it is done."))
        self.show()

    def ready(self) -> None:
        self.preparing_now = False
        self.setText("")
        self.setToolTip("")
        self.hide()

    def problem(self, message: str) -> None:
        self.preparing_now = False
        self.setText(self.tr("⚠ Models not loaded"))
        self.setToolTip(message)
        self.show()


class EncoderState(QLabel):
    """Which encoders run ("Text: openvino-int8 · Photos: pytorch"), from the library's status as the
    status watcher reads it on the catalog worker; the tooltip says why, and why any encoder was set
    aside on this CPU ("openvino-bf16: crashed while measuring on this CPU"), with a mark when one was."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("encoderState")
        self.setAccessibleName(self.tr("Encoders"))
        self.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.setContentsMargins(8, 0, 8, 0)
        self.hide()

    def show_status(self, status: LibraryStatus) -> None:
        parts = []
        if status.text_runtime:
            parts.append(self.tr("Text: {encoder}").format(encoder=status.text_runtime))
        if status.photo_encoder:
            parts.append(self.tr("Photos: {encoder}").format(encoder=status.photo_encoder))
        if not parts:
            self.hide()
            return
        text = " · ".join(parts)
        lines = [self.tr("Text encoder: {what}").format(what=status.text_encoder)] if status.text_encoder else []
        if status.set_aside:
            text += " ⚠"
            lines.append(self.tr("Set aside on this computer:"))
            lines += [f"  {line}" for line in status.set_aside]  # the core's reason, as `semdesk status` says it
        self.setText(text)
        self.setToolTip("\n".join(lines))
        self.show()


class ModelHint(QLabel):
    """A link in the status bar when the library's text is mostly Chinese, Japanese or Korean and the text
    model in use reads English only (the core's `suggested_model`); it opens Model Versions, where the
    Multilingual model is one click away."""

    open_models = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelHint")
        self.setContentsMargins(8, 0, 8, 0)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.linkActivated.connect(lambda _link: self.open_models.emit())
        self.hide()

    def show_status(self, status: LibraryStatus) -> None:
        if not status.suggested_model:
            self.hide()
            return
        self.setText(self.tr("Mostly Chinese, Japanese or Korean text: <a href='models'>try the Multilingual "
                             "model…</a>"))
        self.setToolTip(self.tr(
            "{share:.0%} of the passages in this library are Chinese, Japanese or Korean text. The text model in "
            "use reads English only, so they are found by their keywords alone. The Multilingual model finds "
            "them by meaning too, and answers questions asked in another language.").format(share=status.cjk_share))
        self.show()
