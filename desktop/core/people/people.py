"""The user's operations on people. Every change that is a decision refreshes the person's anchors
(a sample of its faces' descriptors) and the people.json mirror."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from desktop.core.catalog import Face, FaceAnchor, FaceFile, FileRecord, Person
from desktop.core.common.errors import SemdeskError
from desktop.core.common.records import FaceRef, PersonSummary
from desktop.core.workspace import Workspace

ANCHORS_PER_PERSON = 32  # descriptors kept per decided person: enough to find its faces again after a rebuild
SAMPLES = 4


def list_people(ws: Workspace, *, include_hidden: bool = False, min_faces: int = 1) -> list[PersonSummary]:
    """People with their face and photo counts, most faces first (named ones before unnamed of equal size)."""
    with ws.catalog.session() as session:
        counted = session.execute(
            select(Person.id, Person.name, Person.hidden, func.count(Face.id), func.count(func.distinct(Face.file_id)))
            .join(Face, Face.person_id == Person.id)
            .where(Face.hidden.is_(False), Person.hidden.is_(False) if not include_hidden else Person.id.is_not(None))
            .group_by(Person.id, Person.name, Person.hidden)
        ).all()
        result = [
            PersonSummary(int(pid), name, int(faces), int(photos), bool(hidden), _samples(session, int(pid)))
            for pid, name, hidden, faces, photos in counted
            if faces >= min_faces or name
        ]
    return sorted(result, key=lambda p: (-p.faces, p.name is None, p.person_id))


def person_names(ws: Workspace) -> list[str]:
    with ws.catalog.session() as session:
        return sorted(session.scalars(
            select(Person.name).where(Person.name.is_not(None), Person.hidden.is_(False))
        ), key=str.lower)


def faces_of(ws: Workspace, person_id: int, limit: int | None = None) -> list[FaceRef]:
    with ws.catalog.session() as session:
        _person(session, person_id)
        return _faces(session, Face.person_id == person_id, limit)


def photos_of(ws: Workspace, person_id: int) -> list[str]:
    return list(dict.fromkeys(f.path for f in faces_of(ws, person_id)))


def name_person(ws: Workspace, person_id: int, name: str) -> PersonSummary:
    name = " ".join(name.split())
    if not name:
        raise SemdeskError("A person's name cannot be empty.")
    with ws.catalog.session() as session:
        person = _person(session, person_id)
        same = session.scalars(select(Person).where(Person.name == name, Person.id != person_id)).first()
        if same is not None:
            raise SemdeskError(
                f"Another person is already called {name} (person {same.id}). Merge the two instead: "
                f"semdesk people merge {same.id} {person_id}."
            )
        person.name = name
        _remember(session, person)
    ws.export_people()
    return _summary(ws, person_id)


def merge_people(ws: Workspace, keep_id: int, other_id: int) -> PersonSummary:
    """`other`'s faces join `keep`; `keep`'s name stays (or `other`'s, when `keep` has none)."""
    if keep_id == other_id:
        raise SemdeskError("A person cannot be merged with itself.")
    with ws.catalog.session() as session:
        keep, other = _person(session, keep_id), _person(session, other_id)
        session.execute(update(Face).where(Face.person_id == other_id).values(person_id=keep_id))
        session.execute(delete(FaceAnchor).where(FaceAnchor.person_key == other.key))
        keep.name = keep.name or other.name
        keep.hidden = keep.hidden and other.hidden
        session.delete(other)
        session.flush()
        _remember(session, keep)
    ws.export_people()
    return _summary(ws, keep_id)


def move_face_out(ws: Workspace, face_id: int) -> PersonSummary:
    """A face grouped with the wrong person becomes a person of its own (merge it where it belongs)."""
    with ws.catalog.session() as session:
        face = _face(session, face_id)
        old = session.get(Person, face.person_id) if face.person_id is not None else None
        fresh = Person(key=uuid.uuid4().hex)
        session.add(fresh)
        session.flush()
        face.person_id = fresh.id
        session.flush()
        _remember(session, fresh)
        if old is not None:
            # The decision is about both: the old person's own faces anchor it too, or a regrouping would
            # let them follow the moved face (the nearest anchor) into its new person.
            _remember(session, old)
        fresh_id = fresh.id
    ws.export_people()
    return _summary(ws, fresh_id)


def hide_face(ws: Workspace, face_id: int, hidden: bool = True) -> None:
    """A face that is not a face, or not one to show: out of every person and every person: search."""
    with ws.catalog.session() as session:
        face = _face(session, face_id)
        face.hidden = hidden
        _forget_hidden_anchor(session, face)
        path = session.scalar(select(FileRecord.path).where(FileRecord.id == face.file_id))
        if hidden:
            session.add(FaceAnchor(person_key=None, vector=face.vector, path=path))
        else:
            face.person_id = None  # grouped again by the next faces phase
    ws.export_people()


def hide_person(ws: Workspace, person_id: int, hidden: bool = True) -> PersonSummary:
    with ws.catalog.session() as session:
        person = _person(session, person_id)
        person.hidden = hidden
        _remember(session, person)
    ws.export_people()
    return _summary(ws, person_id)


def ungroup(ws: Workspace) -> None:
    """Forget the grouping (not the decisions): the next grouping starts from the anchors."""
    with ws.catalog.session() as session:
        session.execute(update(Face).values(person_id=None))
        decided = select(FaceAnchor.person_key).where(FaceAnchor.person_key.is_not(None))
        session.execute(delete(Person).where(Person.key.not_in(decided)))


def forget_all(ws: Workspace) -> int:
    """Privacy: delete every face, person, anchor and photo-looked-at record, and the mirror's copy.
    Returns how many faces were deleted."""
    with ws.catalog.session() as session:
        count = session.scalar(select(func.count(Face.id))) or 0
        for table in (Face, FaceAnchor, Person, FaceFile):
            session.execute(delete(table))
    ws.export_people()
    return int(count)


def _remember(session: Session, person: Person) -> None:
    """Refresh the anchors of a person the user decided about: a spread sample of its faces."""
    session.execute(delete(FaceAnchor).where(FaceAnchor.person_key == person.key))
    rows = session.execute(
        select(Face.vector, FileRecord.path).join(FileRecord, FileRecord.id == Face.file_id)
        .where(Face.person_id == person.id, Face.hidden.is_(False)).order_by(Face.id)
    ).all()
    step = max(1, len(rows) // ANCHORS_PER_PERSON)
    session.add_all(FaceAnchor(person_key=person.key, vector=v, path=p) for v, p in rows[::step][:ANCHORS_PER_PERSON])


def _forget_hidden_anchor(session: Session, face: Face) -> None:
    for anchor in session.scalars(select(FaceAnchor).where(FaceAnchor.person_key.is_(None))):
        if anchor.vector == face.vector:
            session.delete(anchor)


def _person(session: Session, person_id: int) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise SemdeskError(f"There is no person {person_id} in this library; `semdesk people` lists them.")
    return person


def _face(session: Session, face_id: int) -> Face:
    face = session.get(Face, face_id)
    if face is None:
        raise SemdeskError(f"There is no face {face_id} in this library.")
    return face


def _faces(session: Session, where: object, limit: int | None) -> list[FaceRef]:
    query = (
        select(Face.id, Face.file_id, FileRecord.path, Face.left, Face.top, Face.right, Face.bottom, Face.person_id)
        .join(FileRecord, FileRecord.id == Face.file_id)
        .where(where, Face.hidden.is_(False))  # type: ignore[arg-type]
        .order_by(Face.score.desc(), Face.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return [FaceRef(int(i), int(f), str(p), (x0, y0, x1, y1), pid)
            for i, f, p, x0, y0, x1, y1, pid in session.execute(query)]


def _samples(session: Session, person_id: int) -> tuple[FaceRef, ...]:
    return tuple(_faces(session, Face.person_id == person_id, SAMPLES))


def _summary(ws: Workspace, person_id: int) -> PersonSummary:
    for person in list_people(ws, include_hidden=True, min_faces=0):
        if person.person_id == person_id:
            return person
    with ws.catalog.session() as session:
        person = _person(session, person_id)
        return PersonSummary(person_id, person.name, 0, 0, person.hidden)
