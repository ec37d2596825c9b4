"""Grouping descriptors (faces/cluster.py) on synthetic 128-d points: groups found whole and apart, the
near-neighbour graph bounded, new faces joining their person, a group taking its anchors' person."""

from __future__ import annotations

import numpy as np
import pytest

from desktop.core.faces import cluster

dlib = pytest.importorskip("dlib")


def people(count: int, faces: int, spread: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """`count` identities 1.0 apart or more, each `faces` descriptors within about `spread` of its centre."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(count, 128))
    centres *= 1.2 / np.linalg.norm(centres, axis=1, keepdims=True)  # ~1.7 apart: well over 0.6
    points = np.repeat(centres, faces, axis=0) + rng.normal(scale=spread / np.sqrt(128), size=(count * faces, 128))
    return points.astype(np.float32), np.repeat(np.arange(count), faces)


def test_identities_are_found_whole_and_apart_even_past_the_neighbour_cap() -> None:
    points, truth = people(4, 150, 0.25)  # 150 faces each: more than NEIGHBOURS, so the graph is capped
    labels = np.array(cluster.chinese_whispers(dlib, points))
    assert len(set(labels.tolist())) == 4
    for who in range(4):
        assert len(set(labels[truth == who].tolist())) == 1
    assert len(cluster._edges(points, cluster.THRESHOLD)) <= len(points) * (cluster.NEIGHBOURS + 1)


def test_new_faces_join_the_person_of_most_of_their_close_faces() -> None:
    points, truth = people(2, 20, 0.2)
    known, new = points[::2], points[1::2]
    joined = cluster.join_existing(new, known, truth[::2] + 100)
    assert joined == (truth[1::2] + 100).tolist()
    stranger = np.full((1, 128), 5.0, np.float32)
    assert cluster.join_existing(stranger, known, truth[::2]) == [None]


def test_a_group_takes_the_key_most_of_its_faces_are_near() -> None:
    assert cluster.vote(["anna", "anna", None]) == "anna"
    assert cluster.vote(["anna", None, None, None]) is None  # one face in four is not the group
    gaps = np.array([0.1, 0.9, 0.9], np.float32)
    assert cluster.vote(["anna", "anna", "anna"], gaps=gaps) is None  # the anchors are too far
