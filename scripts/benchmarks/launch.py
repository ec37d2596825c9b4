"""Bench section "launch": interpreter and import start-up; from process start, the window on screen,
the window filled (library open), and the first results of a typed query, each a median of runs."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scripts.benchmarks.common import ROOT, Report

# One probe for the whole launch, timed from process start (the parent's clock just before it starts
# the process): SHOWN when the first window has been shown and the event loop has run once (the
# frame that says "Opening library…"), FILLED when the library is open and the panes are built, and
# with SEMDESK_BENCH_QUERY set, RESULTS when the first document results of that query arrive. The
# query is typed as soon as the search box exists, like a user who starts typing when it appears;
# the text model loads in the background meanwhile, so RESULTS includes whatever of it is left.
LAUNCH_PROBE = """
import os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

def _mark(marker):
    print(marker, time.time(), flush=True)

def _wrap(original):
    def show(self, *args):
        result = original(self, *args)
        if self.isWindow() and not getattr(_wrap, "shown", False):
            _wrap.shown = True
            QTimer.singleShot(0, lambda: _mark("SHOWN"))  # after the event loop has processed the show
        return result
    return show

for _name in ("show", "showMaximized", "showNormal", "showFullScreen"):
    setattr(QWidget, _name, _wrap(getattr(QWidget, _name)))

import desktop.gui.shell.main_window as mw
_query = os.environ.get("SEMDESK_BENCH_QUERY", "")
_set_library = mw.MainWindow.set_library

def _filled(self, library):
    _set_library(self, library)  # builds the panes first, then shows the library
    _mark("FILLED")
    if not _query:
        os._exit(0)
    def _results(results):
        if results.documents:
            _mark("RESULTS")
            os._exit(0)
    self.search.results.connect(_results)
    self.search_box.setText(_query)

mw.MainWindow.set_library = _filled
import desktop.app
sys.exit(desktop.app.main())
"""
MARKERS = ("SHOWN", "FILLED", "RESULTS")


def cold_seconds(code: str, runs: int, env: dict[str, str] | None = None) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_launch(report: Report, work: Path, full: bool, smoke: bool = False) -> None:
    runs = 5 if full else 1 if smoke else 3
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
    env.pop("SEMDESK_BENCH_QUERY", None)
    report.note("launch", "load average before the launch runs: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    empty = probe_seconds(report, LAUNCH_PROBE, ("SHOWN", "FILLED"), env, runs, timeout=60)
    if empty is None:
        return
    report.add("launch", "window_shown_s", empty["SHOWN"], "s",
               f"process start -> window on screen, empty library, offscreen (median of {runs})")
    report.add("launch", "window_filled_s", empty["FILLED"], "s",
               f"process start -> library open, window filled (median of {runs})")
    first_results_time(report, work, env, runs)
    report.note("launch", "load average after the launch runs: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def probe_seconds(report: Report, code: str, markers: tuple[str, ...], env: dict[str, str], runs: int, *,
                  timeout: int) -> dict[str, float] | None:
    """Median seconds from process start to each of `markers` (printed by the probe as `MARKER
    TIMESTAMP`); None (with a note) if one was never seen."""
    times: dict[str, list[float]] = {marker: [] for marker in markers}
    for _ in range(runs):
        t0 = time.time()
        try:
            out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                                 text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            report.note("launch", f"launch: not all of {', '.join(markers)} within {timeout} s")
            return None
        seen = {line.split()[0]: float(line.split()[1]) for line in out.stdout.splitlines()
                if line.split() and line.split()[0] in MARKERS}
        for marker in markers:
            if marker not in seen:
                report.note("launch", f"launch: {marker} not seen (exit {out.returncode}): {out.stderr[-300:]}")
                return None
            times[marker].append(seen[marker] - t0)
    return {marker: statistics.median(values) for marker, values in times.items()}


def first_results_time(report: Report, work: Path, env: dict[str, str], runs: int) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    docs = work / "launch-docs"
    docs.mkdir(exist_ok=True)
    (docs / "bicycle.txt").write_text("Fixing a bicycle chain: push out the pin with a chain tool and oil it.")
    (docs / "bread.txt").write_text("Baking sourdough bread: feed the starter, knead, proof and bake.")
    with Library.open(work / "launch-docs-lib") as lib:
        run_job(lib.index([docs]))
    env = {**env, "SEMDESK_LIBRARY": str(work / "launch-docs-lib"), "SEMDESK_BENCH_QUERY": "bicycle chain repair"}
    seconds = probe_seconds(report, LAUNCH_PROBE, MARKERS, env, runs, timeout=120)
    if seconds is not None:
        report.add("launch", "docs_window_shown_s", seconds["SHOWN"], "s",
                   f"process start -> window on screen, library of 2 documents (median of {runs})")
        report.add("launch", "docs_window_filled_s", seconds["FILLED"], "s",
                   f"process start -> library open, window filled (median of {runs})")
        report.add("launch", "first_results_s", seconds["RESULTS"], "s",
                   f"process start -> first results of a query typed when the box appears (median of {runs})")
