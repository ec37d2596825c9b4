"""The map section of scripts/bench: the first layout at 10k passages as a whole process (cold and warm
numba cache) and its reopen; in-process layout time at 10k / 50k items (first time, reopen, placing new
items) and the frame time of the Map tab while panning and zooming.

Synthetic clustered vectors stand in for a real library (one map point per passage), so the
figures are about UMAP/HDBSCAN and drawing, not about a model. Frames are drawn through the real
MapCanvas on Qt's offscreen platform (widget.grab(), i.e. a full paintEvent into a pixmap): pan and
zoom frames re-project the cached points layer, "redrawing all points" is the frame after the view
settles (120 ms without movement).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

NEW_ITEMS = 200
SAMPLE = 2000  # points the trustworthiness of a layout is measured on (all of a smaller map)
PROCESS_ITEMS = 10_000  # issue 14: first layout at 10k passages <= 30 s as a whole process

# One process that opens a library and makes (or reopens) its passage map, as `semdesk map --per-passage`
# and the Map tab do; it prints when each phase of the job began, counted from the interpreter's start.
MAP_PROCESS = r"""
import json, sys, time
t_start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
lib = Library.open(sys.argv[2])
marks = [("start-up (imports, open library)", t_start)]
def seen(progress):
    phase = progress.message.split(" (")[0]
    if phase.startswith("reading ") and phase.endswith(" vectors"):
        phase = "reading vectors"
    if phase != marks[-1][0]:
        marks.append((phase, time.perf_counter()))
t0 = time.perf_counter()
data = run_job(lib.map("text", per_chunk=True), seen)
job_s = time.perf_counter() - t0
lib.close()
end = time.perf_counter()
marks.append(("end", end))
phases = {}
for (name, at), (_, after) in zip(marks, marks[1:]):
    phases[name] = phases.get(name, 0.0) + after - at
print(json.dumps({"job_s": job_s, "inside_s": end - t_start, "points": len(data), "phases": phases}))
"""


def bench_map(report: Any, work: Path, state: dict[str, Any], sizes: list[int],
              fill: Callable[..., None], vectors_for: Callable[..., Any], smoke: bool = False) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    texts = state.get("texts") or [f"passage {i} about {w}" for i, w in
                                   enumerate(["python", "asyncio", "email", "sockets", "threads"] * 100)]
    report.note("map", f"synthetic clustered 384-d vectors, one point per passage; UMAP cosine, {os.cpu_count()} "
                "CPUs, parallel (no fixed seed), clusters from a second 5-d UMAP on the same neighbour graph")
    frames = 5 if smoke else 40
    bench_map_process(report, work, fill, vectors_for, texts, n=min(sizes) if smoke else PROCESS_ITEMS, smoke=smoke)
    if smoke:  # numba's compile in this process is paid by the first map below instead
        sizes = sizes[:1]
    # The first UMAP in a process compiles numba code; measure that once, apart from the sizes.
    for warm_up in () if smoke else (work / "map-warm-up",):
        _jit(report, Library, run_job, fill, vectors_for, texts, warm_up)
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
        for key, samples in frame_times(grown, frames).items():
            report.add("map", f"frame_{key}_{label}_ms", statistics.median(samples), "ms",
                       f"{label}: frame while {key.replace('_', ' ')} (median)")
        lib.close()


def _jit(report: Any, library: Any, run_job: Any, fill: Callable[..., None], vectors_for: Callable[..., Any],
         texts: list[str], folder: Path) -> None:
    warm = library.open(folder)
    fill(warm, 600, texts, vectors_for(600, 384, seed=1, centres=20))
    t0 = time.perf_counter()
    run_job(warm.map("text", per_chunk=True))
    report.add("map", "jit_s", time.perf_counter() - t0, "s", "first map in a process, 600 items (numba compile)")
    warm.close()


def bench_map_process(report: Any, work: Path, fill: Callable[..., None], vectors_for: Callable[..., Any],
                      texts: list[str], n: int = PROCESS_ITEMS, smoke: bool = False) -> None:
    """The first layout at `n` passages as a whole process (interpreter start-up included), once with an
    empty numba cache (paid once per installation) and once with the cache the first run left, then a
    reopen of the saved map in a fresh process."""
    from desktop.core.library import Library

    label = f"{n // 1000}k"
    folder = work / f"map-process-{label}"
    vectors = vectors_for(n, 384, seed=n + 1, centres=60)
    lib = Library.open(folder)
    fill(lib, n, texts, vectors)
    lib.close()
    numba_dir = Path(tempfile.mkdtemp(prefix="semdesk-numba-", dir=work))  # empty: a new installation
    runs = [("cold", "first layout, empty numba cache (once per installation)"),
            ("warm", "first layout, numba cache kept (every later first map)"),
            ("reopen", "reopen the saved map")]
    if smoke:  # numba's compile once, not twice
        runs = [run for run in runs if run[0] != "warm"]
    for key, what in runs:
        if key == "warm":
            shutil.rmtree(folder / "maps")  # the layout again, but numba's compiled code stays
        figures = _timed_process(MAP_PROCESS, folder, numba_dir)
        report.add("map", f"process_{key}_{label}_s", figures["wall_s"], "s",
                   f"{label}: {what}, whole process wall")
        report.add("map", f"process_{key}_{label}_cpu_s", figures["cpu_s"], "s", f"{label}: {key}, its CPU (user+sys)")
        report.add("map", f"process_{key}_{label}_rss_mb", figures["rss_mb"], "MB", f"{label}: {key}, its peak RSS")
        if key == "reopen":
            report.add("map", f"process_reopen_{label}_job_s", figures["job_s"], "s",
                       f"{label}: reopen, the map job alone (bar: 1 s)")
        phases = ", ".join(f"{name} {seconds:.1f}" for name, seconds in figures["phases"].items())
        report.note("map", f"{label} {key} phases (s): {phases}")
        report.data.setdefault("map", {})[f"process_{key}_{label}"] = figures
    report.add("map", f"trustworthiness_{label}", _trustworthiness(folder, vectors), "",
               f"{label}: trustworthiness@15 of the layout ({min(n, SAMPLE):,}-point sample, cosine)")


def _trustworthiness(folder: Path, vectors: Any) -> float:
    """How well the 2-D map keeps each point's 15 nearest neighbours (1.0: none intrude), so a faster
    layout that draws a worse map shows."""
    import numpy as np
    from sklearn.manifold import trustworthiness

    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    with Library.open(folder) as lib:
        data = run_job(lib.map("text", per_chunk=True))  # the saved layout
    rows = np.asarray(data.facts.ids) - 1  # chunk ids are row + 1 in the synthetic library
    sample = np.random.default_rng(0).choice(len(data), min(len(data), SAMPLE), replace=False)
    return float(trustworthiness(vectors[rows[sample]], data.xy[sample], n_neighbors=15, metric="cosine"))


def _timed_process(script: str, library: Path, numba_dir: Path) -> dict[str, Any]:
    """Wall, CPU and peak RSS of one child (GNU time reports its own child: not skewed by this process)."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(numba_dir)}
    out = library.parent / "time.txt"
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-o", str(out), "-f", "%U %S %M", sys.executable, "-c", script,
                           str(Path(__file__).resolve().parents[2]), str(library)],
                          capture_output=True, text=True, env=env, check=True)
    wall = time.perf_counter() - t0
    user, system, rss_kb = out.read_text().split()[-3:]
    return {"wall_s": wall, "cpu_s": float(user) + float(system), "rss_mb": int(rss_kb) / 1024,
            **json.loads(done.stdout.strip().splitlines()[-1])}


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
