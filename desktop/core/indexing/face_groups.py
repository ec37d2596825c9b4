"""Grouping the faces not yet in a person (new photos, or every face after a rebuild or a regrouping).

In this order: a face the user decided about (an anchor closer than SAME_FACE) follows the decision;
a face whose close neighbours mostly belong to one person joins it; the rest are grouped among
themselves by Chinese whispers, and each group becomes the person most of its faces' anchors name,
or a new person. So names, merges, moved and hidden faces outlive regrouping and rebuilds.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import select, update

from desktop.core.catalog import Face, FaceAnchor, Person
from desktop.core.common.vector_codec import stack_blobs
from desktop.core.faces.cluster import SAME_FACE, THRESHOLD, chinese_whispers, join_existing, nearest, vote
from desktop.core.faces.detect import DIM
from desktop.core.faces.models import face_models
from desktop.core.workspace import Workspace


def group_faces(ws: Workspace) -> int:
    """Put every visible face without a person into one; returns how many faces were grouped."""
    with ws.catalog.session() as session:
        new = session.execute(
            select(Face.id, Face.vector).where(Face.person_id.is_(None), Face.hidden.is_(False)).order_by(Face.id)
        ).all()
        if not new:
            return 0
        anchors = session.execute(select(FaceAnchor.person_key, FaceAnchor.vector)).all()
        known = session.execute(
            select(Face.person_id, Face.vector).where(Face.person_id.is_not(None), Face.hidden.is_(False))
        ).all()
        people = dict(session.execute(select(Person.key, Person.id)).all())
    ids = [int(face_id) for face_id, _ in new]
    vectors = stack_blobs([v for _, v in new], DIM)
    anchor_keys = [k for k, _ in anchors]
    anchor_vectors = stack_blobs([v for _, v in anchors], DIM) if anchors else np.zeros((0, DIM), np.float32)
    # 1. The same face as an anchor: the user's decision about it.
    which, gaps = nearest(vectors, anchor_vectors)
    pending, hide, rest = _by_anchor(ids, anchor_keys, which, gaps, people)
    # 2. Close to faces already in a person: that person.
    person_of, rest = _by_known_faces(ids, vectors, rest, known)
    # 3. The rest among themselves; a group takes the person its faces' anchors name, or is a new one.
    pending.update(_by_groups(ids, vectors, rest, anchor_keys, which, gaps, people))
    _store(ws, pending, person_of, hide)
    return len(ids)


def _by_anchor(
    ids: list[int], anchor_keys: list[str | None], which: np.ndarray, gaps: np.ndarray, people: dict[str, int]
) -> tuple[dict[int, int | str], list[int], list[int]]:
    """(face id -> person id, or the key of a person not made yet; faces to hide; the positions left)."""
    pending: dict[int, int | str] = {}
    hide: list[int] = []
    rest: list[int] = []
    for i, face_id in enumerate(ids):
        if gaps[i] < SAME_FACE:
            key = anchor_keys[which[i]]
            if key is None:
                hide.append(face_id)
            else:
                pending[face_id] = people.get(key, key)  # the key itself: a person that does not exist yet
        else:
            rest.append(i)
    return pending, hide, rest


def _by_known_faces(
    ids: list[int], vectors: np.ndarray, rest: list[int], known: Sequence[Any]
) -> tuple[dict[int, int], list[int]]:
    """(face id -> person id of the faces close to a person's; the positions still left)."""
    person_of: dict[int, int] = {}
    if not (known and rest):
        return person_of, rest
    known_people = np.array([int(p) for p, _ in known])
    joined = join_existing(vectors[rest], stack_blobs([v for _, v in known], DIM), known_people)
    still: list[int] = []
    for i, person in zip(rest, joined, strict=True):
        if person is None:
            still.append(i)
        else:
            person_of[ids[i]] = person
    return person_of, still


def _by_groups(
    ids: list[int], vectors: np.ndarray, rest: list[int], anchor_keys: list[str | None], which: np.ndarray,
    gaps: np.ndarray, people: dict[str, int],
) -> dict[int, int | str]:
    pending: dict[int, int | str] = {}
    if not rest:
        return pending
    labels = chinese_whispers(face_models().dlib, vectors[rest], THRESHOLD)
    groups: dict[int, list[int]] = {}
    for i, label in zip(rest, labels, strict=True):
        groups.setdefault(label, []).append(i)
    for members in groups.values():
        key = vote([anchor_keys[which[i]] if which[i] >= 0 else None for i in members], THRESHOLD,
                   gaps[members])
        target = people.get(key, key) if key is not None else uuid.uuid4().hex
        for i in members:
            pending[ids[i]] = target
    return pending


def _store(ws: Workspace, pending: dict[int, int | str], person_of: dict[int, int], hide: list[int]) -> None:
    """Make the new people, then write each face's person and the faces to hide."""
    new_people: dict[str, Person] = {}
    with ws.catalog.session() as session:
        for target in set(pending.values()):
            if isinstance(target, str) and target not in new_people:
                new_people[target] = Person(key=target)
        session.add_all(new_people.values())
        session.flush()
        for face_id, target in pending.items():
            person_of[face_id] = new_people[target].id if isinstance(target, str) else target
        # A person merged away meanwhile (People requests take no write lock): its faces wait, ungrouped,
        # for the next grouping rather than fail this one.
        wanted = sorted(set(person_of.values()))
        alive = {p for part in _parts(wanted) for p in session.scalars(select(Person.id).where(Person.id.in_(part)))}
        person_of = {face: person for face, person in person_of.items() if person in alive}
        by_person: dict[int, list[int]] = {}
        for face_id, person in person_of.items():
            by_person.setdefault(person, []).append(face_id)
        for person, faces in by_person.items():
            for part in _parts(faces):
                session.execute(update(Face).where(Face.id.in_(part)).values(person_id=person))
        for part in _parts(hide):
            session.execute(update(Face).where(Face.id.in_(part)).values(hidden=True))


def _parts(values: list[int], size: int = 10_000) -> list[list[int]]:
    """SQLite caps the parameters of one statement (32766): long id lists go in parts."""
    return [values[i : i + size] for i in range(0, len(values), size)]
