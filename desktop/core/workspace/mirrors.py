"""Copies kept outside the catalog, so that a catalog that cannot be read loses nothing the user
made: the folder list (folders.json), the relevance marks (marks.jsonl) and the decisions about
people (people.json: names, hidden people and faces, as face descriptors). recovery/ reads them."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from sqlalchemy import select

from desktop.core.catalog import Catalog, FaceAnchor, Folder, Mark, Person
from desktop.core.common.atomic import write_text_atomically
from desktop.core.common.errors import SemdeskError

log = logging.getLogger(__name__)


def mirror_folders(catalog: Catalog, target: Path) -> None:
    """Write the folder list. Best effort: a full disk here must not fail the indexing that called it."""
    with catalog.session() as session:
        paths = [f.path for f in session.scalars(select(Folder).order_by(Folder.path))]
    try:
        write_text_atomically(target, json.dumps({"folders": paths}, ensure_ascii=True))
    except OSError as error:
        log.warning("could not update %s: %s", target.name, error)


def export_marks(catalog: Catalog, target: Path) -> Path:
    """Rewrite the marks mirror: one JSON object per mark, keyed by path and content hash."""
    with catalog.session() as session:
        rows = [
            {
                "query": m.query,
                "kind": m.kind,
                "path": m.path,
                "content_hash": m.content_hash,
                "start": m.start,
                "end": m.end,
                "passage": m.passage,
                "relevant": m.relevant,
                "created_at": m.created_at,
            }
            for m in session.scalars(select(Mark).order_by(Mark.id))
        ]
    try:
        write_text_atomically(target, "".join(json.dumps(row, ensure_ascii=True) + "\n" for row in rows))
    except OSError as error:
        # The marks themselves are committed in the catalog; only the spare copy is behind.
        raise SemdeskError(
            f"Your marks are saved in the library, but their copy in {target.name} could not be "
            f"updated: {(error.strerror or str(error)).lower()}. Free some space and mark again to refresh it."
        ) from error
    return target


def export_people(catalog: Catalog, target: Path) -> None:
    """Rewrite the people mirror: every decided person (name, hidden) with its anchors' descriptors
    (base64 float32), and the hidden faces (key null). Best effort, like the folder list: the
    decisions themselves are committed in the catalog."""
    with catalog.session() as session:
        people = {p.key: p for p in session.scalars(select(Person))}
        anchors = session.execute(
            select(FaceAnchor.person_key, FaceAnchor.vector, FaceAnchor.path).order_by(FaceAnchor.id)
        ).all()
        rows: dict[str | None, dict[str, object]] = {}
        for key, vector, path in anchors:
            person = people.get(key) if key is not None else None
            row = rows.setdefault(key, {
                "key": key, "name": person.name if person else None, "hidden": bool(person.hidden) if person else True,
                "anchors": [],
            })
            row["anchors"].append({"vector": base64.b64encode(vector).decode("ascii"), "path": path})  # type: ignore[attr-defined]
    try:
        write_text_atomically(target, json.dumps({"people": list(rows.values())}, ensure_ascii=True))
    except OSError as error:
        log.warning("could not update %s: %s", target.name, error)
