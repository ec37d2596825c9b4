"""Two helpers of the main window: one puts search results on screen, one keeps the library's
status (folders, skipped files, models, indexing) up to date."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, QTimer

from desktop.core.common.records import IndexSummary, LibraryStatus, MarkRecord
from desktop.gui.indexer import WriteJob
from desktop.gui.preview import pixel_size
from desktop.gui.results_models import Role
from desktop.gui.search_controller import Results
from desktop.gui.thumbnails import read_image

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

PREVIEW_SIZE = QSize(1600, 1600)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class ResultsPresenter:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.current = Results("", "")
        self._text_cache: tuple[int, str] | None = None  # the last document's text, for moving between passages

    def show(self, results: Results) -> None:
        w = self.w
        self.current = results
        w.documents.set_results(results.documents, results.query, results.marks)
        w.photos.set_results(results.photos, results.query, results.marks)
        w.tabs.setTabText(0, f"Documents  {len(results.documents)}" if results.label else "Documents")
        w.tabs.setTabText(1, f"Photos  {len(results.photos)}" if results.label else "Photos")
        self._placeholders(results)
        if results.similar:
            w.summary.setText(f"Similar to <b>{_esc(results.label)}</b>")
        else:
            w.summary.setText("")
        for view, model in ((w.documents_view, w.documents), (w.photos_view, w.photos)):
            if model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))  # the best hit previews at once; focus stays in the box
                view.scrollToTop()
        self.select(w.current_view().currentIndex())

    def _placeholders(self, results: Results) -> None:
        w = self.w
        status: LibraryStatus | None = w.status.last
        empty_library = status is not None and not status.folders
        if empty_library:
            title, detail = "Your library is empty", "Drop folders here, or choose File ▸ Add Folder… (Ctrl+O)."
            w.documents_view.set_placeholder(title, detail)
            w.photos_view.set_placeholder(title, detail)
        elif results.similar:
            w.documents_view.set_placeholder("No similar documents", "")
            w.photos_view.set_placeholder("No similar photos", "Photo similarity needs the photo model.")
        elif results.label:
            detail = "Try other words, or widen the folder and date filters."
            w.documents_view.set_placeholder(f"No documents match “{results.label}”", detail)
            w.photos_view.set_placeholder(f"No photos match “{results.label}”", detail)
        else:
            w.documents_view.set_placeholder(
                "Search by meaning", "Type what you are looking for — “notes about the boiler service”, "
                "“how to install packages” — and the best passages appear here as you type.")
            w.photos_view.set_placeholder(
                "Search your photos", "Describe a picture — “cat on a sofa”, “rocket launch” — to find it.")

    def failed(self, error: BaseException) -> None:
        from desktop.gui.errors import user_message

        message = user_message(error, "while searching", self.w.log_path)
        self.w.documents.set_results([], "", {})
        self.w.photos.set_results([], "", {})
        for view in (self.w.documents_view, self.w.photos_view):
            view.set_placeholder("The search did not work", message)
        self.select(QModelIndex())

    def busy(self, busy: bool) -> None:
        if busy and not self.current.similar:
            self.w.summary.setText("Searching…")
        elif not busy and self.w.summary.text() == "Searching…":
            self.w.summary.setText("")

    def select(self, index: QModelIndex | QPersistentModelIndex) -> None:
        w = self.w
        model = index.model() if index.isValid() else None
        hit = index.data(Role.HIT) if model is not None else None
        if hit is None:
            w.preview.clear()
            w.actions_.set_current(None)
            return
        mark: MarkRecord | None = index.data(Role.MARK)
        passage = index.data(Role.PASSAGE) if hit.kind == "text" else None
        w.actions_.set_current(hit, passage, self.current.query, mark)
        if hit.kind == "text":
            w.preview.show_document(hit, passage, self.current.query)
            self._load_text(hit.file_id)
        else:
            w.preview.show_photo(hit, w.thumbnails.pixmap(w.photos.source_of(hit)))
            w.workers.submit(w.workers.thumbs, _read_preview, hit.path,
                             done=lambda result, path=hit.path: self._photo_loaded(path, result))

    def _load_text(self, file_id: int) -> None:
        w = self.w
        if self._text_cache and self._text_cache[0] == file_id:
            w.preview.set_document_text(file_id, self._text_cache[1])
            return
        library = w.library
        if library is None:
            return

        def loaded(text: str) -> None:
            self._text_cache = (file_id, text)
            w.preview.set_document_text(file_id, text)

        w.workers.submit(w.workers.catalog, library.document_text, file_id, done=loaded,
                         failed=lambda error: w.statusBar().showMessage(str(error), 8000))

    def _photo_loaded(self, path: str, result: tuple[Any, int, int]) -> None:
        from PySide6.QtGui import QPixmap

        image, width, height = result
        if not image.isNull():
            self.w.preview.set_photo(path, QPixmap.fromImage(image), pixel_size(width, height))

    def mark_changed(self, path: str, record: MarkRecord | None) -> None:
        self.w.documents.set_mark(path, record)
        self.w.photos.set_mark(path, record)


def _read_preview(path: str) -> tuple[Any, int, int]:
    from PySide6.QtGui import QImageReader

    size = QImageReader(path).size()
    return read_image(path, PREVIEW_SIZE), size.width(), size.height()


class StatusPresenter:
    def __init__(self, window: MainWindow) -> None:
        self.w = window
        self.last: LibraryStatus | None = None
        self._pending = False
        self._again = False
        self.timer = QTimer(window)
        self.timer.setInterval(1500)  # folder counts move while indexing
        self.timer.timeout.connect(self.refresh)

    def refresh(self) -> None:
        library = self.w.library
        if library is None:
            return
        if self._pending:
            self._again = True
            return
        self._pending = True
        self.w.workers.submit(self.w.workers.catalog, library.status, done=self._status, failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        self._pending = False
        self.w.report_error(error, "while reading the library")

    def _status(self, status: LibraryStatus) -> None:
        self._pending = False
        if self._again:
            self._again = False
            self.refresh()
        if self.w.library is None or str(self.w.library.path) != status.path:
            return  # an answer about a library that was closed meanwhile
        first = self.last is None
        self.last = status
        w = self.w
        job = w.indexer.current
        indexing: set[str] | None = set()
        if job is not None and job.action == "index":
            indexing = None if not job.paths else {str(p) for p in job.paths}
        w.sidebar.set_folders(list(status.folders), indexing)
        w.sidebar.set_skipped(sum(1 for s in status.skipped if s.status == "skipped"))
        waiting = status.counts.get("waiting_model", 0)
        w.banner.show_problem(status.clip_problem, waiting, can_download=hasattr(w.library, "download_clip"))
        kinds = status.kinds
        text = f"{plural(kinds.get('text', 0), 'document')} · {plural(kinds.get('image', 0), 'photo')}"
        w.status_text.setText(text + f" · {plural(status.chunks, 'passage')}")
        if first and not w.results.current.label:
            w.results.show(w.results.current)  # the empty-library message depends on the status

    def warm_up(self) -> None:
        library = self.w.library
        if library is None:
            return
        self.w.models_state.loading()
        self.w.workers.submit(self.w.workers.reads, library.warm_up,
                              done=lambda _r: self.w.models_state.ready(),
                              failed=self._warm_up_failed)

    def _warm_up_failed(self, error: BaseException) -> None:
        from desktop.gui.errors import user_message

        message = user_message(error, "while loading the search models", self.w.log_path)
        self.w.models_state.problem(message)
        self.w.show_message(message)

    def job_started(self, job: WriteJob) -> None:
        self.w.job_progress.start(job.describe())
        self.timer.start()
        self.refresh()

    def job_finished(self, job: WriteJob, result: Any) -> None:
        self._job_ended()
        if isinstance(result, IndexSummary):
            self.w.statusBar().showMessage(summary_text(result), 10000)
        else:
            self.w.statusBar().showMessage(f"Removed {plural(int(result or 0), 'file')} from the library.", 10000)
        if self.w.search.query.strip():
            self.w.search.run_now()  # new files may answer the query on screen

    def job_failed(self, job: WriteJob, error: BaseException) -> None:
        self._job_ended()
        self.w.report_error(error, f"while {job.describe().lower()}")

    def _job_ended(self) -> None:
        if not self.w.indexer.queue:
            self.w.job_progress.finish()
            self.timer.stop()
        self.refresh()

    def stop(self) -> None:
        self.timer.stop()


def summary_text(s: IndexSummary) -> str:
    if s.cancelled:
        return f"Indexing stopped after {plural(s.indexed, 'file')}; the rest continues at the next re-scan."
    parts = [f"Indexed {plural(s.indexed, 'file')}"]
    if s.unchanged:
        parts.append(f"{s.unchanged:,} unchanged")
    if s.skipped:
        parts.append(f"{s.skipped:,} skipped")
    if s.waiting_model:
        parts.append(f"{plural(s.waiting_model, 'photo')} waiting for the photo model")
    if s.removed:
        parts.append(f"{s.removed:,} gone from disk")
    return " · ".join(parts) + f" ({s.seconds:.0f} s)."


def _esc(text: str) -> str:
    import html

    return html.escape(text)
