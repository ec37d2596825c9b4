"""Qt item models over the core's frozen `Hit` records.

Documents are a two-level tree: each document row holds its best passage, and its other
passages are child rows (shown when the row is expanded). Photos are a flat list whose
thumbnails come from a ThumbnailCache, so only rows on screen ever decode an image.
"""

from __future__ import annotations

import os
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.core.common.records import Hit, MarkRecord, Passage
from desktop.gui.common.desktop_mime import DragOutModel
from desktop.gui.common.hits import hit_place, hit_title, thumbnail_source
from desktop.gui.common.thumbnails import ThumbnailCache

Index = QModelIndex | QPersistentModelIndex
ROOT = QModelIndex()  # the invalid index Qt uses for 'top level'


class Role(IntEnum):
    HIT = Qt.ItemDataRole.UserRole + 1
    PASSAGE = Qt.ItemDataRole.UserRole + 2
    MARK = Qt.ItemDataRole.UserRole + 3  # MarkRecord or None
    SCORE = Qt.ItemDataRole.UserRole + 4
    IS_PASSAGE = Qt.ItemDataRole.UserRole + 5


class _MarksMixin:
    """Relevant / not-relevant state per file path for the current query."""

    _marks: dict[str, MarkRecord]
    hits: list[Hit]

    def mark_for(self, path: str) -> MarkRecord | None:
        return self._marks.get(path)

    def set_mark(self, path: str, mark: MarkRecord | None) -> None:
        if mark is None:
            self._marks.pop(path, None)
        else:
            self._marks[path] = mark
        for row, hit in enumerate(self.hits):
            if hit.path == path:
                index = self.index(row, 0)  # type: ignore[attr-defined]
                self.dataChanged.emit(index, index, [Role.MARK])  # type: ignore[attr-defined]


class DocumentResultsModel(DragOutModel, _MarksMixin, QAbstractItemModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.query = ""
        self._marks = {}

    def set_results(self, hits: list[Hit], query: str, marks: dict[str, MarkRecord]) -> None:
        self.beginResetModel()
        self.hits, self.query, self._marks = list(hits), query, dict(marks)
        self.endResetModel()

    # -- tree structure: internalId 0 = document row, n > 0 = passage of document row n - 1 --

    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if column != 0 or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, 0, 0) if row < len(self.hits) else QModelIndex()
        if parent.internalId() == 0 and row < len(self._extra(parent.row())):
            return self.createIndex(row, 0, parent.row() + 1)
        return QModelIndex()

    def parent(self, child: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not child.isValid() or child.internalId() == 0:
            return QModelIndex()
        return self.createIndex(child.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self.hits)
        if parent.internalId() == 0:
            return len(self._extra(parent.row()))
        return 0

    def columnCount(self, parent: Index = ROOT) -> int:
        return 1

    def _extra(self, row: int) -> tuple[Passage, ...]:
        return self.hits[row].passages[1:] if 0 <= row < len(self.hits) else ()

    def hit_at(self, index: Index) -> Hit | None:
        if not index.isValid():
            return None
        row = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def passage_at(self, index: Index) -> Passage | None:
        hit = self.hit_at(index)
        if hit is None:
            return None
        if index.internalId() == 0:
            return hit.passages[0] if hit.passages else None
        extra = hit.passages[1:]
        return extra[index.row()] if index.row() < len(extra) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit_at(index)
        if hit is None:
            return None
        is_passage = index.internalId() != 0
        if role == Qt.ItemDataRole.DisplayRole:
            passage = self.passage_at(index)
            return passage.text if is_passage and passage else hit_place(hit)
        if role == Qt.ItemDataRole.ToolTipRole:
            passage = self.passage_at(index)
            return hit_place(hit, passage) + "\n" + hit.path if is_passage and passage and passage.heading else hit.path
        if role == Qt.ItemDataRole.AccessibleDescriptionRole:
            return self.tr("{title} in {folder}, {score}%").format(
                title=hit_place(hit, self.passage_at(index) if is_passage else None),
                folder=hit.folder or os.path.dirname(hit.path), score=round(hit.score * 100))
        if role == Role.HIT:
            return hit
        if role == Role.PASSAGE:
            return self.passage_at(index)
        if role == Role.MARK:
            return self._marks.get(hit.path)
        if role == Role.SCORE:
            passage = self.passage_at(index)
            return passage.score if is_passage and passage else hit.score
        if role == Role.IS_PASSAGE:
            return is_passage
        return None


class PhotoResultsModel(DragOutModel, _MarksMixin, QAbstractListModel):
    def __init__(self, thumbnails: ThumbnailCache, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: list[Hit] = []
        self.query = ""
        self._marks = {}
        self.thumbnails = thumbnails
        self._rows_by_source: dict[str, list[int]] = {}
        thumbnails.ready.connect(self._thumbnail_ready)

    def set_results(self, hits: list[Hit], query: str, marks: dict[str, MarkRecord]) -> None:
        self.beginResetModel()
        self.hits, self.query, self._marks = list(hits), query, dict(marks)
        self._rows_by_source = {}
        for row, hit in enumerate(self.hits):
            self._rows_by_source.setdefault(thumbnail_source(hit), []).append(row)
        self.endResetModel()

    def rowCount(self, parent: Index = ROOT) -> int:
        return 0 if parent.isValid() else len(self.hits)

    def hit_at(self, index: Index) -> Hit | None:
        return self.hits[index.row()] if index.isValid() and index.row() < len(self.hits) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        hit = self.hit_at(index)
        if hit is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return hit_title(hit)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.thumbnails.pixmap(thumbnail_source(hit))  # None until decoded; the delegate draws a placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            return hit.path
        if role == Role.HIT:
            return hit
        if role == Role.MARK:
            return self._marks.get(hit.path)
        if role == Role.SCORE:
            return hit.score
        return None

    def _thumbnail_ready(self, source: str) -> None:
        for row in self._rows_by_source.get(source, []):
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])
