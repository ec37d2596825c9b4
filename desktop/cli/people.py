"""`semdesk people`: the people found in the photos, and naming, merging, hiding them.

    semdesk people                      list (id, name, faces, photos)
    semdesk people show ID              the photos of a person, with each face's id
    semdesk people name ID NAME         name a person (person:NAME then finds their photos)
    semdesk people merge KEEP OTHER     one person, not two
    semdesk people move-out FACE        a face that is someone else becomes a person of its own
    semdesk people hide ID | hide-face FACE   (and --show to undo)
    semdesk people regroup              group every face again (names are kept)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import TYPE_CHECKING

from desktop.cli.output import print_json
from desktop.core.common.records import PersonSummary

if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi


def add_people_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    people = command("people", "the people in your photos: list, show, name, merge, move a face out, hide")
    people.add_argument("action", nargs="?", default="list",
                        choices=["list", "show", "name", "merge", "move-out", "hide", "hide-face", "regroup"])
    people.add_argument("ids", nargs="*", metavar="ARG", help="person or face ids, and a name for `name`")
    people.add_argument("--all", action="store_true", help="list hidden people and people seen once too")
    people.add_argument("--show", action="store_true", help="with hide/hide-face: show it again")


def cmd_people(library: LibraryApi, args: argparse.Namespace) -> int:
    action, ids = args.action, list(args.ids)
    need = {"list": 0, "regroup": 0, "show": 1, "name": 2, "merge": 2, "move-out": 1, "hide": 1, "hide-face": 1}
    if len(ids) < need[action] or (action != "name" and len(ids) > need[action]):
        usage = {"show": "ID", "name": "ID NAME", "merge": "KEEP OTHER", "move-out": "FACE", "hide": "ID",
                 "hide-face": "FACE"}.get(action, "")
        print(f"Usage: semdesk people {action} {usage}".rstrip())
        return 2
    numbers = [_number(x) for x in ids[: 1 if action == "name" else None]]
    if any(n is None for n in numbers):
        print("A person or face is given by its number, as `semdesk people` lists it.")
        return 2
    n = [int(x) for x in numbers if x is not None]
    if action == "list":
        return _list(library.people(include_hidden=args.all, min_faces=1 if args.all else 2), args)
    if action == "show":
        faces = library.faces_of(n[0])
        if args.json:
            print_json([{"face": f.face_id, "path": f.path, "box": list(f.box)} for f in faces])
        for face in [] if args.json else faces:
            print(f"face {face.face_id}\t{face.path}")
        return 0
    if action == "regroup":
        grouped = library.regroup_people()
        print(f"Grouped {grouped} faces again; names and other decisions were kept.")
        return 0
    if action == "hide-face":
        library.hide_face(n[0], not args.show)
        print(f"Face {n[0]} is {'shown' if args.show else 'hidden'}.")
        return 0
    person = {
        "name": lambda: library.name_person(n[0], " ".join(ids[1:])),
        "merge": lambda: library.merge_people(n[0], n[1]),
        "move-out": lambda: library.move_face_out(n[0]),
        "hide": lambda: library.hide_person(n[0], not args.show),
    }[action]()
    return _list([person], args)


def _list(people: list[PersonSummary], args: argparse.Namespace) -> int:
    if args.json:
        print_json([p.as_dict() for p in people])
        return 0
    if not people:
        print("No people yet: index a folder of photos (faces are found after the photos are indexed).")
    for p in people:
        hidden = " (hidden)" if p.hidden else ""
        print(f"{p.person_id}\t{p.label}{hidden}\t{p.faces} faces in {p.photos} photos")
    return 0


def _number(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None
