"""The Map tab: a toolbar, the canvas, and a bar of actions for a lasso selection.

The map job runs on a pool of its own (one thread): laying out 50k items takes minutes and must
not hold up searches (reads) or indexing (writes). The first UMAP call compiles numba code for
tens of seconds, another reason it never runs on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from desktop.core.common.errors import Cancelled
from desktop.core.common.jobs import CancelToken, Progress, run_job
from desktop.core.common.records import Hit, LayoutOptions
from desktop.gui.common.elided_label import ElidedLabel
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.common.workers import Throttle, Workers
from desktop.gui.map.canvas import MapCanvas

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi, MapPoint, MapView

# Names marked for translation here (context MapTab), translated when the combo boxes are filled.
SPACES = [(QT_TRANSLATE_NOOP("MapTab", "Documents"), "text"), (QT_TRANSLATE_NOOP("MapTab", "Passages"), "passages"),
          (QT_TRANSLATE_NOOP("MapTab", "Photos"), "image")]  # passages: a point each
COLOURS = [(QT_TRANSLATE_NOOP("MapTab", "Cluster"), "cluster"), (QT_TRANSLATE_NOOP("MapTab", "Folder"), "folder"),
           (QT_TRANSLATE_NOOP("MapTab", "File type"), "kind"), (QT_TRANSLATE_NOOP("MapTab", "Date"), "date"),
           (QT_TRANSLATE_NOOP("MapTab", "Person"), "person")]


OPENING_STEPS = ("", "reading the library", "reading titles and dates")  # a saved map's steps: no layout


def tr(text: str) -> str:
    return QCoreApplication.translate("MapTab", text)


def photo_map_note(waiting: int, problem: str | None) -> str:
    """Why the photo map is empty: photos waiting for the photo model are not "no photos" (issue 13)."""
    if waiting == 1:
        return tr("1 photo waits for the photo model: it appears here once it is set up (see the banner above "
                  "the photos).")
    if waiting:
        return tr("{count} photos wait for the photo model: they appear here once it is set up (see the banner "
                  "above the photos).").format(count=f"{waiting:,}")
    if problem:
        return tr("The photo map needs the photo model: {problem}").format(problem=problem)
    return tr("No photos to map yet. Add a folder with pictures to the library.")


def selection_words(space: str, points: int, files: int) -> tuple[str, str]:
    """(the selection bar's text, the label of "Find similar"): the same counts in both. On the
    passages map a point is a passage, so "265 selected" once became "Similar to 19 items" (issue 13).
    Whole sentences for translators: the counts are filled in after translation."""
    n_points, n_files = f"{points:,}", f"{files:,}"
    if space == "passages":
        passages = tr("1 passage") if points == 1 else tr("{count} passages").format(count=n_points)
        things = tr("1 document") if files == 1 else tr("{count} documents").format(count=n_files)
        return (tr("{passages} selected, in {documents}").format(passages=passages, documents=things),
                tr("the {passages} selected on the map (in {documents})").format(passages=passages, documents=things))
    if space == "image":
        things = tr("the photo selected on the map") if files == 1 else \
            tr("the {count} photos selected on the map").format(count=n_files)
    else:
        things = tr("the document selected on the map") if files == 1 else \
            tr("the {count} documents selected on the map").format(count=n_files)
    return tr("{count} selected").format(count=n_points), things


def item_hit(item: MapPoint, kind: str) -> Hit:
    """A point of the map as a search hit, so it previews and acts like one."""
    return Hit(file_id=item.file_id, path=item.path, kind=kind, score=0.0, snippet=item.snippet,
               title=item.title, folder=item.group, mtime=item.date or None,
               thumbnail=item.thumb or None)


class MapTab(QWidget):
    clicked = Signal(object, str)  # the point as a Hit, the query on screen (it is selected, too)
    opened = Signal(list)  # [path] of a double-clicked point
    similar_requested = Signal(str, list, str)  # space, file ids, label
    mark_requested = Signal(str, list, bool)  # query, file ids, relevant
    open_requested = Signal(list)  # paths
    copy_requested = Signal(list)  # paths
    failed = Signal(object)  # exception

    def __init__(self, workers: Workers, library: Callable[[], LibraryApi | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.library = library
        self.pool = workers.own_pool(self)
        self.token: CancelToken | None = None
        self.maps: dict[str, MapView] = {}  # "text", "passages" or "image" -> the current library's map
        self.stale: set[str] = set()  # spaces whose library changed since their map was made
        self.running: str | None = None
        self.query = ""
        self.searched = False  # a query or "more like this" is on screen: dim what it did not find
        self.hits: dict[str, list[int]] = {"text": [], "image": []}
        self.selected: list[int] = []
        self.options: LayoutOptions | None = None  # for the core job; None = its defaults (tests set fewer epochs)
        self.photo_note: dict[str, str] = {}  # space -> why its map is empty (from the job, kept by _done)
        self._build()

    def _build(self) -> None:
        self.space = QComboBox()
        for text, value in SPACES:
            self.space.addItem(self.tr(text), value)
        self.space.setAccessibleName(self.tr("Map of"))
        self.colour = QComboBox()
        for text, value in COLOURS:
            self.colour.addItem(self.tr(text), value)
        self.colour.setAccessibleName(self.tr("Colour by"))
        self.lasso = QToolButton()
        self.lasso.setText(self.tr("Lasso"))
        self.lasso.setCheckable(True)
        self.lasso.setToolTip(self.tr("Draw around points to select them (or hold Shift and drag)"))
        self.fit = QToolButton()
        self.fit.setText(self.tr("Fit"))
        self.fit.setToolTip(self.tr("Show the whole map"))
        self.rearrange = QPushButton(self.tr("Re-arrange"))
        self.rearrange.setToolTip(self.tr("Lay the map out again from scratch (new items are otherwise added in "
                                          "place)"))
        self.cancel = QPushButton(self.tr("Cancel"))
        self.cancel.hide()
        self.status = ElidedLabel()  # long progress lines shorten instead of widening the window
        self.status.setObjectName("mapStatus")
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.tr("Show")), self.space, QLabel(self.tr("Colour by")), self.colour, self.lasso,
                       self.fit):
            top.addWidget(widget)
        top.addStretch(1)
        top.addWidget(self.cancel)
        top.addWidget(self.rearrange)

        self.canvas = MapCanvas()
        self._build_selection_bar()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(top)
        # A line of its own: beside the controls it had a few dozen pixels and read "0 photos, 0 named clu…".
        layout.addWidget(self.status)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.selection_bar)

        self._connect()

    def _build_selection_bar(self) -> None:
        """What to do with the points selected: shown while there are some."""
        self.selection_label = ElidedLabel()
        self.similar = QPushButton(self.tr("Find similar"))
        self.relevant = QPushButton(self.tr("✓ Relevant"))
        self.not_relevant = QPushButton(self.tr("✗ Not relevant"))
        self.open_all = QPushButton(self.tr("Open"))
        self.copy_paths = QPushButton(self.tr("Copy paths"))
        self.clear_selection = QToolButton()
        self.clear_selection.setText(self.tr("Clear"))
        self.selection_bar = QWidget()
        bar = QHBoxLayout(self.selection_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.selection_label, 1)
        for button in (self.similar, self.relevant, self.not_relevant, self.open_all, self.copy_paths,
                       self.clear_selection):
            bar.addWidget(button)
        self.selection_bar.hide()

    def _connect(self) -> None:
        self.space.currentIndexChanged.connect(lambda _i: self._space_changed())
        self.colour.currentIndexChanged.connect(lambda _i: self.canvas.set_colour_by(self.colour_by))
        self.lasso.toggled.connect(lambda on: setattr(self.canvas, "lasso_mode", on))
        self.fit.clicked.connect(self.canvas.fit)
        self.rearrange.clicked.connect(lambda: self.compute(rearrange=True))
        self.cancel.clicked.connect(self.stop_job)
        self.canvas.clicked.connect(self._clicked)
        self.canvas.opened.connect(lambda item: self.opened.emit([item.path]))
        self.canvas.lassoed.connect(self.select)
        self.similar.clicked.connect(self._similar)
        self.relevant.clicked.connect(lambda: self.mark_requested.emit(self.query, self.selected_file_ids(), True))
        self.not_relevant.clicked.connect(lambda: self.mark_requested.emit(self.query, self.selected_file_ids(), False))
        self.open_all.clicked.connect(lambda: self.open_requested.emit(self.selected_paths()))
        self.copy_paths.clicked.connect(lambda: self.copy_requested.emit(self.selected_paths()))
        self.clear_selection.clicked.connect(lambda: self.select([]))

    @property
    def space_value(self) -> str:
        return str(self.space.currentData())

    @property
    def colour_by(self) -> str:
        return str(self.colour.currentData())

    @property
    def current(self) -> MapView | None:
        return self.maps.get(self.space_value)

    # -- computing ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Another library: forget its maps (they are cached in that library, not here)."""
        self.stop_job()
        self.maps.clear()
        self.stale.clear()
        self.select([])
        self.canvas.set_map(None, self.colour_by)
        self.canvas.empty_text = self.tr("The map appears here.")
        if self.isVisible():
            self.ensure()

    def library_changed(self) -> None:
        """Indexing finished: new items are placed (old ones stay put) when the map is next shown."""
        self.stale.update(self.maps)
        if self.isVisible():
            self.ensure()

    def ensure(self) -> None:
        space = self.space_value
        if self.running is None and (space not in self.maps or space in self.stale):
            self.compute()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self.ensure()

    def compute(self, *, rearrange: bool = False) -> None:
        library = self.library()
        if library is None or self.running is not None:
            return
        space = self.running = self.space_value
        self.token = token = CancelToken()
        options = self.options
        self.rearrange.setEnabled(False)
        self.cancel.show()
        self.status.setText(self.tr("Preparing the map…"))
        if self.current is None:
            # A saved map opens in a moment: "Laying out…" only once the job says it lays one out.
            self.canvas.empty_text = self.tr("Opening the map…")
            self.canvas.update()

        def work(report: Callable[[Progress], None]) -> tuple[MapView, str | None]:
            """On the worker: the map, and why it is empty if it is a photo map with nothing on it. It
            touches no widget state; _done keeps both on the UI thread."""
            vectors = "text" if space == "passages" else space
            # In a child process: UMAP's and numba's memory goes back to the system when it ends (issue 24).
            job = library.map(vectors, per_chunk=space == "passages", rearrange=rearrange, options=options,
                              cancel=token, apart=True)
            data = run_job(job, Throttle(report, 0.3))
            note = None
            if vectors == "image" and len(data) == 0:  # why there is nothing to map, in words
                status = library.status()
                note = photo_map_note(status.counts.get("waiting_model", 0), status.clip_problem)
            return data, note

        self.workers.submit(self.pool, work, progress=self._progress,
                            done=lambda result: self._done(space, *result),
                            failed=lambda error: self._failed(space, error))

    def stop_job(self) -> None:
        if self.token is not None:
            self.token.cancel()

    def stop(self) -> None:
        """The window is closing: cancel and wait (the job gives up between its steps)."""
        self.stop_job()
        self.pool.clear()
        self.pool.waitForDone(10000)

    def _progress(self, progress: Progress) -> None:
        if self.running != self.space_value:
            return  # another space's map is being made; the shown one is not changing
        self.status.setText(progress.message or progress.describe())
        if self.current is None and progress.message not in OPENING_STEPS:
            self.canvas.empty_text = self.tr("Laying out the map… (the first map takes a while)")
            self.canvas.update()

    def _finish(self) -> None:
        self.running, self.token = None, None
        self.rearrange.setEnabled(True)
        self.cancel.hide()

    def _done(self, space: str, data: MapView, note: str | None = None) -> None:
        self._finish()
        if note is not None:
            self.photo_note[space] = note
        self.maps[space] = data
        self.stale.discard(space)
        if space == self.space_value:  # a map made for another space says nothing about the one shown
            self.status.setText(self._summary(space, data))
            self._show(data)
        self.ensure()  # the user may have switched to another space meanwhile

    def _summary(self, space: str, data: MapView) -> str:
        """'1,234 documents, 12 named clusters, 5 added since the last arrangement', in whole phrases."""
        tr, count = self.tr, f"{len(data):,}"
        if space == "text":
            items = tr("1 document") if len(data) == 1 else tr("{count} documents").format(count=count)
        elif space == "passages":
            items = tr("1 passage") if len(data) == 1 else tr("{count} passages").format(count=count)
        else:
            items = tr("1 photo") if len(data) == 1 else tr("{count} photos").format(count=count)
        clusters = len(data.labels)
        named = tr("1 named cluster") if clusters == 1 else tr("{count} named clusters").format(count=clusters)
        if not data.placed:
            return tr("{items}, {clusters}").format(items=items, clusters=named)
        return tr("{items}, {clusters}, {added} added since the last arrangement").format(
            items=items, clusters=named, added=f"{data.placed:,}")

    def _failed(self, space: str, error: BaseException) -> None:
        self._finish()
        if isinstance(error, Cancelled):
            self.status.setText(self.tr("Map cancelled."))
            return
        self.status.setText(self.tr("The map could not be made."))
        self.failed.emit(error)

    def _show(self, data: MapView) -> None:
        if data.kind == "text":
            self.canvas.empty_text = self.tr("No documents to map yet. Add a folder to the library.")
        else:
            self.canvas.empty_text = self.photo_note.get(self.space_value) or photo_map_note(0, None)
        self.select([])
        self.canvas.set_map(data, self.colour_by)
        self._apply_highlight()

    def _space_changed(self) -> None:
        data = self.current
        # The line above the map always speaks of the map shown (issue 24: "0 photos, 0 named clusters"
        # stayed above 53 documents after a look at the photo map).
        self.status.setText(self._summary(self.space_value, data) if data is not None else "")
        if data is None:
            self.canvas.empty_text = self.tr("Preparing the map…")
        self.canvas.set_map(data, self.colour_by)
        self.select([])
        self._apply_highlight()
        self.ensure()

    # -- search results and selection ---------------------------------------------------------

    def show_results(self, results: Any) -> None:
        """Light up the current query's hits; everything else is dimmed (no query: nothing dimmed)."""
        self.query = results.query
        self.searched = bool(results.label)
        self.hits = {"text": [h.file_id for h in results.documents], "image": [h.file_id for h in results.photos]}
        self._apply_highlight()
        self._update_selection_bar()

    def _apply_highlight(self) -> None:
        data = self.current
        if data is None:
            return
        if not self.searched:
            self.canvas.set_highlight(None)
        else:
            self.canvas.set_highlight(data.indices_of_files(self.hits[data.kind]))

    def select(self, indices: list[int]) -> None:
        self.selected = list(indices)
        self.canvas.set_selection(self.selected)
        self._update_selection_bar()

    def selected_file_ids(self) -> list[int]:
        data = self.current
        return list(dict.fromkeys(data.item(i).file_id for i in self.selected)) if data is not None else []

    def selected_paths(self) -> list[str]:
        data = self.current
        return list(dict.fromkeys(data.item(i).path for i in self.selected)) if data is not None else []

    def _update_selection_bar(self) -> None:
        count = len(self.selected)
        self.selection_bar.setVisible(count > 0)
        self.selection_label.setText(selection_words(self.space_value, count, len(self.selected_file_ids()))[0])
        for button in (self.relevant, self.not_relevant):
            button.setEnabled(bool(self.query))
            button.setToolTip(self.tr("Mark the selection for “{query}”").format(query=self.query) if self.query
                              else self.tr("Type a query first: marks belong to a query"))

    def _clicked(self, item: MapPoint) -> None:
        self.select([item.index])
        current = self.current
        if current is not None:  # a click comes from the map on screen
            self.clicked.emit(item_hit(item, current.kind), self.query)

    def _similar(self) -> None:
        ids, current = self.selected_file_ids(), self.current
        if ids and current is not None:
            label = selection_words(self.space_value, len(self.selected), len(ids))[1]
            self.similar_requested.emit(current.kind, ids, label)
