"""The main window: folders on the left, search and results in the middle, preview on the right.

It is the one place where the parts meet: it makes the panes and controllers, and connects
their signals; no part knows another. The window owns the Library it shows: it closes it
when the window closes or another library is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter

from desktop.core.common.errors import ClipUnavailable, describe
from desktop.gui.common.elided_label import ElidedLabel
from desktop.gui.common.workers import Workers
from desktop.gui.shell.commands import WindowCommands
from desktop.gui.shell.drop_zone import DropZone
from desktop.gui.shell.opening import open_library_at
from desktop.gui.shell.status_bar import EncoderState, JobProgress, ModelHint, ModelsState
from desktop.gui.shell.warm_up import ModelsWarmUp
from desktop.gui.shell.window_state import default_size

if TYPE_CHECKING:  # the panes are imported when the window is built (seconds; see shell/parts.py)
    from desktop.core.common.records import Hit, MarkRecord, Passage
    from desktop.core.library import Library
    from desktop.gui.common.desktop_ops import DesktopOps


class MainWindow(QMainWindow, WindowCommands):
    """Made in two steps so that it is on screen at once: the frame (title, status bar, "Opening
    library…") needs nothing heavy; `build()` adds the panes once their modules are imported,
    which `app.py` does on a worker while the library opens. With `build=True` (tests, the
    default) both happen here."""

    def __init__(self, library: Library | None, state: QSettings, *, workers: Workers | None = None,
                 desktop: DesktopOps | None = None, open_library: Callable[[str], Library] = open_library_at,
                 warm_up: bool = True, build: bool = True) -> None:
        super().__init__()
        self.library: Library | None = None
        self.state = state
        self.workers = workers or Workers(self)
        self._desktop = desktop
        self.open_library = open_library
        self.warm_up_on_open = warm_up
        self.built = False
        self._waiting_note = ""
        self.setWindowTitle("semdesk")  # the icon comes from the application (set in app.py)
        self.opening = QLabel(self.tr("Opening library…"))
        self.opening.setObjectName("openingLibrary")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.opening)
        self.early_paths: list[Path] = []  # dropped while the library was opening: added once it is
        self.drop_zone = DropZone(self, self.opening)
        self.drop_zone.dropped.connect(self.add_paths)
        self.job_progress = JobProgress()
        self.models_state = ModelsState()
        self.encoder_state = EncoderState()  # filled from the status the watcher reads off the UI thread
        self.model_hint = ModelHint()
        self.status_text = ElidedLabel()
        self.statusBar().addWidget(self.status_text, 1)
        self.watch_state = QLabel()  # "Up to date" / "n changes pending"
        self.watch_state.setAccessibleName(self.tr("Watched folders"))
        self.statusBar().addPermanentWidget(self.watch_state)
        self.statusBar().addPermanentWidget(self.models_state)
        self.statusBar().addPermanentWidget(self.model_hint)
        self.statusBar().addPermanentWidget(self.encoder_state)
        self.statusBar().addPermanentWidget(self.job_progress)
        self.models = ModelsWarmUp(self.workers, self.models_state, lambda: self.log_path, self)
        self.models.failed.connect(self.show_message)
        geometry = state.value("geometry")  # the frame already has the size and place the window will have
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(*default_size())
        if build or library is not None:
            self.build()
        if library is not None:
            self.set_library(library)

    def show_opening(self, text: str) -> None:
        """What the frame says while the library opens ("Opening library…", then what is done to it)."""
        if not self.built:
            self.opening.setText(text)

    def build(self) -> None:
        """The panes, their controllers and every connection between them."""
        if self.built:
            return
        from desktop.gui.shell import parts as p

        self.built = True
        self.desktop = self._desktop or p.DesktopOps()
        current = self.current_library
        self.search = p.SearchController(self.workers, current, self)
        self.indexer = p.Indexer(self.workers, current, self)
        self.status = p.StatusWatcher(self.workers, current, self)
        self.watch = p.LibraryWatch(self.workers, current, lambda: self.indexer.running or bool(self.indexer.queue),
                                    self, unindexed=self._unindexed)
        self.photo_model = p.PhotoModelSetup(self.workers, current, self)
        self.thumbnails = p.ThumbnailCache(self.workers)
        self.actions_ = p.ResultActions(self, self.workers, current, self.desktop)
        self._build()
        self.preview_loader = p.PreviewLoader(self.preview, self.workers, current, self)
        self.library_view = p.LibraryStatusView(self.sidebar, self.banner, self.status_text, self.job_progress,
                                                self.indexer, self.status, self.photo_model.can_download, self)
        self.menu = p.build_menus(self.menuBar(), self, self.actions_.all, self.actions_.copy)
        self._connect_search()
        self._connect_library()
        self._connect_map()
        self._connect_menus()
        self.help_actions = p.install_help(self)  # How to use, Keyboard shortcuts
        p.restore_window(self.state, self, self.splitter, self.tabs, self.filter_bar.kind)

    def current_library(self) -> Library | None:
        return self.library

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        from desktop.gui.shell import parts as p

        self.sidebar = p.Sidebar()
        self.banner = p.ClipBanner()
        self.results = p.SearchPane(self.thumbnails, self.banner, self.actions_.all)
        r = self.results  # the window's short names for the pane's parts
        self.search_box, self.filter_bar, self.summary, self.tabs = r.search_box, r.filter_bar, r.summary, r.tabs
        self.documents, self.photos = r.documents, r.photos
        self.documents_view, self.photos_view = r.documents_view, r.photos_view
        self.map_tab = p.MapTab(self.workers, self.current_library, self)
        self.tabs.addTab(self.map_tab, self.tr("Map"))
        self.preview = p.PreviewPane(self.actions_.all)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for widget, stretch in ((self.sidebar, 0), (self.results, 1), (self.preview, 0)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setCollapsible(1, False)
        self.drop_zone.cover(self.splitter)
        self.setCentralWidget(self.splitter)  # Qt deletes the "Opening library…" label
        self.watch_state.setMinimumWidth(self.watch_state.fontMetrics().horizontalAdvance(p.widest_text()))

    # -- wiring: every connection between parts is made here -------------------------------

    def _connect_search(self) -> None:
        self.results.query_edited.connect(self.search.set_query)
        self.results.query_entered.connect(self.search.run_now)
        self.results.file_dropped.connect(self.find_similar_to_file)
        self.results.kind_changed.connect(self._filters_changed)
        self.results.current_changed.connect(self._result_selected)
        self.results.activated.connect(self.actions_.open_current)
        self.search.results.connect(self.results.show_results)
        self.search.results.connect(self.map_tab.show_results)
        self.search.failed.connect(self._search_failed)
        self.search.busy.connect(self.results.busy)
        self.search.busy.connect(self._search_busy)
        self.actions_.similar_requested.connect(lambda target, label, chunk: self.search.similar(
            target, label, chunk_id=chunk))
        self.actions_.mark_changed.connect(self.results.mark_changed)
        self.actions_.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.actions_.error.connect(self.report_error)
        self.actions_.open_failed.connect(self.cannot_open)
        self.preview_loader.failed.connect(lambda text: self.statusBar().showMessage(text, 8000))

    def _connect_library(self) -> None:
        self.sidebar.folder_selected.connect(self._folder_selected)
        self.sidebar.add_requested.connect(self.add_folder_dialog)
        self.sidebar.remove_requested.connect(self.remove_folder)
        self.sidebar.rescan_requested.connect(self.indexer.rescan)
        self.sidebar.skipped_requested.connect(self.show_skipped)
        self.indexer.started.connect(self.library_view.job_started)
        self.indexer.progress.connect(self.job_progress.update_progress)
        self.indexer.finished.connect(self.library_view.job_finished)
        self.indexer.finished.connect(lambda _job, _result: self._library_changed())
        self.indexer.failed.connect(self.library_view.job_failed)
        self.job_progress.cancel_requested.connect(self.indexer.cancel)
        self.job_progress.pause_requested.connect(self.indexer.pause)
        self.status.changed.connect(self.library_view.show_status)
        self.status.changed.connect(lambda _status: self._update_empty())
        self.status.changed.connect(self.actions_.set_library_status)
        self.status.changed.connect(lambda _status: self._load_names())
        self.status.changed.connect(self.encoder_state.show_status)
        self.status.changed.connect(self.model_hint.show_status)
        self.model_hint.open_models.connect(self.show_model_versions)
        self.results.chips.like_removed.connect(self._like_removed)
        self.indexer.queue_changed.connect(lambda _n: self._update_empty())
        self.status.failed.connect(lambda e: self.report_error(e, "while reading the library"))
        self.banner.choose_weights.connect(self.choose_clip_weights)
        self.banner.download.connect(self.download_clip)
        self.photo_model.ready.connect(self._photo_model_ready)
        self.photo_model.problem.connect(self.status.refresh)
        self.photo_model.problem.connect(self.show_message)
        self.photo_model.failed.connect(lambda *_a: self.statusBar().clearMessage())  # not "Downloading…" still
        self.photo_model.failed.connect(self.report_error)
        self.library_view.message.connect(self.statusBar().showMessage)
        self.library_view.error.connect(self.report_error)
        self.watch.state_changed.connect(self.watch_state.setText)
        self.watch.notes_changed.connect(self.sidebar.set_watch_notes)
        self.watch.library_changed.connect(self.status.refresh)
        self.watch.library_changed.connect(self._library_changed)
        self.watch.problem.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.indexer.finished.connect(lambda _job, _result: self.watch.folders_changed())

    def _connect_map(self) -> None:
        tab = self.map_tab
        tab.clicked.connect(self._map_point_clicked)
        tab.opened.connect(self.actions_.open_paths)
        tab.open_requested.connect(self.actions_.open_paths)
        tab.copy_requested.connect(self.actions_.copy_paths)
        tab.mark_requested.connect(self.actions_.mark_items)
        tab.similar_requested.connect(self._similar_to_selection)
        tab.failed.connect(lambda error: self.report_error(error, "while making the map"))

    def _connect_menus(self) -> None:
        from desktop.gui.shell import parts as p

        m = self.menu
        for action, slot in ((m.add_folder, self.add_folder_dialog), (m.rescan, self.indexer.rescan),
                             (m.open_library, self.open_library_dialog),
                             (m.open_server, self.open_server_library_dialog), (m.settings, self.show_settings),
                             (m.quit, self.close), (m.find, self.results.focus_search),
                             (m.documents, lambda: self.tabs.setCurrentIndex(p.DOCUMENTS_TAB)),
                             (m.photos, lambda: self.tabs.setCurrentIndex(p.PHOTOS_TAB)),
                             (m.map, lambda: self.tabs.setCurrentWidget(self.map_tab)),
                             (m.skipped, self.show_skipped), (m.improve, self.show_tune_wizard),
                             (m.model_versions, self.show_model_versions), (m.about, self.show_about),
                             (m.duplicates, self.show_duplicates), (m.people, self.show_people)):
            if action is not None:  # build_menus makes every one; the later ones are declared optional
                action.triggered.connect(lambda _checked=False, slot=slot: slot())

    # -- what the signals do ----------------------------------------------------------------

    def _result_selected(self, hit: Hit | None, passage: Passage | None, query: str, mark: MarkRecord | None) -> None:
        from desktop.gui.shell.parts import thumbnail_source

        self.actions_.set_current(hit, passage, query, mark)
        thumbnail = self.thumbnails.pixmap(thumbnail_source(hit)) if hit is not None and hit.kind == "image" else None
        self.preview_loader.show(hit, passage, query, thumbnail)

    def _map_point_clicked(self, hit: Hit, query: str) -> None:
        """A clicked point shows in the preview pane, with the same actions as a search result."""
        self.actions_.set_current(hit, None, query, None)
        self.preview_loader.show(hit, None, query)

    def _similar_to_selection(self, space: str, file_ids: list[int], label: str) -> None:
        self.search.show_work(lambda lib: lib.similar_to_selection(space, file_ids), label)
        self.results.show_tab(space)

    def _filters_changed(self) -> None:
        self.search.set_filters(self.filter_bar.filters(), self.filter_bar.kind_value())

    def _folder_selected(self, folder: str | None) -> None:
        self.filter_bar.set_folder(folder)
        self._filters_changed()

    def _library_changed(self) -> None:
        self.map_tab.library_changed()  # new items are placed when the map is next shown
        self._load_names()  # and the people's names: a person may have been named
        if self.search.query.strip():
            self.search.run_now()  # new files may answer the query on screen

    def _unindexed(self) -> int:
        """Files the catalog still has to index (the last status read): the watch label says so."""
        last = self.status.last
        return 0 if last is None else last.counts.get("pending", 0)

    def _update_empty(self) -> None:
        """"Your library is empty" only while it is: no folder, none queued, nothing being indexed."""
        last = self.status.last
        idle = not self.indexer.running and not self.indexer.queue
        self.results.set_library_empty(last is not None and not last.folders and idle)

    def _photo_model_ready(self) -> None:
        self.statusBar().showMessage(self.tr("Photo search is ready. Indexing the photos that were waiting…"), 8000)
        self.status.refresh()
        self.indexer.rescan()

    def model_changed(self) -> None:
        """Another active model means other vectors: every view built from the old ones is refreshed."""
        self.status.refresh()
        self.search.run_now()
        self.map_tab.reset()

    def warm_up(self, library: Library) -> None:
        """Start loading the library's models (app.py calls this before the panes are built)."""
        self.models.start(library)

    def _search_busy(self, busy: bool) -> None:
        """A query typed before the models are loaded waits for them (on the worker): say so."""
        if busy and not self.models.ready and self.warm_up_on_open:
            self._waiting_note = self.models.waiting_note()
            self.summary.setText(self._waiting_note)
        elif not busy and self._waiting_note and self.summary.full_text() == self._waiting_note:
            self.summary.setText("")

    # -- library ----------------------------------------------------------------------------

    def set_library(self, library: Library) -> None:
        if self.library is not None:
            self.watch.stop()
            self.indexer.cancel()
            self.workers.wait()
            self.library.close()
        from desktop.gui.shell.parts import Results, attach_log_file

        self.build()
        self.library = library
        self.state.setValue("library", library.address)
        attach_log_file(library.path)
        # "LIBRARY — semdesk": the platform adds the application name unless the title already ends
        # with it, so ending with it keeps the name from showing twice.
        self.setWindowTitle(self.tr("{library} — semdesk").format(library=library.display_name))
        self.search_box.clear()
        self.search.like = None
        self.results.chips.set_like(None)
        self.preview_loader.forget()
        self.status.last = self.library_view.last = None  # no word about the new library until it is read
        self.sidebar.show_loading()
        self.results.show_results(Results("", ""))
        self.map_tab.reset()
        self.status.refresh()
        self.watch.start()  # catches up with what changed while closed, then follows changes
        if self.warm_up_on_open:
            self.warm_up(library)
        early, self.early_paths = self.early_paths, []
        self.add_paths(early)

    @property
    def log_path(self) -> Path | None:
        from desktop.gui.common.error_log import LOG_NAME

        return None if self.library is None else self.library.path / LOG_NAME

    def add_paths(self, paths: list[Path]) -> None:
        paths = [p for p in paths if p.exists()]
        if paths and self.library is not None and self.built:
            self.indexer.add(paths)
        elif paths:
            self.early_paths.extend(paths)

    def remove_folder(self, path: str) -> None:
        answer = self.ask(self.tr("Remove {folder} from the library?").format(folder=Path(path).name),
                          self.tr("Its files stay on disk untouched; semdesk only forgets what it learned about them. "
                                  "Your relevance marks are kept."), self.tr("Remove"))
        if answer:
            self.indexer.remove(Path(path))

    def find_similar_to_file(self, path: Path) -> None:
        """Items like the dropped file; words typed next steer them ("like this, but at night")."""
        self.results.clear_query()
        self.search.query = ""
        self.search.like = str(path)
        self.results.chips.set_like(str(path))
        self.search.similar(str(path), path.name)

    def _search_failed(self, error: BaseException) -> None:
        if isinstance(error, ClipUnavailable):  # a photo dropped on the box, and no photo model to read it
            self.search.like = None  # words typed next search on their own
            self.results.chips.set_like(None)
            self.results.failed(describe(error), self.tr("Finding photos like this one needs the photo model"),
                                "image")
            return
        self.results.failed(describe(error, "while searching", self.log_path))

    def _like_removed(self) -> None:
        self.search.like = None
        self.search.run_now()

    def _load_names(self) -> None:
        library = self.library
        if library is not None:
            self.workers.submit(self.workers.catalog, library.folder_names, done=self.results.chips.set_folder_names)
            self.workers.submit(self.workers.catalog, library.person_names, done=self.results.chips.set_person_names)

    # -- messages ---------------------------------------------------------------------------

    def report_error(self, error: BaseException, doing: str = "") -> None:
        self.show_message(describe(error, doing, self.log_path))

    def cannot_open(self, path: str) -> QMessageBox:
        """No program opens the file: say so in plain words and offer Reveal, where the file manager's
        "Open With" can pick one (issue 24: Open and Enter did nothing visible)."""
        box = QMessageBox(QMessageBox.Icon.Information, "semdesk",
                          self.tr("No program on this computer opens “{name}”.").format(name=Path(path).name),
                          QMessageBox.StandardButton.Close, self)
        box.setInformativeText(self.tr("Reveal shows it in the file manager, where “Open With” lets you choose "
                                       "a program. Once a program for this kind of file is installed, Open uses "
                                       "it."))
        reveal = box.addButton(self.tr("Reveal in File Manager"), QMessageBox.ButtonRole.AcceptRole)
        reveal.clicked.connect(lambda: self.desktop.reveal(path))
        box.setDefaultButton(reveal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def show_message(self, text: str, title: str = "semdesk") -> QMessageBox:
        """A non-blocking message box (the window keeps working while it is open)."""
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        return box

    def ask(self, question: str, detail: str, confirm: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "semdesk", question, QMessageBox.StandardButton.Cancel, self)
        box.setInformativeText(detail)
        yes = box.addButton(confirm, QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(yes)
        box.exec()
        return box.clickedButton() is yes

    # -- state ------------------------------------------------------------------------------

    def save_state(self) -> None:
        from desktop.gui.shell.window_state import save_window

        if not self.built:  # closed while the library was still opening: nothing to remember yet
            return
        save_window(self.state, self, self.splitter, self.tabs, self.filter_bar.kind)
        if self.library is not None:
            self.state.setValue("library", self.library.address)
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self.built:
            self.indexer.cancel()  # what is indexed so far is kept; the rest resumes next time
            self.status.tick(False)
            self.watch.stop()
            self.map_tab.stop()
        self.workers.wait()
        if self.library is not None:
            self.library.close()
            self.library = None
        event.accept()
