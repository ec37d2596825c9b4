"""The facade's requests about people in photos (the people room is imported only when one is made)."""

from __future__ import annotations

from desktop.core.common.records import FaceRef, PersonSummary
from desktop.core.workspace import Workspace


class PeopleRequests:
    workspace: Workspace

    def people(self, *, include_hidden: bool = False, min_faces: int = 1) -> list[PersonSummary]:
        """The people found in the photos, most faces first, with a few sample faces each."""
        from desktop.core.people.people import list_people

        return list_people(self.workspace, include_hidden=include_hidden, min_faces=min_faces)

    def person_names(self) -> list[str]:
        """The names of the (visible) people, for `person:` completion."""
        from desktop.core.people.people import person_names

        return person_names(self.workspace)

    def faces_of(self, person_id: int, limit: int | None = None) -> list[FaceRef]:
        from desktop.core.people.people import faces_of

        return faces_of(self.workspace, person_id, limit)

    def name_person(self, person_id: int, name: str) -> PersonSummary:
        from desktop.core.people.people import name_person

        return name_person(self.workspace, person_id, name)

    def merge_people(self, keep_id: int, other_id: int) -> PersonSummary:
        from desktop.core.people.people import merge_people

        return merge_people(self.workspace, keep_id, other_id)

    def move_face_out(self, face_id: int) -> PersonSummary:
        from desktop.core.people.people import move_face_out

        return move_face_out(self.workspace, face_id)

    def hide_face(self, face_id: int, hidden: bool = True) -> None:
        from desktop.core.indexing.face_groups import group_faces
        from desktop.core.people.people import hide_face

        hide_face(self.workspace, face_id, hidden)
        if not hidden:
            group_faces(self.workspace)  # shown again: it goes back into a person now

    def hide_person(self, person_id: int, hidden: bool = True) -> PersonSummary:
        from desktop.core.people.people import hide_person

        return hide_person(self.workspace, person_id, hidden)

    def regroup_people(self) -> int:
        """Group every face again from scratch (names and other decisions are kept through their anchors).
        Returns how many faces were grouped."""
        from desktop.core.indexing.face_groups import group_faces
        from desktop.core.people.people import ungroup

        ungroup(self.workspace)
        return group_faces(self.workspace)

    def forget_faces(self) -> int:
        """Delete every face record, person and name (what turning the `faces` setting off does)."""
        from desktop.core.people.people import forget_all

        return forget_all(self.workspace)
