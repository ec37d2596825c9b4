"""The numbers behind a map: UMAP to 2-D, HDBSCAN on a 5-D UMAP, Procrustes to keep a relayout
looking like the old one. umap, pynndescent and sklearn are imported here lazily: importing umap
costs seconds (numba) and must never happen on the way to the window.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from desktop.core.common.records import LayoutOptions  # a plain record: the window passes one

# Below this many items UMAP's neighbour graph and spectral start are meaningless; a map of a
# handful of files is laid out by PCA and simply recomputed when it changes.
MIN_UMAP_ITEMS = 12
CLUSTER_DIMS = 5
# From this many items UMAP looks neighbours up approximately (pynndescent); below, it computes
# exact distances itself. Above it, hnswlib gives the neighbour graph instead: seconds, where
# pynndescent's numba code first compiles for most of a minute.
APPROXIMATE_ITEMS = 4096


# UMAP's own default is 500 epochs up to 10,000 items and 200 above: a 10k map paid 2.5x the epochs of
# a 10,001-item one, and the epochs were most of a first map's time. An epoch costs in proportion to
# the items, so the map spends a budget of item-epochs instead: 500 for small maps, 200 from 10k.
EPOCH_BUDGET = 2_000_000
MIN_EPOCHS, MAX_EPOCHS = 200, 500
# The 5-D layout only has to keep clusters apart for HDBSCAN, not draw them: half the epochs (measured
# on 60 synthetic clusters at 10k: the same clusters, ARI 1.0).
CLUSTER_EPOCH_SHARE = 0.5


def layout_epochs(n: int) -> int:
    return int(min(MAX_EPOCHS, max(MIN_EPOCHS, EPOCH_BUDGET // max(n, 1))))


def numba_cache() -> None:
    """numba's compiled code on disk under the user's cache folder, so it compiles once per
    installation instead of once per process (set before numba is first imported)."""
    from desktop.core.common.locations import cache_root

    folder = cache_root() / "numba"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("NUMBA_CACHE_DIR", str(folder))


class HnswNeighbours:
    """An hnswlib index over the fitted items, answering what UMAP asks its pynndescent index
    (`query`, `_angular_trees`) when it places new items; picklable with the reducer."""

    _angular_trees = True  # cosine: UMAP then searches with its angular epsilon

    def __init__(self, vectors: np.ndarray) -> None:
        import hnswlib

        n, dim = vectors.shape
        self.index = hnswlib.Index(space="cosine", dim=dim)
        self.index.init_index(max_elements=n, ef_construction=100, M=16, random_seed=0)
        self.index.add_items(np.ascontiguousarray(vectors, dtype=np.float32), np.arange(n))

    def query(self, vectors: np.ndarray, k: int, epsilon: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
        self.index.set_ef(max(2 * k, 64))
        labels, dists = self.index.knn_query(np.ascontiguousarray(vectors, dtype=np.float32), k=k)
        return labels.astype(np.int32), np.maximum(dists, 0.0).astype(np.float32)

    def neighbours(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Each fitted item's k nearest, itself first (as UMAP's own graph has it)."""
        labels, dists = self.query(vectors, k)
        rows = np.arange(len(vectors))[:, None]
        dists = np.where(labels == rows, -1.0, dists)  # itself sorts first, even among exact duplicates
        missing = ~(labels == rows).any(axis=1)
        labels[missing, -1], dists[missing, -1] = rows[missing, 0], -1.0
        order = np.argsort(dists, axis=1, kind="stable")
        labels, dists = np.take_along_axis(labels, order, 1), np.take_along_axis(dists, order, 1)
        return labels, np.maximum(dists, 0.0).astype(np.float32)


_UMAP_MODULES = ("umap_", "layouts", "distances", "sparse", "spectral", "utils")


def cache_umap_compiles() -> None:
    """Have numba keep umap's own compiled functions on disk too (pynndescent asks for it, umap does not).

    They were compiled again in every process: about 25 s of a first map here. Of a function jitted
    twice (umap's epoch, serial and parallel) only the variant the map runs is cached: numba names a
    cache entry after the Python function and would hand one variant's code to the other.
    """
    import importlib

    from numba.core.caching import NullCache
    from numba.core.dispatcher import Dispatcher

    dispatchers: dict[Any, list[Dispatcher]] = {}
    for name in _UMAP_MODULES:
        module = importlib.import_module(f"umap.{name}")
        for value in vars(module).values():
            if isinstance(value, Dispatcher) and value.py_func.__module__ == module.__name__:
                dispatchers.setdefault(value.py_func, []).append(value)
    for wrapped in dispatchers.values():
        if len({id(d) for d in wrapped}) == 1 and isinstance(wrapped[0]._cache, NullCache):
            wrapped[0].enable_caching()
    layouts = importlib.import_module("umap.layouts")
    parallel = getattr(layouts, "_nb_optimize_layout_euclidean_single_epoch_parallel", None)
    if isinstance(parallel, Dispatcher) and isinstance(parallel._cache, NullCache):
        parallel.enable_caching()  # the one the map runs (n_jobs=-1); the serial twin stays uncached


