"""The preview pane: a document's passage in context, or a photo shown large with its details.

The actions row (Open, Reveal, More like this, Copy path, 👍, 👎) uses the window's
QActions, so the pane, the context menus and the keyboard shortcuts stay in step.
"""

from __future__ import annotations

import datetime as dt
import html

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QColor, QPixmap, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.records import Hit, Passage
from desktop.gui.common.highlight import query_terms, term_spans, utf16_offsets
from desktop.gui.common.hits import hit_place, hit_title
from desktop.gui.common.readable import readable
from desktop.gui.preview.ocr_view import PictureTextView

PASSAGE_COLOUR = QColor("#fef3c7")  # the passage that matched
TERM_COLOUR = QColor("#fcd34d")  # the query's words inside it
MAX_UPSCALE = 2  # small photos are shown at most this many times their size


def format_when(timestamp: float | None) -> str:
    if not timestamp:
        return ""
    return dt.datetime.fromtimestamp(timestamp).strftime("%-d %B %Y, %H:%M")


class ScaledImage(QLabel):
    """A label that keeps its pixmap fitted to its size."""

    def __init__(self) -> None:
        super().__init__()
        self._pixmap = QPixmap()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setMinimumSize(QSize(120, 120))
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def set_image(self, pixmap: QPixmap) -> None:
        self._pixmap = pixmap
        self._refit()

    def resizeEvent(self, event: object) -> None:
        super().resizeEvent(event)  # type: ignore[arg-type]
        self._refit()

    def _refit(self) -> None:
        if self._pixmap.isNull():
            self.clear()
            return
        # Small pictures grow at most to twice their size (a 46 x 50 icon is not blown up to fill the
        # pane); large ones shrink to the area available. Either way the aspect ratio is kept.
        # Sizes in device pixels, so a 2x screen shows every pixel of the picture it has.
        ratio = self.devicePixelRatioF()
        limit = self._pixmap.deviceIndependentSize().toSize() * MAX_UPSCALE
        fitted = self._pixmap.scaled(limit.boundedTo(self.size()) * ratio, Qt.AspectRatioMode.KeepAspectRatio,
                                     Qt.TransformationMode.SmoothTransformation)
        fitted.setDevicePixelRatio(ratio)
        self.setPixmap(fitted)


