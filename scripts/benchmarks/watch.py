"""Bench section "watch": watched folders.

* latency: a document written into a watched folder until search finds it (median of several),
  with the watcher, the indexing and the search in one process, as in the window;
* idle cost: the CPU seconds a watcher process spends over 20 s on a library folder of 50,000
  files when nothing changes (measured from /proc/PID/stat), its start-up (a watch per folder),
  and, for the fallback, the CPU cost of one periodic size+mtime scan round of those files.

The 50,000 files are tiny and registered as a library folder without being embedded (embedding
them would take an hour and does not change what the watcher does while idle).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import ROOT, Report

IDLE_PROBE = """
import sys, time
from desktop.core.library import Library
lib = Library.open(sys.argv[1])
if sys.argv[2] == "poll":
    lib.set_setting("watch_polling", True)
watcher = lib.watcher()
t0 = time.perf_counter()
watcher.start()
print("READY", time.perf_counter() - t0, flush=True)
sys.stdin.readline()
watcher.stop()
"""


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _latency(report: Report, work: Path, reps: int) -> None:
    from desktop.core.common.jobs import CancelToken, run_job
    from desktop.core.library import Library

    docs = work / "watch-docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "start.txt").write_text("A note about the weekly team meeting on Monday.")
    lib = Library.open(work / "watch-lib")
    run_job(lib.index([docs]))
    lib.search_documents("warm up")
    stop = CancelToken()
    reports: list[Any] = []
    thread = threading.Thread(target=lib.watch, args=(stop, reports.append), daemon=True)
    thread.start()
    while not any(r.kind == "watching" for r in reports):
        time.sleep(0.05)
    words = ["lighthouse", "violin", "glacier", "origami", "saffron", "tandem", "quarry", "lantern", "walrus"]
    samples = []
    try:
        for word in words[:reps]:
            name = f"{word}.txt"
            t0 = time.perf_counter()
            (docs / name).write_text(f"A long story about a {word}, the {word} again, and why the {word} matters.")
            while True:
                hits = lib.search_documents(f"{word} story", top=3)
                if hits and Path(hits[0].path).name == name:
                    break
                if time.perf_counter() - t0 > 30:
                    raise RuntimeError(f"{name} was not found within 30 s")
                time.sleep(0.02)
            samples.append(time.perf_counter() - t0)
            time.sleep(0.3)
    finally:
        stop.cancel()
        thread.join(10)
        lib.close()
    report.add("watch", "latency_median_s", round(statistics.median(samples), 2), "s",
               f"write -> searchable, median of {len(samples)} (settle 0.5 s included)")
    report.add("watch", "latency_max_s", round(max(samples), 2), "s", "write -> searchable, slowest")


def _idle(report: Report, work: Path, files: int, seconds: float) -> None:
    from desktop.core.catalog import Folder
    from desktop.core.library import Library

    big = work / "watch-50k"
    per_dir = 100
    for d in range(files // per_dir):
        folder = big / f"d{d // 50:02}" / f"s{d:04}"
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(per_dir):
            (folder / f"note{i:03}.txt").write_bytes(b"x")
    lib_dir = work / "watch-idle-lib"
    lib = Library.open(lib_dir)
    with lib.workspace.catalog.session() as session:  # a library folder, its files not embedded
        session.add(Folder(path=str(big.resolve())))
    lib.close()
    for mode in ("notices", "poll"):
        probe = subprocess.Popen([sys.executable, "-c", IDLE_PROBE, str(lib_dir), mode], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        try:
            assert probe.stdin is not None and probe.stdout is not None
            line = probe.stdout.readline().split()
            if not line or line[0] != "READY":
                raise RuntimeError(f"watch probe failed: {line}")
            startup = float(line[1])
            time.sleep(1.0)  # let the first bookkeeping pass
            before = _cpu_seconds(probe.pid)
            time.sleep(seconds)
            used = _cpu_seconds(probe.pid) - before
            probe.stdin.write("\n")
            probe.stdin.flush()
            probe.wait(30)
        finally:
            if probe.poll() is None:
                probe.kill()
        if mode == "notices":
            report.add("watch", "idle_cpu_s", round(used, 3), "s",
                       f"CPU of an idle watcher over {seconds:.0f} s, {files:,} files in {files // per_dir} folders")
            report.add("watch", "start_s", round(startup, 2), "s", f"watcher start ({files // per_dir} folder watches)")
        else:
            report.add("watch", "startup_scan_s", round(startup, 2), "s",
                       f"fallback: first size+mtime scan of {files:,} files (start)")
    from desktop.core.watching.poller import snapshot

    t0 = time.process_time()
    snapshot(str(big), exclude=[], include_hidden=False, follow_symlinks=False, skip_dirs=[])
    report.add("watch", "poll_round_cpu_s", round(time.process_time() - t0, 2), "s",
               f"fallback: CPU of one scan round of {files:,} files (every watch_poll_seconds)")


def bench_watch(report: Report, work: Path, full: bool, smoke: bool = False) -> None:
    _latency(report, work, reps=1 if smoke else 9 if full else 5)
    _idle(report, work, files=500 if smoke else 50_000, seconds=1.0 if smoke else 60.0 if full else 20.0)