def _umap(n: int, options: LayoutOptions, components: int, epochs: int, **extra: Any) -> Any:
    numba_cache()
    import umap  # seconds of numba import: only ever on a worker thread

    cache_umap_compiles()
    return umap.UMAP(
        n_components=components,
        n_neighbors=max(2, min(options.n_neighbors, n - 1)),
        metric="cosine",
        n_epochs=epochs,
        random_state=options.random_state,
        # umap refuses parallel work with a fixed seed (and warns); say so instead of being told.
        n_jobs=1 if options.random_state is not None else -1,
        low_memory=True,
        **extra,
    )


def fit_layout(vectors: np.ndarray, options: LayoutOptions, init: np.ndarray | None = None) -> tuple[np.ndarray, Any]:
    """2-D coordinates for `vectors` and the fitted reducer (None for tiny sets)."""
    n = len(vectors)
    if n < MIN_UMAP_ITEMS:
        return pca_2d(vectors), None
    extra: dict[str, Any] = {"min_dist": options.min_dist}
    if init is not None:
        extra["init"] = init.astype(np.float64)
    if n >= APPROXIMATE_ITEMS:
        search = HnswNeighbours(vectors)
        k = max(2, min(options.n_neighbors, n - 1))
        extra["precomputed_knn"] = (*search.neighbours(vectors, k), search)
        extra["force_approximation_algorithm"] = True  # use them whatever APPROXIMATE_ITEMS says
    reducer = _umap(n, options, 2, options.n_epochs or layout_epochs(n), **extra)
    xy = reducer.fit_transform(vectors)
    return np.asarray(xy, dtype=np.float32), reducer


def place(reducer: Any, vectors: np.ndarray) -> np.ndarray:
    """Positions for new items in an existing layout: the fitted reducer's transform, which never
    moves the points it was fitted on."""
    return np.asarray(reducer.transform(vectors), dtype=np.float32)


def pca_2d(vectors: np.ndarray) -> np.ndarray:
    if len(vectors) == 0:
        return np.zeros((0, 2), dtype=np.float32)
    centred = vectors - vectors.mean(axis=0)
    if len(vectors) < 3:
        return np.column_stack([np.arange(len(vectors), dtype=np.float32), np.zeros(len(vectors))]).astype(np.float32)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    return (centred @ vt[:2].T * 10).astype(np.float32)


def cluster(vectors: np.ndarray, options: LayoutOptions, reducer: Any = None) -> np.ndarray:
    """Cluster ids per item (-1 = noise) from HDBSCAN on a 5-D UMAP of the vectors.

    Clustering the 2-D layout would cut groups along artefacts of flattening; 5 dimensions keep
    the neighbourhoods while being few enough for density estimates. The 2-D reducer's neighbour
    graph is reused (`precomputed_knn`), which saves the most expensive step of the second UMAP.
    """
    from sklearn.cluster import HDBSCAN

    n = len(vectors)
    if n < MIN_UMAP_ITEMS:
        return np.full(n, -1, dtype=np.int32)
    extra: dict[str, Any] = {"min_dist": 0.0}
    if getattr(reducer, "_knn_indices", None) is not None:  # absent for small sets (exact distances)
        extra["precomputed_knn"] = (reducer._knn_indices, reducer._knn_dists)
    components = min(CLUSTER_DIMS, n - 2)
    epochs = options.n_epochs or max(1, round(layout_epochs(n) * CLUSTER_EPOCH_SHARE))
    embedded = _umap(n, options, components, epochs, **extra).fit_transform(vectors)
    size = options.min_cluster_size or max(5, round(np.sqrt(n) / 2))
    labels = HDBSCAN(min_cluster_size=size, min_samples=max(3, size // 3), copy=False).fit_predict(embedded)
    return np.asarray(labels, dtype=np.int32)


def align(xy: np.ndarray, rows: np.ndarray, old: np.ndarray) -> np.ndarray:
    """The whole of `xy` rotated, reflected, scaled and shifted by the one similarity transform that
    best maps its points `rows` onto `old` (their previous positions).

    A fresh UMAP run is free to come out mirrored or turned; aligning it to the previous layout
    keeps "my photos were top left" true after Re-arrange.
    """
    from scipy.linalg import orthogonal_procrustes

    if len(rows) < 3:
        return xy
    new_mean, old_mean = xy[rows].mean(axis=0), old.mean(axis=0)
    a, b = (xy[rows] - new_mean).astype(np.float64), (old - old_mean).astype(np.float64)
    rotation, singular_sum = orthogonal_procrustes(a, b)
    scale = singular_sum / max(float((a**2).sum()), 1e-12)
    return ((xy - new_mean) @ rotation * scale + old_mean).astype(np.float32)


def assign_clusters(new_xy: np.ndarray, old_xy: np.ndarray, old_clusters: np.ndarray) -> np.ndarray:
    """Clusters for newly placed points: the cluster of the nearest old point, unless that point is
    much farther than typical neighbours are (then noise). sklearn's HDBSCAN cannot predict."""
    from scipy.spatial import cKDTree

    if len(old_xy) < 2 or len(new_xy) == 0:
        return np.full(len(new_xy), -1, dtype=np.int32)
    tree = cKDTree(old_xy)
    typical = float(np.median(tree.query(old_xy, k=2)[0][:, 1]))
    distance, nearest = tree.query(new_xy, k=1)
    labels = old_clusters[nearest].astype(np.int32)
    labels[distance > 4 * max(typical, 1e-6)] = -1
    return labels
