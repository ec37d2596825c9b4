"""What every bench section uses: the report, timing and memory helpers, indexing a folder."""

from __future__ import annotations

import resource
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DOCS = Path("/usr/share/doc/python3.11/html/_sources")

# Typed-style queries for latency on the python-doc library (what they find does not matter).
QUERIES = [
    "parse command line arguments",
    "run coroutines concurrently",
    "abstract base class register",
    "encode bytes as base64",
    "binary search in a sorted list",
    "call a function when the interpreter exits",
    "compress a file with bz2",
    "read and write arrays of numbers",
    "syntax tree of python source",
    "event loop call later",
    "asyncio queue producer consumer",
    "calendar of a month",
    "complex number square root",
    "interactive command interpreter",
    "codec error handler",
    "named tuple fields",
    "subprocess pipes in asyncio",
    "future object result callback",
    "lock and semaphore",
    "stream reader writer",
]


class Report:
    """Rows for the table plus the same figures as nested JSON."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.rows: list[tuple[str, str, str]] = []

    def add(self, section: str, key: str, value: Any, unit: str = "", label: str | None = None) -> None:
        self.data.setdefault(section, {})[key] = value if not unit else {"value": value, "unit": unit}
        self.rows.append((section, label or key, _fmt(value, unit)))
        print(f"  {section:<9} {label or key:<52} {_fmt(value, unit)}", flush=True)

    def note(self, section: str, text: str) -> None:
        self.data.setdefault(section, {}).setdefault("notes", []).append(text)
        self.rows.append((section, "note", text))
        print(f"  {section:<9} note: {text}", flush=True)

    def failure(self, section: str, text: str) -> None:
        """A section that did not run to its end: in the table and under the section's own key."""
        self.data.setdefault(section, {})["error"] = text
        self.rows.append((section, "FAILED", text))
        print(f"  {section:<9} FAILED: {text}", flush=True)

    def table(self) -> str:
        width = max(len(r[1]) for r in self.rows) if self.rows else 10
        lines = [f"{'section':<9}  {'figure':<{width}}  value", "-" * (width + 40)]
        last = ""
        for section, label, value in self.rows:
            if label == "note":
                lines.append(f"{section if section != last else '':<9}  note: {value}")
            else:
                lines.append(f"{section if section != last else '':<9}  {label:<{width}}  {value}")
            last = section
        return "\n".join(lines)


def _fmt(value: Any, unit: str) -> str:
    if isinstance(value, float):
        if unit == "x":
            return f"{value:.2f}x"
        if not unit:  # fractions: recall, nDCG
            return f"{value:.3f}"
        return f"{value:.2f} {unit}" if unit == "ms" or abs(value) >= 1 else f"{value:.3f} {unit}"
    return f"{value} {unit}".strip()


def percentiles(samples_ms: Sequence[float]) -> dict[str, float]:
    import numpy as np

    arr = np.asarray(samples_ms, dtype=float)
    return {
        "p50": float(np.percentile(arr, 50)),
        "p95": float(np.percentile(arr, 95)),
        "mean": float(arr.mean()),
        "n": len(arr),
    }


def time_calls(fn: Callable[[Any], Any], items: Sequence[Any], reps: int) -> dict[str, float]:
    """Warm each item once (untimed), then time `reps` rounds over all items; ms per call."""
    for item in items:
        fn(item)
    samples = []
    for _ in range(reps):
        for item in items:
            t0 = time.perf_counter()
            fn(item)
            samples.append((time.perf_counter() - t0) * 1000)
    return percentiles(samples)


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


@contextmanager
def rss_sampler(interval: float = 0.02) -> Iterator[dict[str, float]]:
    """Peak RSS while the block runs, sampled by a thread (ru_maxrss covers the whole process)."""
    result = {"before": rss_mb(), "peak": rss_mb()}
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            result["peak"] = max(result["peak"], rss_mb())
            stop.wait(interval)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        stop.set()
        thread.join()
        result["peak"] = max(result["peak"], rss_mb())
        result["after"] = rss_mb()


def smallest_files(folder: Path, target: Path, count: int) -> Path:
    """A copy of the `count` smallest files of `folder`: a smoke run's corpus."""
    import shutil

    target.mkdir(parents=True, exist_ok=True)
    for path in sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: (p.stat().st_size, p.name))[:count]:
        shutil.copy(path, target / path.name)
    return target


def index_folder(lib: Any, folder: Path) -> tuple[Any, float]:
    from desktop.core.common.jobs import run_job

    t0 = time.perf_counter()
    summary = run_job(lib.index([folder]))
    return summary, time.perf_counter() - t0


def chunk_inputs(lib: Any) -> list[tuple[int, str]]:
    """(chunk id, exactly what the pipeline embedded: title + newline + passage) in id order."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        rows = session.execute(
            select(Chunk.id, FileRecord.title, Chunk.text).join(FileRecord).order_by(Chunk.id)
        ).all()
    return [(cid, f"{title}\n{text}") for cid, title, text in rows]


def cpu_seconds(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s of every thread in the process, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result
