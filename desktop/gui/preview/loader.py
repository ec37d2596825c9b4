"""Fills the preview pane for a hit: shown at once, then completed off the UI thread.

A document's full text and a photo at preview size take a moment to read, so the pane first
shows what the hit already carries, and the loader fills in the rest when a worker has it.
The last document's text is kept, so moving between its passages does not read it again; it is
kept for the version the catalog indexed (file id and mtime), so an edited file is read afresh.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Signal
from PySide6.QtGui import QImage, QImageReader, QPixmap

from desktop.core.common.records import Hit, Passage, PictureLine
from desktop.gui.common.thumbnails import read_image
from desktop.gui.common.workers import Workers
from desktop.gui.preview.pane import PreviewPane, pixel_size

if TYPE_CHECKING:
    from desktop.core.library.protocols import Searching

PREVIEW_SIZE = QSize(1600, 1600)


def read_preview(path: str) -> tuple[QImage, int, int]:
    """A photo decoded at preview size, and its full size in pixels (runs on a worker)."""
    size = QImageReader(path).size()
    return read_image(path, PREVIEW_SIZE), size.width(), size.height()


class PreviewLoader(QObject):
    failed = Signal(str)  # a document's text could not be read: a sentence for the status bar

    def __init__(self, pane: PreviewPane, workers: Workers, library: Callable[[], Searching | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pane, self.workers, self.library = pane, workers, library
        # The last document's text, by (file id, mtime): the hit's passages refer to that version.
        self._text_cache: tuple[tuple[int, float | None], str] | None = None

    def show(self, hit: Hit | None, passage: Passage | None, query: str, thumbnail: QPixmap | None = None) -> None:
        if hit is None:
            self.pane.clear()
        elif hit.found_in == "text in photo":
            self.pane.show_picture_text(hit, passage, query, thumbnail)
            self._load_picture_text(hit)
        elif hit.kind == "text":
            self.pane.show_document(hit, passage, query)
            self._load_text(hit)
        else:
            self.pane.show_photo(hit, thumbnail)
            self.workers.submit(self.workers.thumbs, read_preview, hit.path,
                                done=partial(self._photo_loaded, hit.path))

    def forget(self) -> None:
        """Another library: its documents are other documents."""
        self._text_cache = None

    def _load_text(self, hit: Hit) -> None:
        file_id, version = hit.file_id, (hit.file_id, hit.mtime)
        if self._text_cache and self._text_cache[0] == version:
            self.pane.set_document_text(file_id, self._text_cache[1])
            return
        library = self.library()
        if library is None:
            return

        def loaded(text: str) -> None:
            self._text_cache = (version, text)
            self.pane.set_document_text(file_id, text)

        self.workers.submit(self.workers.catalog, library.document_text, file_id, done=loaded,
                            failed=lambda error: self.failed.emit(str(error)))

    def _load_picture_text(self, hit: Hit) -> None:
        library = self.library()
        if library is None:
            return
        file_id, path = hit.file_id, hit.path

        def read() -> tuple[str, list[PictureLine]]:
            return library.document_text(file_id), library.picture_lines(file_id)

        def loaded(result: tuple[str, list[PictureLine]]) -> None:
            if self.pane.hit is not None and self.pane.hit.file_id == file_id:
                self.pane.picture_text.set_text(*result)

        def pictured(result: tuple[QImage, int, int]) -> None:
            if self.pane.hit is not None and self.pane.hit.file_id == file_id and not result[0].isNull():
                self.pane.picture_text.set_picture(QPixmap.fromImage(result[0]))

        self.workers.submit(self.workers.catalog, read, done=loaded, failed=lambda error: self.failed.emit(str(error)))
        self.workers.submit(self.workers.thumbs, read_preview, path, done=pictured)

    def _photo_loaded(self, path: str, result: tuple[QImage, int, int]) -> None:
        image, width, height = result
        if not image.isNull():
            self.pane.set_photo(path, QPixmap.fromImage(image), pixel_size(width, height))
