"""The search pane: the search box, the filter row, and the Documents and Photos tabs.

It shows what the SearchController found (both lists, the counts on the tabs, the summary
line, a helpful message when a list is empty) and says which result is current through
`current_changed`; what happens then (preview, actions) is wired by the main window.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QPushButton, QTabWidget, QVBoxLayout, QWidget

from desktop.core.common.records import Hit, MarkRecord
from desktop.gui.common.elided_label import ElidedLabel
from desktop.gui.common.thumbnails import ThumbnailCache
from desktop.gui.search.chips import QueryChips
from desktop.gui.search.controller import Results
from desktop.gui.search.result_models import DocumentResultsModel, PhotoResultsModel, Role
from desktop.gui.search.search_bar import FilterBar, SearchBox
from desktop.gui.search.views import PhotoGrid, ResultsTree

DOCUMENTS_TAB, PHOTOS_TAB = 0, 1


class SearchPane(QWidget):
    current_changed = Signal(object, object, str, object)  # Hit | None, Passage | None, query, MarkRecord | None
    activated = Signal()  # Enter or a double-click on the current result
    query_edited = Signal(str)  # the text in the search box, as it is typed
    query_entered = Signal()  # Enter in the search box
    file_dropped = Signal(object)  # Path of a file dropped on the search box: find items like it
    kind_changed = Signal()  # the kind or date filter changed

    def __init__(self, thumbnails: ThumbnailCache, photos_header: QWidget, actions: list[QAction | None],
                 parent: QWidget | None = None) -> None:
        """`photos_header` sits above the photo grid; `actions` (None: a separator) are each result's
        context menu."""
        super().__init__(parent)
        self.setObjectName("center")
        self.current = Results("", "")
        self.empty_library = False
        self.documents = DocumentResultsModel(self)
        self.photos = PhotoResultsModel(thumbnails, self)
        self.search_box = SearchBox()
        self.chips = QueryChips(self.search_box)  # the query's operators, removable; folder: completion
        self.filter_bar = FilterBar()
        self.summary = ElidedLabel()  # a long "Similar to <file name>" must not widen the window
        self.summary.setObjectName("resultsSummary")
        self.filter_bar.layout().addWidget(self.summary)  # type: ignore[union-attr]
        self.documents_view = ResultsTree()
        self.documents_view.setModel(self.documents)
        # Hits under the core's relevance cut-off wait behind this button, so a query does not always
        # fill 30 rows with the top one looking certain whatever it is (issue 13).
        self.weaker: list[Hit] = []
        self.show_weaker = QPushButton()
        self.show_weaker.setObjectName("showWeaker")
        self.show_weaker.setFlat(True)
        self.show_weaker.setCursor(Qt.CursorShape.PointingHandCursor)
        self.show_weaker.clicked.connect(self.reveal_weaker)
        self.show_weaker.hide()
        documents_page = QWidget()
        documents_layout = QVBoxLayout(documents_page)
        documents_layout.setContentsMargins(0, 0, 0, 0)
        documents_layout.setSpacing(0)
        documents_layout.addWidget(self.documents_view, 1)
        documents_layout.addWidget(self.show_weaker)
        self.photos_view = PhotoGrid()
        self.photos_view.setModel(self.photos)
        photos_page = QWidget()
        photos_layout = QVBoxLayout(photos_page)
        photos_layout.setContentsMargins(0, 0, 0, 0)
        photos_layout.setSpacing(0)
        photos_layout.addWidget(photos_header)
        photos_layout.addWidget(self.photos_view, 1)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(documents_page, self.tr("Documents"))
        self.tabs.addTab(photos_page, self.tr("Photos"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 0)
        layout.setSpacing(8)
        layout.addWidget(self.search_box)
        layout.addWidget(self.chips)
        layout.addWidget(self.filter_bar)
        layout.addWidget(self.tabs, 1)
        self._connect(actions)

    def _connect(self, actions: list[QAction | None]) -> None:
        """The box and the filters to the pane's signals; both views to the preview and the result actions."""
        self.search_box.textChanged.connect(self.query_edited)
        self.search_box.returnPressed.connect(self.query_entered)
        self.search_box.file_dropped.connect(self.file_dropped)
        self.search_box.down_pressed.connect(self.focus_results)
        self.filter_bar.changed.connect(self._kind_changed)
        for view in (self.documents_view, self.photos_view):
            view.activated.connect(lambda _index: self.activated.emit())
            view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
            view.addActions([a for a in actions if a is not None])
            view.leave_up.connect(self.focus_search)
            # Only the visible tab drives the preview (both get a current row when results arrive).
            view.selectionModel().currentChanged.connect(
                lambda cur, _prev, v=view: self.select(cur) if v is self.current_view() else None)
        self.tabs.currentChanged.connect(lambda _i: self.select(self.current_view().currentIndex()))

    def current_view(self) -> ResultsTree | PhotoGrid:
        return self.documents_view if self.tabs.currentIndex() == DOCUMENTS_TAB else self.photos_view

    def show_tab(self, space: str) -> None:
        """The tab that lists a space's results ("text" or "image")."""
        self.tabs.setCurrentIndex(DOCUMENTS_TAB if space == "text" else PHOTOS_TAB)

    def _kind_changed(self) -> None:
        kind = self.filter_bar.kind_value()
        self.tabs.setTabEnabled(DOCUMENTS_TAB, kind != "image")
        self.tabs.setTabEnabled(PHOTOS_TAB, kind != "text")
        if kind in ("image", "text"):
            self.show_tab(kind)
        self.kind_changed.emit()

    # -- results ------------------------------------------------------------------------------

    def show_results(self, results: Results) -> None:
        self.current = results
        shown, self.weaker = good_and_weaker(results)
        self.documents.set_results(shown, results.query, results.marks)
        self.photos.set_results(results.photos, results.query, results.marks)
        self._show_weaker_button()
        tr = self.tr
        self.tabs.setTabText(DOCUMENTS_TAB, tr("Documents  {count}").format(count=len(shown)) if results.label
                             else tr("Documents"))
        self.tabs.setTabText(PHOTOS_TAB, tr("Photos  {count}").format(count=len(results.photos)) if results.label
                             else tr("Photos"))
        self._placeholders(results)
        self._to_the_tab_with_results(len(shown), len(results.photos))
        self.summary.setText(tr("Similar to “{label}”").format(label=results.label) if results.similar else "")
        for view, model in ((self.documents_view, self.documents), (self.photos_view, self.photos)):
            if model.rowCount() > 0:
                view.setCurrentIndex(model.index(0, 0))  # the best hit previews at once; focus stays in the box
                view.scrollToTop()
        self.select(self.current_view().currentIndex())

    def _to_the_tab_with_results(self, documents: int, photos: int) -> None:
        """An answer only the other tab has is shown there: photo-only results left the user on
        Documents reading "No good matches" (issue 24)."""
        on_documents = self.tabs.currentIndex() == DOCUMENTS_TAB
        if on_documents and not documents and photos and self.tabs.isTabEnabled(PHOTOS_TAB):
            self.show_tab("image")
        elif not on_documents and not photos and documents and self.tabs.isTabEnabled(DOCUMENTS_TAB):
            self.show_tab("text")

    def _show_weaker_button(self) -> None:
        n = len(self.weaker)
        self.show_weaker.setVisible(n > 0)
        self.show_weaker.setText(self.tr("Show 1 weaker match") if n == 1
                                 else self.tr("Show {count} weaker matches").format(count=n))

    def reveal_weaker(self) -> None:
        """Every hit the search found, the weak ones after the good ones."""
        if not self.weaker:
            return
        results = self.current
        self.weaker = []
        current = self.documents_view.currentIndex().row()
        self.documents.set_results(results.documents, results.query, results.marks)
        self._show_weaker_button()
        self.tabs.setTabText(DOCUMENTS_TAB, self.tr("Documents  {count}").format(count=len(results.documents)))
        if self.documents.rowCount():
            self.documents_view.setCurrentIndex(self.documents.index(max(0, current), 0))

    def set_library_empty(self, empty: bool) -> None:
        """An empty library says how to add folders instead of how to search."""
        if empty != self.empty_library:
            self.empty_library = empty
            self._placeholders(self.current)

    def _placeholders(self, results: Results) -> None:
        documents, photos = self.documents_view, self.photos_view
        tr, label = self.tr, results.label
        if self.empty_library:
            title, detail = tr("Your library is empty"), tr("Drop folders here, or choose File ▸ Add Folder… (Ctrl+O).")
            documents.set_placeholder(title, detail)
            photos.set_placeholder(title, detail)
        elif results.similar:
            documents.set_placeholder(tr("No similar documents"), "")
            photos.set_placeholder(tr("No similar photos"), tr("Photo similarity needs the photo model."))
        elif results.label and self.weaker:
            documents.set_placeholder(tr("No good matches for “{label}”").format(label=label),
                                      tr("The closest documents are weak matches: show them with the button below."))
            photos.set_placeholder(tr("No photos match “{label}”").format(label=label),
                                   tr("Try other words, or widen the folder and date filters."))
        elif results.label:
            detail = tr("Try other words, or widen the folder and date filters.")
            # The other tab's answer, named on the empty one (the window shows that tab at once).
            in_photos = len(results.photos)
            in_documents = len(results.documents)
            documents.set_placeholder(tr("No documents match “{label}”").format(label=label),
                                      (tr("1 photo matches: see the Photos tab.") if in_photos == 1 else
                                       tr("{count} photos match: see the Photos tab.").format(count=in_photos))
                                      if in_photos else detail)
            photos.set_placeholder(tr("No photos match “{label}”").format(label=label),
                                   (tr("1 document matches: see the Documents tab.") if in_documents == 1 else
                                    tr("{count} documents match: see the Documents tab.").format(count=in_documents))
                                   if in_documents else detail)
        else:
            documents.set_placeholder(tr("Search by meaning"), tr(
                "Type what you are looking for — “notes about the boiler service”, "
                "“how to install packages” — and the best passages appear here as you type."))
            photos.set_placeholder(
                tr("Search your photos"), tr("Describe a picture — “cat on a sofa”, “rocket launch” — to find it."))

    def failed(self, message: str, title: str = "", space: str | None = None) -> None:
        """No results, and why: nothing of the previous answer stays (its "Similar to …", its counts).
        `space` ("text"/"image") is the tab the failure is about; it is shown."""
        self.current = Results("", "")
        self.weaker = []
        self._show_weaker_button()
        self.documents.set_results([], "", {})
        self.photos.set_results([], "", {})
        self.tabs.setTabText(DOCUMENTS_TAB, self.tr("Documents"))
        self.tabs.setTabText(PHOTOS_TAB, self.tr("Photos"))
        self.summary.setText("")
        for view in (self.documents_view, self.photos_view):
            view.set_placeholder(title or self.tr("The search did not work"), message)
        if space is not None:
            self.show_tab(space)
        self.select(QModelIndex())

    def busy(self, busy: bool) -> None:
        if busy and not self.current.similar:
            self.summary.setText(self.tr("Searching…"))
        elif not busy and self.summary.full_text() == self.tr("Searching…"):
            self.summary.setText("")

    def select(self, index: QModelIndex | QPersistentModelIndex) -> None:
        hit = index.data(Role.HIT) if index.isValid() and index.model() is not None else None
        if hit is None:
            self.current_changed.emit(None, None, "", None)
            return
        passage = index.data(Role.PASSAGE) if hit.kind == "text" else None
        self.current_changed.emit(hit, passage, self.current.query, index.data(Role.MARK))

    def mark_changed(self, path: str, record: MarkRecord | None) -> None:
        self.documents.set_mark(path, record)
        self.photos.set_mark(path, record)

    # -- focus ------------------------------------------------------------------------------

    def clear_query(self) -> None:
        """An empty search box, without a search for the empty text."""
        self.search_box.blockSignals(True)
        self.search_box.clear()
        self.search_box.blockSignals(False)
        self.chips.show_query("")

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def focus_results(self) -> None:
        view = self.current_view()
        view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not view.currentIndex().isValid() and view.model().rowCount() > 0:
            view.setCurrentIndex(view.model().index(0, 0, QModelIndex()))


def good_and_weaker(results: Results) -> tuple[list[Hit], list[Hit]]:
    """A typed query's documents split at the core's cut-off for the model that scored them (on the score
    the core gives). "More like this" lists are not cut: their scores are similarities, not relevance."""
    if results.similar or not results.query:
        return list(results.documents), []
    good = [h for h in results.documents if h.score >= results.good_match]
    return good, [h for h in results.documents if h.score < results.good_match]
