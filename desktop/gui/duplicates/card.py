"""One file of a duplicate group: its picture (or a document's name), size, resolution, date
and folder, a "keep" badge on the suggested one, and a tick box for the trash."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QCheckBox, QFrame, QLabel, QVBoxLayout

from desktop.core.common.records import DuplicateFile

PICTURE = 150


def tr(text: str) -> str:
    return QCoreApplication.translate("FileCard", text)


def human_size(size: int) -> str:
    units = (tr("{size} bytes"), tr("{size} KB"), tr("{size} MB"), tr("{size} GB"))
    for step, unit in enumerate(units):
        if size < 1024 or step == len(units) - 1:
            return unit.format(size=f"{size:.0f}" if step == 0 else f"{size:.1f}")
        size /= 1024  # type: ignore[assignment]
    return ""


class FileCard(QFrame):
    changed = Signal()

    def __init__(self, file: DuplicateFile, *, keep: bool, default_trash: bool) -> None:
        super().__init__()
        self.file = file
        self.setObjectName("duplicateCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFixedWidth(PICTURE + 40)
        picture = QLabel()
        picture.setFixedSize(PICTURE, PICTURE)
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        source = file.thumbnail or (file.path if file.kind == "image" else None)
        pixmap = QPixmap(source) if source else QPixmap()
        if not pixmap.isNull():
            picture.setPixmap(pixmap.scaled(PICTURE, PICTURE, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
        else:
            picture.setText(Path(file.path).suffix.lstrip(".").upper() or tr("file"))
        name = QLabel(f"<b>{Path(file.path).name}</b>")
        name.setWordWrap(True)
        name.setToolTip(file.path)
        facts = [human_size(file.size)]
        if file.width and file.height:
            facts.append(f"{file.width} × {file.height}")
        facts.append(time.strftime("%Y-%m-%d", time.localtime(file.date)))
        where = tr("in {folder}").format(folder=Path(file.path).parent.name or file.folder)
        details = QLabel(" · ".join(facts) + "<br>" + where)
        details.setWordWrap(True)
        details.setToolTip(str(Path(file.path).parent))
        self.badge = QLabel(tr("✓ keep (best)") if keep else "")
        self.badge.setObjectName("keepBadge")
        self.badge.setStyleSheet("color: palette(highlight); font-weight: bold;")
        self.trash = QCheckBox(tr("Move to trash"))
        self.trash.setChecked(default_trash)
        self.trash.toggled.connect(lambda _on: self.changed.emit())
        layout = QVBoxLayout(self)
        for widget in (picture, name, details, self.badge, self.trash):
            layout.addWidget(widget)
        layout.addStretch(1)
