"""Thumbnails decoded on worker threads and kept in QPixmapCache.

A view asks for the pixmap of each row it paints; a miss queues one decode (QImageReader,
scaled while decoding so a large photo never becomes a full-size QImage) and the model
repaints the row when `ready` fires. Only rows on screen are ever asked for, so a grid of
thousands of photos costs what a screenful costs.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QObject, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QGuiApplication, QImage, QImageReader, QPixmap, QPixmapCache

from desktop.gui.common.workers import Workers

# Photos shown in the preview pane are larger; give the cache room for a few hundred thumbnails.
QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 96 * 1024))


def read_image(path: str, size: QSize) -> QImage:
    """Decode `path` scaled to fit `size` (keeping its aspect), honouring EXIF orientation."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    original = reader.size()
    if original.isValid() and (original.width() > size.width() or original.height() > size.height()):
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return QImage()
    if image.width() > size.width() or image.height() > size.height():
        # Formats that ignore setScaledSize (some plugins) are scaled here instead.
        image = image.scaled(size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return image


class ThumbnailCache(QObject):
    ready = Signal(str)  # the source path whose pixmap is now cached

    def __init__(self, workers: Workers, size: int = 256, pool: QThreadPool | None = None) -> None:
        super().__init__()
        self.workers = workers
        self.pool = pool or workers.thumbs
        self.size = QSize(size, size)
        self._pending: set[str] = set()
        self._failed: set[str] = set()

    @staticmethod
    def ratio() -> float:
        """The sharpest screen's device pixel ratio: a 2x screen gets thumbnails with twice the pixels."""
        app = QGuiApplication.instance()
        return max(1.0, app.devicePixelRatio()) if isinstance(app, QGuiApplication) else 1.0

    def key(self, source: str) -> str:
        return f"thumb:{self.size.width()}@{self.ratio():g}:{source}"

    def pixmap(self, source: str) -> QPixmap | None:
        cached = QPixmap()
        if QPixmapCache.find(self.key(source), cached) and not cached.isNull():  # the typed form of find
            return cached
        if source not in self._pending and source not in self._failed:
            self._pending.add(source)
            self.workers.submit(
                self.pool, read_image, source, QSize(self.size) * self.ratio(),
                done=partial(self._loaded, source),
                failed=partial(self._unreadable, source),
            )
        return None

    def failed(self, source: str) -> bool:
        return source in self._failed

    def _unreadable(self, source: str, _error: BaseException) -> None:
        self._loaded(source, QImage())

    def _loaded(self, source: str, image: QImage) -> None:
        self._pending.discard(source)
        if image.isNull():
            self._failed.add(source)
        else:
            # QPixmap belongs to the UI thread: workers hand over a QImage, the conversion happens here.
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.ratio())  # same size on screen, every device pixel drawn
            QPixmapCache.insert(self.key(source), pixmap)
        self.ready.emit(source)

    def clear(self) -> None:
        self._failed.clear()
