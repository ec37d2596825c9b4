"""Bench section "launch": interpreter and import start-up, process start to window shown and to
the first results of a typed query."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scripts.benchmarks.common import ROOT, Report

LAUNCH_PROBE = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

def _shown():
    print("SHOWN", time.time(), flush=True)
    os._exit(0)

def _wrap(original):
    def show(self, *args):
        result = original(self, *args)
        if self.isWindow():
            QTimer.singleShot(0, _shown)  # after the event loop has processed the show
        return result
    return show

for _name in ("show", "showMaximized", "showNormal", "showFullScreen"):
    setattr(QWidget, _name, _wrap(getattr(QWidget, _name)))
import desktop.app
sys.exit(desktop.app.main())
"""


# Launch, type a query as soon as the window is shown, report when the first document results arrive
# (models load lazily off the UI thread, so this includes loading the text model).
FIRST_RESULTS_PROBE = """
import os, sys, time
import desktop.gui.shell.main_window as mw
_init = mw.MainWindow.__init__

def _patched(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    def _results(results):
        if results.documents:
            print("RESULTS", time.time(), flush=True)
            os._exit(0)
    self.search.results.connect(_results)
    self.search_box.setText("bicycle chain repair")

mw.MainWindow.__init__ = _patched
import desktop.app
sys.exit(desktop.app.main())
"""


def cold_seconds(code: str, runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_launch(report: Report, work: Path, full: bool) -> None:
    runs = 5 if full else 3
    base = cold_seconds("pass", runs)
    core = cold_seconds("import desktop.core.library", runs)
    report.add("launch", "python_startup_s", base, "s", f"bare interpreter start (median of {runs})")
    report.add("launch", "import_core_library_s", core, "s", "python -c 'import desktop.core.library' (cold)")
    report.add("launch", "import_core_library_net_s", core - base, "s", "  of which the import itself")
    app = ROOT / "desktop" / "app.py"
    if not app.is_file() or "def main" not in app.read_text(encoding="utf-8"):
        report.note("launch", "launch: GUI not present (no desktop/app.py with main()); window and first-results "
                    "times not measured")
        return
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "SEMDESK_LIBRARY": str(work / "launch-lib")}
    shown = probe_seconds(report, LAUNCH_PROBE, "SHOWN", env, runs, timeout=60)
    if shown is None:
        return
    report.add("launch", "window_shown_s", shown, "s",
               f"process start -> first window shown, offscreen (median of {runs})")
    first_results_time(report, work, env, runs)


def probe_seconds(report: Report, code: str, marker: str, env: dict[str, str], runs: int, *,
                  timeout: int) -> float | None:
    """Median seconds from process start to the probe printing `marker TIMESTAMP`; None (with a note) if never."""
    times = []
    for _ in range(runs):
        t0 = time.time()
        try:
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            report.note("launch", f"launch: no {marker} within {timeout} s")
            return None
        line = next((x for x in out.stdout.splitlines() if x.startswith(marker + " ")), None)
        if line is None:
            report.note("launch", f"launch: {marker} not seen (exit {out.returncode}): {out.stderr[-300:]}")
            return None
        times.append(float(line.split()[1]) - t0)
    return statistics.median(times)


def first_results_time(report: Report, work: Path, env: dict[str, str], runs: int) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    docs = work / "launch-docs"
    docs.mkdir(exist_ok=True)
    (docs / "bicycle.txt").write_text("Fixing a bicycle chain: push out the pin with a chain tool and oil it.")
    (docs / "bread.txt").write_text("Baking sourdough bread: feed the starter, knead, proof and bake.")
    with Library.open(work / "launch-docs-lib") as lib:
        run_job(lib.index([docs]))
    env = {**env, "SEMDESK_LIBRARY": str(work / "launch-docs-lib")}
    seconds = probe_seconds(report, FIRST_RESULTS_PROBE, "RESULTS", env, runs, timeout=120)
    if seconds is not None:
        report.add("launch", "first_results_s", seconds, "s",
                   f"process start -> first document results for a typed query, cold models (median of {runs})")
