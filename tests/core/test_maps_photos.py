"""Photo maps (CLIP space) with the tiny random CLIP model, and cancelling a map job.

The tiny model's words mean nothing, so these tests check that photo clusters get names from the
CLIP text encoder when CLIP is ready and none when it is not - not what the names say.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import Cancelled
from desktop.core.common.jobs import CancelToken, Progress, run_job
from desktop.core.library import Library
from desktop.core.maps import LayoutOptions
from desktop.core.maps.job import in_background
from desktop.core.maps.labels import PHOTO_VOCABULARY, photo_labels
from tests.conftest import both_kinds, index
from tests.corpus import write_photos

FAST = LayoutOptions(n_epochs=30, random_state=3)


@both_kinds
def test_photo_map_and_clip_word_labels(clip_library: Library, tmp_path: Path) -> None:
    write_photos(tmp_path / "photos", count=14)
    index(clip_library, tmp_path / "photos")
    data = run_job(clip_library.map("image", options=FAST))
    assert len(data) == 14 and data.kind == "image"
    assert all(Path(p).parent.name == "photos" for p in data.facts.paths)
    # Whatever HDBSCAN finds on 14 random-model vectors, naming goes through the CLIP text encoder:
    vectors = np.stack([clip_library.workspace.encoders.clip().encode_query(f"probe {i}") for i in range(6)])
    halves = np.array([0, 0, 0, 1, 1, 1])
    labels = photo_labels(vectors, halves, clip_library.workspace.encoders.clip().encode_texts)
    assert set(labels) == {0, 1}
    for label in labels.values():
        words = label.split(" · ")
        assert len(words) == 2 and set(words) <= set(PHOTO_VOCABULARY)


def test_photo_label_is_the_closest_vocabulary_words() -> None:
    vocabulary = ("beach", "sunset", "dog", "kitchen")

    def encode_texts(texts: list[str]) -> np.ndarray:  # a CLIP whose word vectors are one-hot
        assert texts[0] == "a photo of beach"
        return np.eye(len(texts), 6, dtype=np.float32)

    photos = np.array([[1, 0.6, 0, 0, 0, 0], [1, 0.5, 0, 0, 0, 0], [0, 0, 0.2, 1, 0, 0], [0, 0, 0.1, 1, 0, 0]],
                      dtype=np.float32)
    labels = photo_labels(photos, np.array([0, 0, 1, 1]), encode_texts, vocabulary)
    assert labels == {0: "beach · sunset", 1: "kitchen · dog"}


def test_no_photo_map_without_clip(library: Library) -> None:
    data = run_job(library.map("image", options=FAST))
    assert len(data) == 0 and data.labels == {}


def test_cancel_stops_waiting_for_a_long_step() -> None:
    token = CancelToken()
    seen: list[Progress] = []

    def on_progress(progress: Progress) -> None:
        seen.append(progress)
        token.cancel()

    started = time.monotonic()
    with pytest.raises(Cancelled):
        run_job(in_background(lambda: time.sleep(5), "laying out", token), on_progress)
    assert time.monotonic() - started < 4 and seen[0].message.startswith("laying out")
