"""The map's first layout (issue 14): UMAP's neighbour graph comes from hnswlib instead of
pynndescent, new items are still placed through the fitted reducer, and numba caches on disk."""

from __future__ import annotations

import os
import pickle

import numpy as np

from desktop.core.maps import layout


def _clustered(n: int, dim: int = 24, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(12, dim))
    points = centres[rng.integers(0, 12, n)] + 0.3 * rng.normal(size=(n, dim))
    return (points / np.linalg.norm(points, axis=1, keepdims=True)).astype(np.float32)


def test_hnsw_neighbours_are_the_exact_ones_with_each_point_first() -> None:
    vectors = _clustered(1500)
    labels, dists = layout.HnswNeighbours(vectors).neighbours(vectors, 10)
    assert (labels[:, 0] == np.arange(len(vectors))).all() and np.allclose(dists[:, 0], 0, atol=1e-5)
    exact = np.argsort(-(vectors @ vectors.T), axis=1)[:, :10]
    recall = np.mean([len(set(a) & set(b)) / 10 for a, b in zip(labels, exact, strict=True)])
    assert recall >= 0.95, recall
    assert (np.diff(dists, axis=1) >= -1e-6).all()  # nearest first, as UMAP expects


def test_a_large_layout_uses_them_and_still_places_new_items(monkeypatch) -> None:
    monkeypatch.setattr(layout, "APPROXIMATE_ITEMS", 600)  # the same path as 4096+ items, sooner
    vectors = _clustered(layout.APPROXIMATE_ITEMS + 100, seed=1)
    old, new = vectors[:-100], vectors[-100:]
    options = layout.LayoutOptions(n_epochs=20, random_state=0)
    xy, reducer = layout.fit_layout(old, options)
    assert isinstance(reducer._knn_search_index, layout.HnswNeighbours)  # pynndescent never ran
    assert xy.shape == (len(old), 2) and np.isfinite(xy).all()
    restored = pickle.loads(pickle.dumps(reducer))  # the layout cache pickles it
    placed = layout.place(restored, new)
    assert placed.shape == (100, 2) and np.isfinite(placed).all()
    # A new item lands near the old items most like it.
    nearest_old = np.argmax(new @ old.T, axis=1)
    spread = np.linalg.norm(xy - xy.mean(axis=0), axis=1).mean()
    assert np.median(np.linalg.norm(placed - xy[nearest_old], axis=1)) < spread
    assert os.environ["NUMBA_CACHE_DIR"].endswith("numba")
