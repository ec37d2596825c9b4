"""Memory of the window's process (issue 24, item 16): its resident size at start, after a map and
after a training run.

A window held ~3.6 GB after a training run and a map, against ~400 MB at start: PyTorch's training
side, numba and UMAP keep most of what they allocated. The window now runs both in a child process
(desktop/core/library/apart.py); this measures what the window's own process holds.

The figures come from a fresh process (`python -m scripts.benchmarks.memory LIBRARY`) that does what
the window does: a MainWindow (Qt offscreen) with its models warmed up and a search made; the Map tab
shown and laid out by its MapTab; then a training run through the wizard's own `train_all`, its
candidate discarded. After each, the process's RSS (/proc/self/statm) once the garbage is collected.

    python -m scripts.benchmarks.memory LIBRARY   # prints the figures as JSON
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.gui.corpus import MARKS

ROOT = Path(__file__).resolve().parents[2]


def rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def make_library(folder: Path) -> Path:
    """The GUI tests' 30 documents, indexed, with right and wrong marks on eight searches."""
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from tests.gui.corpus import write_documents

    notes = write_documents(folder / "notes")
    path = folder / "library"
    with Library.open(path) as lib:
        lib.set_setting("text_int8", False)  # before indexing: a run then makes no int8 copy (seconds saved)
        run_job(lib.index([notes]))
        for query, right, wrong in MARKS:
            lib.mark(query, next(notes.glob(f"{right}.*")), True)
            lib.mark(query, next(notes.glob(f"{wrong}.*")), False)
    return path


def window_figures(library: Path, timeout: float = 600) -> dict[str, float]:
    """This process as the window's: RSS at start, after the map, after a training run (MB)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from desktop.core.common.jobs import CancelToken
    from desktop.core.library import Library
    from desktop.gui.shell.main_window import MainWindow
    from desktop.gui.tuning.wizard import train_all

    app = QApplication.instance() or QApplication([])

    def wait(condition: Any, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(what)
            app.processEvents()
            time.sleep(0.02)

    def settled() -> float:
        for _ in range(20):
            app.processEvents()
        gc.collect()
        return round(rss_mb(), 1)

    state = QSettings(str(library.parent / "window-state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Library.open(library), state)
    window.show()
    wait(lambda: window.status.last is not None and window.models.ready, "the window and its models")
    window.search.set_query("mending a bicycle tyre")
    window.search.run_now()
    wait(lambda: window.results.current.query == "mending a bicycle tyre", "a search")
    figures = {"start_mb": settled()}
    window.tabs.setCurrentWidget(window.map_tab)
    wait(lambda: window.map_tab.current is not None and window.map_tab.running is None, "the map")
    figures["after_map_mb"] = settled()
    library_now = window.library
    candidates = train_all(None, library_now, ["text"], {}, CancelToken(), lambda _target: None)
    for candidate in candidates:
        library_now.discard(candidate)
    del candidates
    figures["after_training_mb"] = settled()
    window.close()
    return figures


def measure(library: Path) -> dict[str, float]:
    """`window_figures` in a fresh process (this one has other sections' models and caches in it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "scripts.benchmarks.memory", str(library)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=1200)
    if result.returncode != 0:
        raise RuntimeError(f"the memory probe failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def bench_memory(report: Any, work: Path) -> None:
    library = make_library(work / "memory")
    figures = measure(library)
    report.add("memory", "window_start_mb", figures["start_mb"], "MB", "window RSS at start (models warm, a search)")
    report.add("memory", "window_after_map_mb", figures["after_map_mb"], "MB", "window RSS after a map (30 documents)")
    report.add("memory", "window_after_training_mb", figures["after_training_mb"], "MB",
               "window RSS after a training run (8 marked searches)")


if __name__ == "__main__":
    print(json.dumps(window_figures(Path(sys.argv[1]))), flush=True)
