"""The map's first layout (issue 14): UMAP's epochs come from an item-epoch budget instead of UMAP's
500-below-10k default, the clustering layout gets a share of them, and umap's jitted functions are
cached on disk so a second process loads them instead of compiling again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from desktop.core.maps import layout

ROOT = Path(__file__).resolve().parents[2]


class _Reducer:
    def __init__(self, components: int) -> None:
        self.components = components
        self._knn_indices = self._knn_dists = None

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        return np.zeros((len(vectors), self.components), dtype=np.float32)


def test_a_10k_map_runs_200_epochs_and_its_clusters_100(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[tuple[int, int]] = []

    def fake_umap(n: int, options: Any, components: int, epochs: int, **extra: Any) -> _Reducer:
        asked.append((components, epochs))
        return _Reducer(components)

    monkeypatch.setattr(layout, "_umap", fake_umap)
    monkeypatch.setattr("sklearn.cluster.HDBSCAN.fit_predict", lambda self, x: np.zeros(len(x), dtype=int))
    vectors = np.random.default_rng(0).normal(size=(10_000, 8)).astype(np.float32)
    _, reducer = layout.fit_layout(vectors, layout.LayoutOptions())
    layout.cluster(vectors, layout.LayoutOptions(), reducer)
    assert asked == [(2, 200), (layout.CLUSTER_DIMS, 100)]
    assert [layout.layout_epochs(n) for n in (500, 4000, 5000, 10_000, 200_000)] == [500, 500, 400, 200, 200]
    asked.clear()
    layout.fit_layout(vectors[:300], layout.LayoutOptions(n_epochs=30))  # an explicit choice still wins
    assert asked == [(2, 30)]


PROBE = r"""
import json, sys
import numpy as np
sys.path.insert(0, sys.argv[1])
from desktop.core.maps import layout
layout.numba_cache()
import umap.umap_ as u
layout.cache_umap_compiles()
u.smooth_knn_dist(np.random.default_rng(0).random((50, 5)).astype(np.float32), 5.0)
print(json.dumps({"hits": sum(u.smooth_knn_dist.stats.cache_hits.values()),
                  "misses": sum(u.smooth_knn_dist.stats.cache_misses.values())}))
"""


def test_umaps_compiled_code_is_loaded_from_disk_by_the_next_process(tmp_path: Path) -> None:
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}

    def run() -> dict[str, int]:
        done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True, text=True,
                              env=env, check=True, timeout=300)
        return json.loads(done.stdout.strip().splitlines()[-1])

    assert run() == {"hits": 0, "misses": 1}  # compiled, and written to the cache
    assert run() == {"hits": 1, "misses": 0}  # loaded, not compiled


def test_only_the_epoch_variant_the_map_runs_is_cached() -> None:
    layout.numba_cache()
    import umap.layouts as layouts
    from numba.core.caching import NullCache

    layout.cache_umap_compiles()
    assert not isinstance(layouts._nb_optimize_layout_euclidean_single_epoch_parallel._cache, NullCache)
    assert isinstance(layouts._nb_optimize_layout_euclidean_single_epoch._cache, NullCache)
