"""Search as you type: debounce keystrokes, run the latest query off the UI thread, drop stale answers.

Each request gets a generation number. A request that is still queued when a newer one
arrives is skipped before it touches a model, and an answer that comes back after a newer
request was made is ignored, so results never flicker back to an older query.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.core.common.records import Filters, Hit, MarkRecord
from desktop.core.library import GOOD_MATCH
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi

DEBOUNCE_MS = 150
DOCUMENT_TOP = 30
PHOTO_TOP = 200


@dataclass(frozen=True)
class Results:
    query: str  # "" for "more like this"
    label: str  # what the user sees as the subject of the results
    documents: list[Hit] = field(default_factory=list)
    photos: list[Hit] = field(default_factory=list)
    marks: dict[str, MarkRecord] = field(default_factory=dict)  # path -> mark for this query
    similar: bool = False
    good_match: float = GOOD_MATCH  # the text model's cut-off for these documents' scores


class _Stale(Exception):
    """A newer request replaced this one before it started."""


class SearchController(QObject):
    results = Signal(object)  # Results
    failed = Signal(object)  # exception
    busy = Signal(bool)

    def __init__(self, workers: Workers, library: Callable[[], LibraryApi | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workers = workers
        self.library = library  # a getter: the window may switch libraries
        self.filters = Filters()
        self.kind = "all"  # "all", "text" or "image"
        self.query = ""
        self.like: str | None = None  # an example file the results should look like (dropped on the box)
        self._generation = 0
        self._running = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self.run_now)

    @property
    def generation(self) -> int:
        return self._generation

    def set_query(self, text: str) -> None:
        self.query = text
        self._generation += 1  # answers to what was typed before are stale from now on
        self._timer.start()

    def set_filters(self, filters: Filters, kind: str) -> None:
        self.filters, self.kind = filters, kind
        if self.query.strip():
            self.run_now()

    def run_now(self) -> None:
        self._timer.stop()
        query = " ".join(self.query.split())
        if not query and self.like is None:
            self._generation += 1
            self.results.emit(Results("", ""))
            return
        filters, kind, like = self.filters, self.kind, self.like
        self._submit(lambda lib: self._search(lib, query, filters, kind, like), query)

    def similar(self, target: str | int, label: str, *, chunk_id: int | None = None) -> None:
        """'More like this' for a library item (file id), a passage, or any file on disk (path)."""
        self._timer.stop()

        def work(lib: LibraryApi) -> Results:
            if chunk_id is not None:
                hits = lib.similar_passage(chunk_id, top=DOCUMENT_TOP)
            else:
                hits = lib.similar(target, top=max(DOCUMENT_TOP, 60), kind="all")
            return Results(
                "", label,
                documents=[h for h in hits if h.kind == "text"],
                photos=[h for h in hits if h.kind == "image"],
                similar=True,
            )

        self._submit(work, label)

    def show_work(self, find: Callable[[LibraryApi], list[Hit]], label: str) -> None:
        """Results of any core call (e.g. items like a map selection), shown as 'similar to <label>'."""
        self._timer.stop()

        def work(lib: LibraryApi) -> Results:
            hits = find(lib)
            return Results("", label, documents=[h for h in hits if h.kind == "text"],
                           photos=[h for h in hits if h.kind == "image"], similar=True)

        self._submit(work, label)

    def _submit(self, work: Callable[[LibraryApi], Results], subject: str) -> None:
        self._generation += 1
        generation = self._generation
        library = self.library()
        if library is None:
            return

        def run() -> Results:
            if generation != self._generation:
                raise _Stale()
            return work(library)

        self._running += 1
        self.busy.emit(True)
        self.workers.submit(
            self.workers.reads, run,
            done=lambda result: self._done(generation, result),
            failed=lambda error: self._failed(generation, error),
        )

    @staticmethod
    def _search(lib: LibraryApi, query: str, filters: Filters, kind: str, like: str | None = None) -> Results:
        documents = lib.search_documents(query, top=DOCUMENT_TOP, filters=filters, like=like) \
            if kind in ("all", "text") else []
        photos = lib.search_photos(query, top=PHOTO_TOP, filters=filters, like=like) if kind in ("all", "image") else []
        marks = {m.path: m for m in lib.marks(query)}
        return Results(query, query, documents, photos, marks, good_match=lib.good_match())

    def _finished_one(self) -> None:
        self._running -= 1
        if self._running == 0:
            self.busy.emit(False)

    def _done(self, generation: int, result: Results) -> None:
        self._finished_one()
        if generation == self._generation:
            self.results.emit(result)

    def _failed(self, generation: int, error: BaseException) -> None:
        self._finished_one()
        if generation == self._generation and not isinstance(error, _Stale):
            self.failed.emit(error)


def describe_target(path: str) -> str:
    return os.path.basename(path.rstrip("/")) or path


def dropped_file(paths: list[Path]) -> Path | None:
    """The one regular file in a drop onto the search box, if there is exactly one."""
    files = [p for p in paths if p.is_file()]
    return files[0] if len(files) == 1 else None
