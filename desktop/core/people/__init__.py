"""People: the groups of faces the faces phase made (indexing/face_groups.py), and what the user does
with them: name a person, merge two, move a face out, hide a face or a person, and turn the whole
thing off (every face record deleted). Each decision is kept as anchors (face descriptors) and mirrored
to people.json, so that it outlives regrouping and a rebuild of the catalog."""
