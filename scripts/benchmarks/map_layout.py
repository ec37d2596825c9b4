"""The map section of scripts/bench: layout time at 10k / 50k items (first time, reopen, placing new
items) and the frame time of the Map tab while panning and zooming.

Synthetic clustered vectors stand in for a real library (one map point per passage), so the
figures are about UMAP/HDBSCAN and drawing, not about a model. Frames are drawn through the real
MapCanvas on Qt's offscreen platform (widget.grab(), i.e. a full paintEvent into a pixmap): pan and
zoom frames re-project the cached points layer, "redrawing all points" is the frame after the view
settles (120 ms without movement).
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NEW_ITEMS = 200


def bench_map(report: Any, work: Path, state: dict[str, Any], sizes: list[int],
              fill: Callable[..., None], vectors_for: Callable[..., Any]) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    texts = state.get("texts") or [f"passage {i} about {w}" for i, w in
                                   enumerate(["python", "asyncio", "email", "sockets", "threads"] * 100)]
    report.note("map", f"synthetic clustered 384-d vectors, one point per passage; UMAP cosine, {os.cpu_count()} "
                "CPUs, parallel (no fixed seed), clusters from a second 5-d UMAP on the same neighbour graph")
    # The first UMAP in a process compiles numba code; measure that once, apart from the sizes.
    warm = Library.open(work / "map-warm-up")
    fill(warm, 600, texts, vectors_for(600, 384, seed=1, centres=20))
    t0 = time.perf_counter()
    run_job(warm.map("text", per_chunk=True))
    report.add("map", "jit_s", time.perf_counter() - t0, "s", "first map in a process, 600 items (numba compile)")
    warm.close()
    for n in sizes:
        label = f"{n // 1000}k"
        vectors = vectors_for(n + NEW_ITEMS, 384, seed=n + 1, centres=60)
        lib = Library.open(work / f"map-{label}")
        fill(lib, n, texts, vectors[:n])
        t0 = time.perf_counter()
        data = run_job(lib.map("text", per_chunk=True))
        report.add("map", f"first_{label}_s", time.perf_counter() - t0, "s",
                   f"{label}: first map (layout + clusters + labels + save)")
        clusters = len(set(data.clusters.tolist()) - {-1})
        report.add("map", f"clusters_{label}", clusters, "", f"{label}: clusters found (synthetic: 60 centres)")
        t0 = time.perf_counter()
        again = run_job(lib.map("text", per_chunk=True))
        report.add("map", f"reopen_{label}_s", time.perf_counter() - t0, "s", f"{label}: reopen (cached)")
        assert len(again) == n
        _add_chunks(lib, n, vectors[n:])
        t0 = time.perf_counter()
        grown = run_job(lib.map("text", per_chunk=True))
        report.add("map", f"place_{label}_s", time.perf_counter() - t0, "s",
                   f"{label}: place {NEW_ITEMS} new items (transform)")
        assert len(grown) == n + NEW_ITEMS and grown.placed == NEW_ITEMS
        frames = frame_times(grown)
        for key, samples in frames.items():
            report.add("map", f"frame_{key}_{label}_ms", statistics.median(samples), "ms",
                       f"{label}: frame while {key.replace('_', ' ')} (median)")
        lib.close()


def _add_chunks(lib: Any, n: int, vectors: Any) -> None:
    """NEW_ITEMS passages added after the map was made, in a file of their own."""
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("text")
    with lib.workspace.catalog.engine.begin() as conn:
        file_id = conn.exec_driver_sql("SELECT max(id) + 1 FROM files").scalar()
        conn.exec_driver_sql(
            "INSERT INTO files (id, folder_id, path, kind, size, mtime, status, title, model_version_id) "
            "VALUES (?, 1, ?, 'text', 1, 0, 'indexed', 'new', ?)", (file_id, b"/synthetic/new.txt", mv))
        for i, vector in enumerate(vectors):
            cid = n + i + 1
            conn.exec_driver_sql('INSERT INTO chunks (id, file_id, seq, start, "end", text) VALUES (?, ?, ?, 0, 3, ?)',
                                 (cid, file_id, i, "new"))
            conn.exec_driver_sql("INSERT INTO chunk_vectors (chunk_id, model_version_id, vector) VALUES (?, ?, ?)",
                                 (cid, mv, to_blob(vector)))


def frame_times(data: Any, frames: int = 40) -> dict[str, list[float]]:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF
    from PySide6.QtWidgets import QApplication

    from desktop.gui.map.canvas import MapCanvas

    _app = QApplication.instance() or QApplication([])
    canvas = MapCanvas()
    canvas.resize(1200, 800)
    canvas.set_map(data, "cluster")
    canvas.grab()  # first paint: fonts, caches
    centre = QPointF(600, 400)
    out: dict[str, list[float]] = {"panning": [], "zooming": [], "panning_with_query_highlight": [],
                                   "redrawing_all_points": []}

    def timed(key: str, step: Callable[[], None]) -> None:
        for _ in range(frames):
            step()
            t0 = time.perf_counter()
            canvas.grab()
            out[key].append((time.perf_counter() - t0) * 1000)

    timed("panning", lambda: canvas.pan(7, 4))
    timed("zooming", lambda: canvas.zoom(1.05, centre))
    canvas.set_highlight(list(range(0, len(data), 97)))
    timed("panning_with_query_highlight", lambda: canvas.pan(-7, -4))
    # What a frame costs once the view settles (and what every frame would cost without the cache).
    timed("redrawing_all_points", canvas.redraw)
    # Destroy the widget now: left to the interpreter's final garbage collection, PySide6 crashes
    # the process on exit (after the report is written, but with a frightening message).
    import shiboken6

    shiboken6.delete(canvas)
    return out