class PreviewPane(QWidget):
    def __init__(self, actions: list[QAction | None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.title = QLabel()
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QLabel()
        self.details.setObjectName("previewDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # A tool bar, not a row of buttons: when the pane is narrow the actions that do not fit go
        # behind its » button instead of widening the window past the screen (issue 13).
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("previewActions")
        self.toolbar.setMovable(False)
        self.toolbar.setFloatable(False)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toolbar.setIconSize(QSize(16, 16))
        for action in actions:
            if action is None:
                self.toolbar.addSeparator()
            else:
                self.toolbar.addAction(action)

        self.text = QTextBrowser()
        self.text.setOpenLinks(False)
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setAccessibleName(self.tr("Document preview"))
        self.image = ScaledImage()
        self.image.setAccessibleName(self.tr("Photo preview"))
        self.empty = QLabel(self.tr("Select a result to preview it here."))
        self.empty.setObjectName("previewEmpty")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.picture_text = PictureTextView()  # a photo whose words matched (OCR)
        for page in (self.empty, self.text, self.image, self.picture_text):
            self.stack.addWidget(page)

        self.header = QWidget()
        header = QVBoxLayout(self.header)
        header.setContentsMargins(12, 10, 12, 4)
        header.addWidget(self.title)
        header.addWidget(self.details)
        header.addWidget(self.toolbar)
        line = QFrame()  # inside the header, so it hides with it
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        header.addWidget(line)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.stack, 1)
        self.hit: Hit | None = None
        self.clear()

    def clear(self, message: str | None = None) -> None:
        self.hit = None
        self.header.hide()
        self.empty.setText(message if message is not None else self.tr("Select a result to preview it here."))
        self.stack.setCurrentWidget(self.empty)

    def _show_header(self, hit: Hit, lines: list[str]) -> None:
        self.hit = hit
        self.title.setText(hit_title(hit))
        self._details = "<br>".join(line for line in lines if line)
        self.details.setText(self._details)
        self.header.show()

    # -- documents ------------------------------------------------------------------------

    def show_document(self, hit: Hit, passage: Passage | None, query: str) -> None:
        """Header now; the text follows through `set_document_text` once read off the UI thread."""
        modified = format_when(hit.mtime)
        self._show_header(hit, [_escape(hit.path), self.tr("Modified {when}").format(when=modified) if modified else "",
                                self.tr("Matched by {how}").format(how=hit.why) if hit.why else ""])
        self.title.setText(hit_place(hit, passage))  # where in the document the passage is
        self.text.setPlainText(readable(passage.text if passage else hit.snippet).text)
        self.stack.setCurrentWidget(self.text)
        self._pending = (hit.file_id, passage, query)

    def set_document_text(self, file_id: int, text: str) -> None:
        if self.hit is None or self.hit.file_id != file_id:
            return  # the user moved on while the text was being read
        _, passage, query = self._pending
        # Shown without its reST/Markdown markup; the core's offsets refer to the stored text, so
        # each goes through the readable copy's map (issue 13), then to Qt's UTF-16 positions.
        shown = readable(text)
        self.text.setPlainText(shown.text)
        spans = [(p.start, p.end, p is passage) for p in self.hit.passages]
        focus = passage or (self.hit.passages[0] if self.hit.passages else None)
        terms = query_terms(query)
        to_qt = utf16_offsets(shown.text)  # the core counts code points, QTextCursor counts UTF-16 units

        def qt(offset: int) -> int:
            return to_qt(shown.at(offset))

        for start, end, _main in spans:
            self._colour(qt(start), qt(end), PASSAGE_COLOUR)
            a0, b0 = shown.at(start), shown.at(end)
            for a, b in term_spans(shown.text[a0:b0], terms):
                self._colour(to_qt(a0 + a), to_qt(a0 + b), TERM_COLOUR, bold=True)
        if focus is not None and 0 <= focus.start <= len(text):
            cursor = QTextCursor(self.text.document())
            cursor.setPosition(qt(min(len(text), focus.end)))
            self.text.setTextCursor(cursor)
            self.text.ensureCursorVisible()
            cursor.setPosition(qt(focus.start))
            self.text.setTextCursor(cursor)  # the passage's start ends up in view, its end too when it fits
            self.text.ensureCursorVisible()

    def _colour(self, start: int, end: int, colour: QColor, *, bold: bool = False) -> None:
        cursor = QTextCursor(self.text.document())
        limit = self.text.document().characterCount() - 1
        cursor.setPosition(max(0, min(start, limit)))
        cursor.setPosition(max(0, min(end, limit)), QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setBackground(colour)
        fmt.setForeground(QColor("#1f2937"))
        if bold:
            fmt.setFontWeight(700)
        cursor.mergeCharFormat(fmt)

    # -- photos -----------------------------------------------------------------------------

    def show_photo(self, hit: Hit, pixmap: QPixmap | None) -> None:
        taken = format_when(hit.taken_at)
        lines = [_escape(hit.path), self.tr("Taken {when}").format(when=taken) if taken
                 else self.tr("Modified {when}").format(when=format_when(hit.mtime)), _escape(hit.camera or "")]
        self._show_header(hit, lines)
        self.image.set_image(pixmap or QPixmap())
        self.stack.setCurrentWidget(self.image)

    def show_picture_text(self, hit: Hit, passage: Passage | None, query: str, thumbnail: QPixmap | None) -> None:
        """A photo whose words matched: the picture with those lines outlined, and the text OCR read."""
        self._show_header(hit, [_escape(hit.path),
                                self.tr("Text in photo, matched by {how}").format(how=hit.why) if hit.why else ""])
        spans = [(p.start, p.end) for p in ([passage] if passage else hit.passages)]
        self.picture_text.show_passages(spans or [(hit.start or 0, hit.end or 0)], query, thumbnail)
        self.stack.setCurrentWidget(self.picture_text)

    def set_photo(self, path: str, pixmap: QPixmap, size_text: str = "") -> None:
        if self.hit is None or self.hit.path != path:
            return
        self.image.set_image(pixmap)
        self.details.setText(self._details + ("<br>" + size_text if size_text else ""))


def _escape(text: str) -> str:
    return html.escape(text)


def pixel_size(width: int, height: int) -> str:
    if not (width and height):
        return ""
    return QCoreApplication.translate("PreviewPane", "{width} × {height} pixels").format(width=width, height=height)
