"""The map job: a cancellable generator of Progress that returns a MapData.

Reopening is cheap (ids, the cached layout, metadata). New items are placed with the saved
reducer's transform so old points do not move; only Re-arrange (or a first map) runs UMAP and
HDBSCAN over everything, and a re-arranged map is turned to match the previous one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator
from typing import Any, TypeVar

import numpy as np

from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.maps import layout as lay
from desktop.core.maps import layout_cache as store
from desktop.core.maps.items import MapKey, cluster_texts, item_ids, load_facts, load_vectors
from desktop.core.maps.labels import keyword_labels, photo_labels
from desktop.core.maps.map_data import MapData
from desktop.core.workspace import Workspace

T = TypeVar("T")
SPACES = ("text", "image")


def map_job(
    ws: Workspace,
    space: str = "text",
    *,
    per_chunk: bool = False,
    rearrange: bool = False,
    options: lay.LayoutOptions | None = None,
    cancel: CancelToken | None = None,
) -> Job[MapData]:
    if space not in SPACES:
        raise SemdeskError(f"There is no {space!r} map; choose documents (text) or photos (image).")
    options = options or lay.LayoutOptions()
    cancel = cancel or CancelToken()
    key = MapKey(space, ws.versions.active_id(space), per_chunk and space == "text")
    yield Progress("mapping", message="reading the library")
    ids = item_ids(ws, key)
    cached = store.load_layout(ws.path, key)
    cancel.raise_if_cancelled()
    if cached is not None and not rearrange:
        result = yield from _update(ws, key, ids, cached, cancel)
    else:
        result = yield from _full(ws, key, ids, cached, options, cancel)
    yield Progress("mapping", len(ids), len(ids), "reading titles and dates")
    order = np.argsort(result.ids)  # facts and points both in id order
    ids_sorted = result.ids[order]
    facts = load_facts(ws, key, ids_sorted)
    return MapData(key, result.xy[order], result.clusters[order], result.labels, facts, result.placed)


def _update(
    ws: Workspace, key: MapKey, ids: np.ndarray, cached: store.CachedLayout, cancel: CancelToken
) -> Generator[Progress, None, store.CachedLayout]:
    keep = np.isin(cached.ids, ids)  # removed items simply leave; nobody else moves
    new_ids = np.setdiff1d(ids, cached.ids)
    layout = store.CachedLayout(cached.ids[keep], cached.xy[keep], cached.clusters[keep], cached.labels, cached.placed)
    if len(new_ids) == 0:
        if not keep.all():
            store.save_layout(ws.path, key, layout)
        return layout
    reducer = store.load_reducer(ws.path, key)
    if reducer is None:  # tiny map (no UMAP) or a lost reducer: lay everything out again
        return (yield from _full(ws, key, ids, cached, lay.LayoutOptions(), cancel))
    yield Progress("mapping", 0, len(new_ids), f"placing {len(new_ids)} new items")
    new_ids, vectors = load_vectors(ws, key, new_ids)
    if len(new_ids) == 0:  # their files changed again while we looked
        return layout
    xy = yield from in_background(lambda: lay.place(reducer, vectors), "placing new items", cancel)
    clusters = lay.assign_clusters(xy, layout.xy, layout.clusters)
    layout = store.CachedLayout(
        np.concatenate([layout.ids, new_ids]), np.concatenate([layout.xy, xy]),
        np.concatenate([layout.clusters, clusters]), layout.labels, layout.placed + len(new_ids),
    )
    store.save_layout(ws.path, key, layout)
    return layout


def _full(
    ws: Workspace, key: MapKey, ids: np.ndarray, previous: store.CachedLayout | None,
    options: lay.LayoutOptions, cancel: CancelToken,
) -> Generator[Progress, None, store.CachedLayout]:
    total = len(ids)
    yield Progress("mapping", 0, total, f"reading {total} vectors")
    ids, vectors = load_vectors(ws, key, ids)
    cancel.raise_if_cancelled()
    xy, reducer = yield from in_background(lambda: lay.fit_layout(vectors, options), "laying out", cancel)
    clusters = yield from in_background(lambda: lay.cluster(vectors, options, reducer), "finding clusters", cancel)
    yield Progress("mapping", total, total, "naming clusters")
    labels = _labels(ws, key, ids, vectors, clusters)
    if previous is not None:
        common, new_at, old_at = np.intersect1d(ids, previous.ids, return_indices=True)
        if len(common) >= 3:
            xy = lay.align(xy, new_at, previous.xy[old_at])
    layout = store.CachedLayout(ids, xy, clusters, labels, 0)
    cancel.raise_if_cancelled()
    store.save_reducer(ws.path, key, reducer)
    store.save_layout(ws.path, key, layout)
    return layout


def _labels(ws: Workspace, key: MapKey, ids: np.ndarray, vectors: np.ndarray, clusters: np.ndarray) -> dict[int, str]:
    if key.space == "text":
        return keyword_labels(cluster_texts(ws, key, load_facts(ws, key, ids)), clusters)
    if ws.encoders.clip_problem() is not None:
        return {}  # without real CLIP words, a photo cluster is better unnamed than misnamed
    return photo_labels(vectors, clusters, ws.encoders.clip().encode_texts)


def in_background(work: Callable[[], T], phase: str, cancel: CancelToken) -> Generator[Progress, None, T]:
    """Run one long library call (UMAP, HDBSCAN) on a helper thread, yielding a heartbeat.

    The call itself cannot be interrupted, but the job can: on cancel it stops waiting and the
    abandoned (daemon) thread's result is thrown away.
    """
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = work()
        except BaseException as error:  # handed to the job's thread below
            box["error"] = error

    thread = threading.Thread(target=run, name=f"semdesk-map-{phase}", daemon=True)
    started = time.monotonic()
    thread.start()
    while thread.is_alive():
        thread.join(0.25)
        cancel.raise_if_cancelled()
        yield Progress("mapping", message=f"{phase} ({time.monotonic() - started:.0f} s)")
    if "error" in box:
        raise box["error"]
    return box["result"]
