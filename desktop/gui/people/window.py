"""Photos ▸ People: the people the faces phase found, most faces first; a person's faces in a grid.
Name a person, merge the selected people into one, move a face that is someone else out, hide a face
or a person. Every change goes through the facade on the writes worker, then the list is read again."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.core.common.errors import describe
from desktop.core.common.records import FaceRef, PersonSummary
from desktop.gui.common.workers import Workers
from desktop.gui.people.faces import FACE_SIDE, face_image

if TYPE_CHECKING:
    from desktop.core.library.protocols import People

ROLE = Qt.ItemDataRole.UserRole


def tr(text: str) -> str:
    return QCoreApplication.translate("PeopleWindow", text)


def ask_name(parent: QWidget, current: str) -> str | None:
    name, ok = QInputDialog.getText(parent, tr("Name this person"), tr("Name:"), text=current)
    return name if ok and name.strip() else None


class PeopleWindow(QDialog):
    changed = Signal()  # names or groups changed: person: searches may answer differently

    def __init__(self, workers: Workers, library: Callable[[], People | None], parent: QWidget | None = None, *,
                 name_asker: Callable[[QWidget, str], str | None] = ask_name) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("People"))
        self.setObjectName("peopleWindow")
        self.resize(900, 620)
        self.workers, self.library, self.name_asker = workers, library, name_asker
        self.people: list[PersonSummary] = []
        self.faces: list[FaceRef] = []
        self.person_list = QListWidget()
        self.person_list.setObjectName("peopleList")
        self.person_list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.person_list.setIconSize(QSize(48, 48))
        self.person_list.itemSelectionChanged.connect(self._person_chosen)
        self.face_grid = QListWidget()
        self.face_grid.setObjectName("faceGrid")
        self.face_grid.setViewMode(QListView.ViewMode.IconMode)
        self.face_grid.setIconSize(QSize(FACE_SIDE, FACE_SIDE))
        self.face_grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.face_grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.face_grid.itemSelectionChanged.connect(self._update_buttons)
        self.summary = QLabel("")
        self.summary.setObjectName("peopleSummary")
        self.name_button = QPushButton(tr("Name…"))
        self.merge_button = QPushButton(tr("Merge"))
        self.merge_button.setToolTip(tr("Make the selected people one person"))
        self.hide_person_button = QPushButton(tr("Hide Person"))
        self.move_out_button = QPushButton(tr("Not This Person"))
        self.move_out_button.setToolTip(tr("The selected face is someone else: it becomes a person of its own"))
        self.hide_face_button = QPushButton(tr("Hide Face"))
        for button, slot in ((self.name_button, self.name_selected), (self.merge_button, self.merge_selected),
                             (self.hide_person_button, self.hide_selected_person),
                             (self.move_out_button, self.move_selected_face_out),
                             (self.hide_face_button, self.hide_selected_face)):
            button.clicked.connect(slot)
        self._lay_out()
        self._update_buttons()

    def _lay_out(self) -> None:
        """People and their buttons on the left, the chosen person's faces on the right, Close below."""
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.person_list, 1)
        person_buttons = QHBoxLayout()
        for button in (self.name_button, self.merge_button, self.hide_person_button):
            person_buttons.addWidget(button)
        left_layout.addLayout(person_buttons)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.face_grid, 1)
        face_buttons = QHBoxLayout()
        face_buttons.addStretch(1)
        for button in (self.move_out_button, self.hide_face_button):
            face_buttons.addWidget(button)
        right_layout.addLayout(face_buttons)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(1, 2)
        close = QPushButton(tr("Close"))
        close.clicked.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary, 1)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)

    # -- reading --------------------------------------------------------------------------------

    def load(self, select: int | None = None) -> None:
        library = self.library()
        if library is None:
            return
        self.summary.setText(tr("Reading the people…"))

        def work() -> tuple[list[PersonSummary], dict[int, QImage]]:
            people = library.people()
            # Each person is shown by one of their clearest faces, cut from its photo here, off the UI thread.
            return people, {p.person_id: face_image(p.samples[0].path, p.samples[0].box) for p in people if p.samples}

        self.workers.submit(self.workers.reads, work, done=lambda found: self._show(found[0], found[1], select),
                            failed=self._failed)

    def _show(self, people: list[PersonSummary], faces: dict[int, QImage], select: int | None) -> None:
        self.people = people
        self.person_list.blockSignals(True)
        self.person_list.clear()
        for person in people:
            item = QListWidgetItem(tr("{name} — {photos} photos").format(name=self._label(person),
                                                                        photos=person.photos))
            if person.person_id in faces and not faces[person.person_id].isNull():
                item.setIcon(QIcon(QPixmap.fromImage(faces[person.person_id])))
            item.setData(ROLE, person.person_id)
            self.person_list.addItem(item)
            if person.person_id == select:
                item.setSelected(True)
        self.person_list.blockSignals(False)
        if not people:
            self.summary.setText(tr("No people yet: faces are found when photos are indexed "
                                    "(Settings ▸ Photos ▸ People in photos)."))
        else:
            self.summary.setText(tr("1 person") if len(people) == 1 else tr("{count} people").format(count=len(people)))
        if self.person_list.selectedItems():
            self._person_chosen()
        elif people:
            self.person_list.item(0).setSelected(True)
        else:
            self.face_grid.clear()
        self._update_buttons()

    def _label(self, person: PersonSummary) -> str:
        return person.name or tr("Person {number}").format(number=person.person_id)

    def selected_people(self) -> list[int]:
        return [int(item.data(ROLE)) for item in self.person_list.selectedItems()]

    def selected_face(self) -> FaceRef | None:
        items = self.face_grid.selectedItems()
        return next((f for f in self.faces if f.face_id == items[0].data(ROLE)), None) if items else None

    def _person_chosen(self) -> None:
        chosen = self.selected_people()
        library = self.library()
        self._update_buttons()
        if len(chosen) != 1 or library is None:
            return
        person_id = chosen[0]

        def work() -> list[tuple[FaceRef, QImage]]:
            return [(face, face_image(face.path, face.box)) for face in library.faces_of(person_id)]

        self.workers.submit(self.workers.reads, work, done=lambda faces: self._show_faces(person_id, faces),
                            failed=self._failed)

    def _show_faces(self, person_id: int, faces: list[tuple[FaceRef, QImage]]) -> None:
        if self.selected_people() != [person_id]:
            return  # another person was chosen meanwhile
        self.faces = [face for face, _ in faces]
        self.face_grid.clear()
        for face, image in faces:
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), "")
            item.setData(ROLE, face.face_id)
            item.setToolTip(face.path)
            self.face_grid.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected_people()
        self.name_button.setEnabled(len(chosen) == 1)
        self.hide_person_button.setEnabled(len(chosen) == 1)
        self.merge_button.setEnabled(len(chosen) >= 2)
        has_face = bool(self.face_grid.selectedItems())
        self.move_out_button.setEnabled(has_face)
        self.hide_face_button.setEnabled(has_face)

    # -- changing -------------------------------------------------------------------------------

    def name_selected(self) -> None:
        chosen = self.selected_people()
        person = next((p for p in self.people if chosen and p.person_id == chosen[0]), None)
        if person is None:
            return
        name = self.name_asker(self, person.name or "")
        if name is not None:
            self._change(lambda lib: lib.name_person(person.person_id, name), select=person.person_id)

    def merge_selected(self) -> None:
        chosen = self.selected_people()
        if len(chosen) < 2:
            return
        # Into the named one (or the largest): the list is most faces first, named before unnamed.
        named = [p.person_id for p in self.people if p.person_id in chosen and p.name]
        keep = named[0] if named else chosen[0]

        def merge(lib: People) -> None:
            for other in chosen:
                if other != keep:
                    lib.merge_people(keep, other)

        self._change(merge, select=keep)

    def hide_selected_person(self) -> None:
        chosen = self.selected_people()
        if len(chosen) == 1:
            self._change(lambda lib: lib.hide_person(chosen[0]))

    def move_selected_face_out(self) -> None:
        face, chosen = self.selected_face(), self.selected_people()
        if face is not None:
            self._change(lambda lib: lib.move_face_out(face.face_id), select=chosen[0] if chosen else None)

    def hide_selected_face(self) -> None:
        face, chosen = self.selected_face(), self.selected_people()
        if face is not None:
            self._change(lambda lib: lib.hide_face(face.face_id), select=chosen[0] if chosen else None)

    def _change(self, change: Callable[[People], object], select: int | None = None) -> None:
        library = self.library()
        if library is None:
            return

        def done(_result: object) -> None:
            self.changed.emit()
            self.load(select)

        self.workers.submit(self.workers.writes, change, library, done=done, failed=self._failed)

    def _failed(self, error: BaseException) -> None:
        self.summary.setText(describe(error, "while changing people"))
