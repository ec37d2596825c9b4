"""Puts the Map tab into the main window and connects it to search, preview, marks and the desktop.

Kept apart from main_window.py so the window stays about layout; everything the map needs from
the window (the preview pane, the search controller, the actions) is wired here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from desktop.core.common.records import Hit
from desktop.gui.map_tab import MapTab
from desktop.gui.window_parts import _read_preview

if TYPE_CHECKING:
    from desktop.gui.main_window import MainWindow

MAX_OPEN = 20  # opening hundreds of files at once is never what a click meant


def attach_map(w: MainWindow) -> MapTab:
    tab = MapTab(w.workers, lambda: w.library, w)
    w.tabs.addTab(tab, "Map")
    w.search.results.connect(tab.show_results)
    w.indexer.finished.connect(lambda _job, _result: tab.library_changed())
    tab.clicked.connect(lambda item: preview_item(w, tab, item))
    tab.opened.connect(lambda item: open_paths(w, [item.path]))
    tab.open_requested.connect(lambda paths: open_paths(w, paths))
    tab.copy_requested.connect(lambda paths: copy_paths(w, paths))
    tab.similar_requested.connect(lambda space, ids, label: similar_to_selection(w, space, ids, label))
    tab.mark_requested.connect(lambda ids, relevant: mark_selection(w, tab, ids, relevant))
    tab.failed.connect(lambda error: w.report_error(error, "while making the map"))
    return tab


def item_hit(item: Any, kind: str) -> Hit:
    return Hit(file_id=item.file_id, path=item.path, kind=kind, score=0.0, snippet=item.snippet,
               title=item.title, folder=item.group, mtime=item.date or None,
               thumbnail=item.thumb or None)


def preview_item(w: MainWindow, tab: MapTab, item: Any) -> None:
    """A clicked point shows in the preview pane, with the same actions as a search result."""
    hit = item_hit(item, tab.current.kind)
    w.actions_.set_current(hit, None, tab.query, None)
    tab.select([item.index])
    if hit.kind == "text":
        w.preview.show_document(hit, None, tab.query)
        w.results._load_text(hit.file_id)
    else:
        w.preview.show_photo(hit, None)
        w.workers.submit(w.workers.thumbs, _read_preview, hit.path,
                         done=lambda result, path=hit.path: w.results._photo_loaded(path, result))


def open_paths(w: MainWindow, paths: list[str]) -> None:
    for path in paths[:MAX_OPEN]:
        w.desktop.open(path)
    if len(paths) > MAX_OPEN:
        w.statusBar().showMessage(f"Opened the first {MAX_OPEN} of {len(paths)} files.", 6000)


def copy_paths(w: MainWindow, paths: list[str]) -> None:
    w.desktop.copy("\n".join(paths))
    w.statusBar().showMessage(f"Copied {len(paths)} path{'s' if len(paths) != 1 else ''}.", 6000)


def similar_to_selection(w: MainWindow, space: str, file_ids: list[int], label: str) -> None:
    w.search.show_work(lambda lib: lib.similar_to_selection(space, file_ids), label)
    w.tabs.setCurrentIndex(0 if space == "text" else 1)


def mark_selection(w: MainWindow, tab: MapTab, file_ids: list[int], relevant: bool) -> None:
    library, query = w.library, tab.query
    if library is None or not query:
        return

    def work() -> list[Any]:
        return [library.mark(query, file_id, relevant) for file_id in file_ids]

    def done(records: list[Any]) -> None:
        for record in records:
            w.results.mark_changed(record.path, record)
        verdict = "relevant" if relevant else "not relevant"
        w.statusBar().showMessage(f"Marked {len(records)} items {verdict} for “{query}”.", 6000)

    w.workers.submit(w.workers.catalog, work, done=done, failed=lambda e: w.report_error(e, "saving the marks"))
