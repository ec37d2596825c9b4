"""The preview of a photo whose words matched: the picture with the matching lines outlined, and
below it the text OCR read, selectable and copyable, with the matching passage marked.

Boxes come from the core as corners normalised to 0..1 of the picture (PictureLine), so they fit
the picture at whatever size the pane shows it.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen, QPixmap, QPolygonF, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSizePolicy, QSplitter, QVBoxLayout, QWidget

from desktop.core.common.ocr_confidence import hard_to_read
from desktop.core.common.records import PictureLine
from desktop.gui.common.highlight import query_terms, term_spans, utf16_offsets

MATCH_PEN = QColor("#e11d48")  # lines of the matching passage
OTHER_PEN = QColor(37, 99, 235, 110)  # the other lines OCR read, faint
PASSAGE_COLOUR = QColor("#fef3c7")
MAX_UPSCALE = 2


class OutlinedPicture(QWidget):
    """A picture fitted to the widget, with outlines drawn over some of its text lines."""

    def __init__(self) -> None:
        super().__init__()
        self.pixmap = QPixmap()
        self.lines: list[PictureLine] = []
        self.matching: set[int] = set()  # indexes into `lines`
        self.setMinimumSize(QSize(120, 120))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Photo with the matching text outlined"))

    def set_picture(self, pixmap: QPixmap) -> None:
        self.pixmap = pixmap
        self.update()

    def set_lines(self, lines: list[PictureLine], matching: set[int]) -> None:
        self.lines, self.matching = lines, matching
        self.update()

    def picture_rect(self) -> QRectF:
        """Where the picture is drawn: fitted, centred, aspect kept, small ones at most doubled."""
        if self.pixmap.isNull():
            return QRectF()
        size = self.pixmap.size().toSizeF()
        limit = size * MAX_UPSCALE
        fitted = size.scaled(limit.boundedTo(self.size().toSizeF()), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF((self.width() - fitted.width()) / 2, (self.height() - fitted.height()) / 2,
                      fitted.width(), fitted.height())

    def line_polygon(self, line: PictureLine) -> QPolygonF:
        area = self.picture_rect()
        return QPolygonF([QPointF(area.left() + x * area.width(), area.top() + y * area.height())
                          for x, y in line.box])

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = self.picture_rect()
        if not area.isNull():
            painter.drawPixmap(area, self.pixmap, QRectF(self.pixmap.rect()))
            for index, line in enumerate(self.lines):
                match = index in self.matching
                pen = QPen(MATCH_PEN if match else OTHER_PEN, 2.5 if match else 1.0)
                painter.setPen(pen)
                painter.setBrush(QColor(225, 29, 72, 40) if match else Qt.BrushStyle.NoBrush)
                painter.drawPolygon(self.line_polygon(line))
        painter.end()


class PictureTextView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.picture = OutlinedPicture()
        self.caption = QLabel(self.tr("Text in photo (select and copy)"))
        self.caption.setStyleSheet("color: palette(mid);")
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)  # read-only still selects and copies (Ctrl+C, context menu)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                          | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.text.setAccessibleName(self.tr("Text read in the photo"))
        # Said when OCR was unsure of this picture (core/common/ocr_confidence.py), so that half a page
        # read is not taken for the whole of it.
        self.unsure = QLabel(self.tr("Some of this text may be missing or wrong: the words in this picture "
                                     "were hard to read."))
        self.unsure.setWordWrap(True)
        self.unsure.setStyleSheet("color: #92400e;")
        self.unsure.hide()
        lower = QWidget()
        column = QVBoxLayout(lower)
        column.setContentsMargins(8, 4, 8, 4)
        column.addWidget(self.caption)
        column.addWidget(self.unsure)
        column.addWidget(self.text)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.picture)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._spans: list[tuple[int, int]] = []
        self._terms: list[str] = []

    def show_passages(self, spans: list[tuple[int, int]], query: str, thumbnail: QPixmap | None) -> None:
        """At once: the matching passages' offsets and the thumbnail; the rest follows as it is read."""
        self._spans, self._terms = spans, query_terms(query)
        self.picture.set_picture(thumbnail or QPixmap())
        self.picture.set_lines([], set())
        self.text.setPlainText("")
        self.unsure.hide()

    def set_picture(self, pixmap: QPixmap) -> None:
        self.picture.set_picture(pixmap)

    def set_text(self, text: str, lines: list[PictureLine]) -> None:
        self.text.setPlainText(text)
        self.unsure.setVisible(hard_to_read(line.score for line in lines))
        matching = {i for i, line in enumerate(lines)
                    if any(line.start < end and start < line.end for start, end in self._spans)}
        # A screenshot's text is often one passage: the lines holding the query's words are the match;
        # when none does (found by meaning alone), the whole passage is.
        worded = {i for i in matching if term_spans(text[lines[i].start : lines[i].end], self._terms)}
        self.picture.set_lines(lines, worded or matching)
        qt = utf16_offsets(text)
        for start, end in self._spans:
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(qt(max(0, min(start, len(text)))))
            cursor.setPosition(qt(max(0, min(end, len(text)))), QTextCursor.MoveMode.KeepAnchor)
            fmt = QTextCharFormat()
            fmt.setBackground(PASSAGE_COLOUR)
            cursor.mergeCharFormat(fmt)
