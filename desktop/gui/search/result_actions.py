"""What can be done with the selected result: open, reveal, more like this, copy path, mark.

One set of QActions serves the preview's buttons, the context menus, the Result menu and
the shortcuts, and each is enabled only when it applies to the current selection. The same
things done to several items at once (a selection on the map) are here too.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStyle, QWidget

from desktop.core.common.records import Hit, LibraryStatus, MarkRecord, Passage
from desktop.gui.common.desktop_ops import DesktopOps
from desktop.gui.common.hits import hit_title
from desktop.gui.common.translate import QT_TRANSLATE_NOOP
from desktop.gui.common.workers import Workers

if TYPE_CHECKING:
    from desktop.core.library.protocols import Marks

MAX_OPEN = 20  # opening hundreds of files at once is never what a click meant
# Marked for translation here, translated where they are shown (self.tr).
SIMILAR_TIP = QT_TRANSLATE_NOOP("ResultActions", "Find items similar to this one (Ctrl+M)")
NO_PHOTO_VECTOR = QT_TRANSLATE_NOOP("ResultActions", "More like this needs the photo model: this photo waits for it "
                                    "(set it up from the banner above the photos).")


class ResultActions(QObject):
    mark_changed = Signal(str, object)  # path, MarkRecord | None
    similar_requested = Signal(object, str, object)  # file id, label, chunk id | None
    message = Signal(str)  # a short note for the status bar
    error = Signal(object, str)  # exception, what was being done
    open_failed = Signal(str)  # a path no program on this computer could open

    def __init__(
        self,
        parent: QWidget,
        workers: Workers,
        library: Callable[[], Marks | None],
        desktop: DesktopOps,
    ) -> None:
        super().__init__(parent)
        self.workers, self.library, self.desktop = workers, library, desktop
        self.hit: Hit | None = None
        self.passage: Passage | None = None
        self.query = ""
        self.current_mark: MarkRecord | None = None
        self.photo_model_ready = True
        self.waiting_photos: set[str] = set()  # photos with no CLIP vector yet
        style = parent.style()

        def action(
            text: str, shortcut: str | None, slot: Callable[[], None], icon: Any = None, tip: str = ""
        ) -> QAction:
            act = QAction(text, parent)
            if icon is not None:
                act.setIcon(style.standardIcon(icon))
            if shortcut:
                act.setShortcut(QKeySequence(shortcut))
            act.setToolTip(tip or text.replace("…", ""))
            act.triggered.connect(slot)
            parent.addAction(act)  # shortcuts work wherever focus is in the window
            return act

        SP = QStyle.StandardPixmap
        tr = self.tr
        self.open = action(tr("Open"), None, self.open_current, SP.SP_DialogOpenButton,
                           tr("Open in its default application (Enter)"))
        self.reveal = action(tr("Reveal"), "Ctrl+Shift+R", self.reveal_current, SP.SP_DirOpenIcon,
                             tr("Show it in the file manager (Ctrl+Shift+R)"))
        self.similar = action(tr("More like this"), "Ctrl+M", self.similar_current, SP.SP_FileDialogContentsView,
                              tr(SIMILAR_TIP))
        self.copy = action(tr("Copy path"), "Ctrl+Shift+C", self.copy_current, None,
                           tr("Copy the file's path (Ctrl+Shift+C)"))
        self.relevant = action(tr("Relevant"), "Alt+Up", lambda: self.toggle_mark(True), None,
                               tr("Relevant to this query (Alt+Up); teaches semdesk what you mean"))
        self.not_relevant = action(tr("Not relevant"), "Alt+Down", lambda: self.toggle_mark(False), None,
                                   tr("Not relevant to this query (Alt+Down)"))
        for act in (self.relevant, self.not_relevant):
            act.setCheckable(True)  # menus show the state with their check box, buttons stay pressed
        # The glyphs only on the preview's buttons (which use the icon text); in menus they would
        # repeat the check box.
        # What each does, for Help ▸ Keyboard Shortcuts (the tooltips carry the keys and change with the state).
        for act, does in ((self.open, tr("Open the selected result in its program")),
                          (self.reveal, tr("Show the selected result in the file manager")),
                          (self.similar, tr("Find items similar to the selected result")),
                          (self.copy, tr("Copy the selected result's path")),
                          (self.relevant, tr("Mark the selected result right for this search")),
                          (self.not_relevant, tr("Mark the selected result wrong for this search"))):
            act.setWhatsThis(does)
        self.relevant.setIconText(tr("✓ Relevant"))
        self.not_relevant.setIconText(tr("✗ Not relevant"))
        self.set_current(None)

    @property
    def all(self) -> list[QAction | None]:
        return [self.open, self.reveal, self.similar, self.copy, None, self.relevant, self.not_relevant]

    def set_current(self, hit: Hit | None, passage: Passage | None = None, query: str = "",
                    mark: MarkRecord | None = None) -> None:
        self.hit, self.passage, self.query, self.current_mark = hit, passage, query, mark
        for act in (self.open, self.reveal, self.similar, self.copy):
            act.setEnabled(hit is not None)
        reason = self.similar_problem(hit)
        if reason:  # disabled with the reason, rather than an empty grid and "not indexed yet" (issue 13)
            self.similar.setEnabled(False)
        self.similar.setToolTip(reason or self.tr(SIMILAR_TIP))
        self.similar.setStatusTip(reason or "")
        can_mark = hit is not None and bool(query)
        for act in (self.relevant, self.not_relevant):
            act.setEnabled(can_mark)
        if hit is not None and not query:
            self.relevant.setToolTip(
                self.tr("Marks belong to a typed query; 'more like this' results cannot be marked"))
        self._show_mark(mark)

    def set_library_status(self, status: LibraryStatus) -> None:
        """Which photos have a CLIP vector to compare: none without the photo model, and not those
        waiting for it."""
        self.photo_model_ready = status.clip_ready
        self.waiting_photos = {s.path for s in status.skipped if s.status == "waiting_model"}
        self.set_current(self.hit, self.passage, self.query, self.current_mark)

    def similar_problem(self, hit: Hit | None) -> str | None:
        if hit is None or hit.kind != "image":
            return None
        if not self.photo_model_ready or hit.path in self.waiting_photos:
            return self.tr(NO_PHOTO_VECTOR)
        return None

    def _show_mark(self, mark: MarkRecord | None) -> None:
        self.current_mark = mark
        self.relevant.setChecked(mark is not None and mark.relevant)
        self.not_relevant.setChecked(mark is not None and not mark.relevant)

    # -- actions --------------------------------------------------------------------------

    def open_current(self) -> None:
        if self.hit is None:
            return
        if not os.path.exists(self.hit.path):
            self.message.emit(self.tr("{path} is no longer there; re-scan its folder to update the library.").format(
                path=self.hit.path))
            return
        self.desktop.open(self.hit.path, self.open_failed.emit)

    def reveal_current(self) -> None:
        if self.hit is not None:
            self.desktop.reveal(self.hit.path)

    def copy_current(self) -> None:
        if self.hit is not None:
            self.desktop.copy_paths([self.hit.path])  # the text and the file's URL
            self.message.emit(self.tr("Path copied."))

    def similar_current(self) -> None:
        if self.hit is None:
            return
        problem = self.similar_problem(self.hit)
        if problem:
            self.message.emit(problem)
            return
        title = hit_title(self.hit)
        is_extra_passage = self.passage is not None and self.hit.passages and self.passage != self.hit.passages[0]
        if is_extra_passage and self.passage is not None:
            self.similar_requested.emit(self.hit.file_id, self.tr("this passage of {title}").format(title=title),
                                         self.passage.chunk_id)
        else:
            self.similar_requested.emit(self.hit.file_id, title, None)

    def toggle_mark(self, relevant: bool) -> None:
        hit, query, mark = self.hit, self.query, self.current_mark
        if hit is None or not query:
            self._show_mark(mark)
            return
        library = self.library()
        if library is None:  # no library open (yet): nothing to mark in
            self._show_mark(mark)
            return
        path = hit.path
        if mark is not None and mark.relevant == relevant:
            # Pressing the lit button again takes the mark back.
            self.workers.submit(
                self.workers.catalog, library.unmark, mark.mark_id,
                done=lambda _r: self._marked(path, None),
                failed=lambda e: self._failed(e, mark),
            )
            return
        chunk_id = self.passage.chunk_id if (self.passage is not None and hit.kind == "text") else None

        def work() -> MarkRecord:
            if mark is not None:
                library.unmark(mark.mark_id)  # one judgement per result and query
            return library.mark(query, hit.file_id, relevant, chunk_id=chunk_id)

        self.workers.submit(self.workers.catalog, work, done=lambda record: self._marked(path, record),
                            failed=lambda e: self._failed(e, mark))

    def _marked(self, path: str, record: MarkRecord | None) -> None:
        self.mark_changed.emit(path, record)
        if self.hit is not None and self.hit.path == path:
            self._show_mark(record)

    def _failed(self, error: BaseException, previous: MarkRecord | None) -> None:
        self._show_mark(previous)
        self.error.emit(error, "saving the mark")

    # -- several items at once ------------------------------------------------------------

    def open_paths(self, paths: list[str]) -> None:
        for path in paths[:MAX_OPEN]:
            self.desktop.open(path, self.open_failed.emit)
        if len(paths) > MAX_OPEN:
            self.message.emit(self.tr("Opened the first {shown} of {count} files.").format(shown=MAX_OPEN,
                                                                                             count=len(paths)))

    def copy_paths(self, paths: list[str]) -> None:
        self.desktop.copy_paths(paths)
        self.message.emit(self.tr("Copied 1 path.") if len(paths) == 1
                          else self.tr("Copied {count} paths.").format(count=len(paths)))

    def mark_items(self, query: str, file_ids: list[int], relevant: bool) -> None:
        library = self.library()
        if library is None or not query:
            return

        def work() -> list[MarkRecord]:
            return [library.mark(query, file_id, relevant) for file_id in file_ids]

        def done(records: list[MarkRecord]) -> None:
            for record in records:
                self._marked(record.path, record)
            sentence = (self.tr("Marked {count} items relevant for “{query}”.") if relevant
                        else self.tr("Marked {count} items not relevant for “{query}”."))
            self.message.emit(sentence.format(count=len(records), query=query))

        self.workers.submit(self.workers.catalog, work, done=done,
                            failed=lambda e: self.error.emit(e, "saving the marks"))
