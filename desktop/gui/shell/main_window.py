"""The main window: folders on the left, search and results in the middle, preview on the right.

It wires widgets to the controllers (SearchController, Indexer, ResultActions) and keeps
the library's status on screen. The window owns the Library it shows: it closes it when
the window closes or another library is opened.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QByteArray, QModelIndex, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QSplitter, QTabWidget, QVBoxLayout, QWidget

from desktop.core.library import Library
from desktop.gui import menus
from desktop.gui.banner import ClipBanner
from desktop.gui.desktop_ops import DesktopOps
from desktop.gui.errors import LOG_NAME, attach_log_file, user_message
from desktop.gui.indexer import Indexer
from desktop.gui.map_wiring import attach_map
from desktop.gui.preview import PreviewPane
from desktop.gui.result_actions import ResultActions
from desktop.gui.results_models import DocumentResultsModel, PhotoResultsModel
from desktop.gui.search_bar import FilterBar, SearchBox, local_paths
from desktop.gui.search_controller import Results, SearchController
from desktop.gui.sidebar import Sidebar
from desktop.gui.status_area import JobProgress, ModelsState
from desktop.gui.thumbnails import ThumbnailCache
from desktop.gui.views import PhotoGrid, ResultsTree
from desktop.gui.window_parts import ResultsPresenter, StatusPresenter
from desktop.gui.workers import Workers

DOCUMENTS_TAB, PHOTOS_TAB = 0, 1


class MainWindow(QMainWindow):
    def __init__(
        self,
        library: Library | None,
        state: QSettings,
        *,
        workers: Workers | None = None,
        desktop: DesktopOps | None = None,
        open_library: Callable[[str], Library] = Library.open,
        warm_up: bool = True,
    ) -> None:
        super().__init__()
        self.library: Library | None = None
        self.state = state
        self.workers = workers or Workers(self)
        self.desktop = desktop or DesktopOps()
        self.open_library = open_library
        self.warm_up_on_open = warm_up
        self.setWindowTitle("semdesk")  # the icon comes from the application (set in app.py)
        self.setAcceptDrops(True)

        self.search = SearchController(self.workers, lambda: self.library, self)
        self.indexer = Indexer(self.workers, lambda: self.library, self)
        self.thumbnails = ThumbnailCache(self.workers)
        self.documents = DocumentResultsModel(self)
        self.photos = PhotoResultsModel(self.thumbnails, self)
        self.actions_ = ResultActions(self, self.workers, lambda: self.library, self.search, self.desktop)
        self._build()
        self.results = ResultsPresenter(self)
        self.status = StatusPresenter(self)
        menus.build(self)
        self.map_tab = attach_map(self)
        self._connect()
        self._restore_state()
        if library is not None:
            self.set_library(library)

    # -- layout -----------------------------------------------------------------------------

    def _build(self) -> None:
        self.sidebar = Sidebar()
        self.search_box = SearchBox()
        self.filter_bar = FilterBar()
        self.summary = QLabel()
        self.summary.setObjectName("resultsSummary")
        self.filter_bar.layout().addWidget(self.summary)  # type: ignore[union-attr]
        self.documents_view = ResultsTree()
        self.documents_view.setModel(self.documents)
        self.photos_view = PhotoGrid()
        self.photos_view.setModel(self.photos)
        self.banner = ClipBanner()
        photos_page = QWidget()
        photos_layout = QVBoxLayout(photos_page)
        photos_layout.setContentsMargins(0, 0, 0, 0)
        photos_layout.setSpacing(0)
        photos_layout.addWidget(self.banner)
        photos_layout.addWidget(self.photos_view, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.documents_view, "Documents")
        self.tabs.addTab(photos_page, "Photos")

        center = QWidget()
        center.setObjectName("center")
        layout = QVBoxLayout(center)
        layout.setContentsMargins(10, 10, 10, 0)
        layout.setSpacing(8)
        layout.addWidget(self.search_box)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tabs, 1)

        self.preview = PreviewPane(self.actions_.all)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        for widget, stretch in ((self.sidebar, 0), (center, 1), (self.preview, 0)):
            self.splitter.addWidget(widget)
            self.splitter.setStretchFactor(self.splitter.count() - 1, stretch)
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.job_progress = JobProgress()
        self.models_state = ModelsState()
        self.status_text = QLabel()
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.models_state)
        self.statusBar().addPermanentWidget(self.job_progress)

        self.drop_overlay = QLabel("Drop folders or files to add them to your library", self.splitter)
        self.drop_overlay.setObjectName("dropOverlay")
        self.drop_overlay.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.drop_overlay.hide()

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self.search.set_query)
        self.search_box.returnPressed.connect(self.search.run_now)
        self.search_box.file_dropped.connect(self.find_similar_to_file)
        self.search_box.down_pressed.connect(self.focus_results)
        self.filter_bar.changed.connect(self._filters_changed)
        self.sidebar.folder_selected.connect(self._folder_selected)
        self.sidebar.add_requested.connect(self.menu.add_folder.trigger)
        self.sidebar.remove_requested.connect(self.remove_folder)
        self.sidebar.rescan_requested.connect(self.indexer.rescan)
        self.sidebar.skipped_requested.connect(self.show_skipped)
        for view in (self.documents_view, self.photos_view):
            view.activated.connect(lambda _index: self.actions_.open_current())
            view.leave_up.connect(self.focus_search)
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            view.addActions([a for a in self.actions_.all if a is not None])
            # Only the visible tab drives the preview (both get a current row when results arrive).
            view.selectionModel().currentChanged.connect(
                lambda cur, _prev, v=view: self.results.select(cur) if v is self.current_view() else None)
        self.tabs.currentChanged.connect(lambda _i: self.results.select(self.current_view().currentIndex()))
        self.search.results.connect(self.results.show)
        self.search.failed.connect(self.results.failed)
        self.search.busy.connect(self.results.busy)
        self.actions_.mark_changed.connect(self.results.mark_changed)
        self.actions_.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.actions_.error.connect(self.report_error)
        self.indexer.started.connect(self.status.job_started)
        self.indexer.progress.connect(self.job_progress.update_progress)
        self.indexer.finished.connect(self.status.job_finished)
        self.indexer.failed.connect(self.status.job_failed)
        self.job_progress.cancel_requested.connect(self.indexer.cancel)
        self.banner.choose_weights.connect(self.choose_clip_weights)
        self.banner.download.connect(self.download_clip)

    def current_view(self) -> ResultsTree | PhotoGrid:
        return self.documents_view if self.tabs.currentIndex() == DOCUMENTS_TAB else self.photos_view

    # -- library ----------------------------------------------------------------------------

    def set_library(self, library: Library) -> None:
        if self.library is not None:
            self.indexer.cancel()
            self.workers.wait()
            self.library.close()
        self.library = library
        self.state.setValue("library", str(library.path))
        attach_log_file(library.path)
        self.setWindowTitle(f"semdesk — {library.path.name}")
        self.search_box.clear()
        self.results.show(Results("", ""))
        self.map_tab.reset()
        self.status.refresh()
        if self.warm_up_on_open:
            self.status.warm_up()

    @property
    def log_path(self) -> Path | None:
        return None if self.library is None else self.library.path / LOG_NAME

    def add_paths(self, paths: list[Path]) -> None:
        paths = [p for p in paths if p.exists()]
        if paths and self.library is not None:
            self.indexer.add(paths)

    def remove_folder(self, path: str) -> None:
        answer = self.ask(f"Remove {Path(path).name} from the library?",
                          "Its files stay on disk untouched; semdesk only forgets what it learned about them. "
                          "Your relevance marks are kept.", "Remove")
        if answer:
            self.indexer.remove(Path(path))

    def find_similar_to_file(self, path: Path) -> None:
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.search.query = ""
        self.search.similar(str(path), path.name)

    def _filters_changed(self) -> None:
        kind = self.filter_bar.kind_value()
        self.tabs.setTabEnabled(DOCUMENTS_TAB, kind != "image")
        self.tabs.setTabEnabled(PHOTOS_TAB, kind != "text")
        if kind == "image":
            self.tabs.setCurrentIndex(PHOTOS_TAB)
        elif kind == "text":
            self.tabs.setCurrentIndex(DOCUMENTS_TAB)
        self.search.set_filters(self.filter_bar.filters(), kind)

    def _folder_selected(self, folder: str | None) -> None:
        self.filter_bar.set_folder(folder)
        self._filters_changed()

    # -- focus ------------------------------------------------------------------------------

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def focus_results(self) -> None:
        view = self.current_view()
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not view.currentIndex().isValid() and view.model().rowCount() > 0:
            view.setCurrentIndex(view.model().index(0, 0, QModelIndex()))

    # -- messages ---------------------------------------------------------------------------

    def report_error(self, error: BaseException, doing: str = "") -> None:
        self.show_message(user_message(error, doing, self.log_path))

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

    # -- dialogs (bodies in menus.py to keep this file about layout and wiring) --------------

    def show_skipped(self) -> None:
        menus.show_skipped(self)

    def choose_clip_weights(self) -> None:
        menus.choose_clip_weights(self)

    def download_clip(self) -> None:
        menus.download_clip(self)

    # -- drag and drop: folders and files dropped anywhere on the window are indexed ---------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(p.exists() for p in local_paths(event)):
            event.acceptProposedAction()
            self.drop_overlay.setGeometry(self.splitter.rect())
            self.drop_overlay.raise_()
            self.drop_overlay.show()
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_overlay.hide()

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_overlay.hide()
        paths = [p for p in local_paths(event) if p.exists()]
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    # -- state ------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self.state.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        splitter = self.state.value("splitter")
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            self.splitter.setSizes([230, 650, 400])
        self.tabs.setCurrentIndex(int(self.state.value("tab", DOCUMENTS_TAB) or 0))
        kind = self.filter_bar.kind.findData(self.state.value("kind", "all"))
        self.filter_bar.kind.setCurrentIndex(max(0, kind))

    def save_state(self) -> None:
        self.state.setValue("geometry", self.saveGeometry())
        self.state.setValue("splitter", self.splitter.saveState())
        self.state.setValue("tab", self.tabs.currentIndex())
        self.state.setValue("kind", self.filter_bar.kind_value())
        if self.library is not None:
            self.state.setValue("library", str(self.library.path))
        self.state.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.indexer.cancel()  # what is indexed so far is kept; the rest resumes next time
        self.status.stop()
        self.map_tab.stop()
        self.workers.wait()
        if self.library is not None:
            self.library.close()
            self.library = None
        event.accept()

