"""Face pictures for the People window: a face cut out of its photo with some room around it, made on a
worker thread (QImage, not QPixmap, is safe there). The box is in fractions of the photo as it is meant
to be seen, so the photo is read with its EXIF turn applied, as the faces phase read it."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QImageReader

FACE_SIDE = 96
ROOM = 0.25  # of the face's size on each side: hair and chin, as a face list shows them


def face_image(path: str, box: tuple[float, float, float, float], side: int = FACE_SIDE) -> QImage:
    """The face, `side` pixels square; an empty image when the photo cannot be read any more."""
    reader = QImageReader(path)
    reader.setAutoTransform(True)
    image = reader.read()
    if image.isNull():
        return QImage()
    left, top, right, bottom = box
    w, h = image.width(), image.height()
    width, height = (right - left) * w, (bottom - top) * h
    size = max(width, height) * (1 + 2 * ROOM)
    x = int(left * w + width / 2 - size / 2)
    y = int(top * h + height / 2 - size / 2)
    face = image.copy(QRect(x, y, int(size), int(size)))  # outside the photo is filled, not an error
    return face.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio,
                       Qt.TransformationMode.SmoothTransformation)
