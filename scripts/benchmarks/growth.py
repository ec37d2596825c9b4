"""Bench section "scale", index layer: the app's HnswIndex (desktop/core/vectors) alone as it grows
10k -> 100k -> 1M synthetic passages, with a growth table (ratio per x10).

What is measured is the index layer, not the whole library: the catalog is replaced by vectors held in
memory behind the same VectorRows/StampStore ports, because writing 1M catalog rows (with FTS) would take
longer than the index itself. Everything the index does is the app's code: the build with its HNSW
parameters, the atomic save with its SHA-256 stamp, the load (hash check, header check, hnswlib load,
label list) in a fresh process, and queries as search_documents asks them (normalised 384-d vector,
k = max(50, 8 x top 20) = 160, ef_search 128, one query thread). Recall@10 is the first 10 of that answer
against brute force on held-out queries from the same mixture, so a fast-but-wrong setting shows.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import ROOT, Report
from scripts.benchmarks.synthetic import synthetic_vectors

DIM = 384
SEARCH_K = 160  # retrieval.search.search_documents: max(50, top * 8) with the default top of 20
N_QUERIES = 200
MV = 1  # the model version the stamp names


class ArrayRows:
    """VectorRows over vectors in memory (labels are row + 1, as chunk ids are)."""

    def __init__(self, n: int, vectors: Any = None) -> None:
        self.n, self.vectors = n, vectors

    def signature(self) -> tuple[int, int]:
        return (self.n, self.n)

    def count(self, model_version_id: int) -> int:
        return self.n

    def ids(self, model_version_id: int) -> Any:
        import numpy as np

        return np.arange(1, self.n + 1, dtype=np.int64)

    def batches(self, model_version_id: int, dim: int, ids: Iterable[int] | None = None) -> Iterator[Any]:
        import numpy as np

        if self.vectors is None:
            raise RuntimeError("this process holds no vectors: the index must load from its file")
        rows = np.arange(self.n) if ids is None else np.asarray(sorted(ids), dtype=np.int64) - 1
        for start in range(0, len(rows), 10_000):
            part = rows[start:start + 10_000]
            yield part + 1, self.vectors[part]


class DictStamps:
    def __init__(self, stamps: dict[str, Any] | None = None) -> None:
        self.stamps = stamps or {}

    def read(self, space: str) -> Any:
        return self.stamps.get(space)

    def write(self, space: str, stamp: Any) -> None:
        self.stamps[space] = stamp


# A fresh process: the app's HnswIndex loads the saved file (hash-checked) and answers queries the way
# search_documents does. Its load time, latency and peak RSS are what a searching process pays for the index.
LOAD_AND_QUERY = r"""
import json, sys, time
from pathlib import Path
root, directory, stamp_json, n, queries_path, k = sys.argv[1:7]
sys.path.insert(0, root)
t_start = time.perf_counter()
import numpy as np
from desktop.core.common.records import IndexStamp
from desktop.core.vectors import HnswIndex
from scripts.benchmarks.growth import ArrayRows, DictStamps, MV, DIM, peak_rss_mb
queries = np.load(queries_path)
stamps = DictStamps({"text": IndexStamp(**json.loads(stamp_json))})
t0 = time.perf_counter()
index = HnswIndex(ArrayRows(int(n)), stamps, "text", Path(directory))
index.ensure(MV, DIM)
load_s = time.perf_counter() - t0
assert index.last_load == "loaded", index.last_load
t = time.perf_counter()
first = index.query(queries[0], int(k))
first_ms = (time.perf_counter() - t) * 1000
times, answers = [], []
for q in queries:
    t = time.perf_counter()
    hits = index.query(q, int(k))
    times.append((time.perf_counter() - t) * 1000)
    answers.append([label for label, _ in hits[:10]])
times.sort()
print(json.dumps({"load_s": load_s, "first_ms": first_ms, "p50": times[len(times) // 2],
                  "p95": times[int(len(times) * 0.95)], "answers": answers,
                  "process_s": time.perf_counter() - t_start,
                  "rss_mb": peak_rss_mb()}))
"""


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: after a fork or vfork + exec that keeps the
    parent's high-water mark, so a child of a bench holding 1M vectors would report the bench's memory."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def exact_top10(base: Any, queries: Any) -> Any:
    """Brute-force top-10 labels (row + 1), in blocks so 1M x 200 scores never sit in memory at once."""
    import numpy as np

    best_scores = np.full((len(queries), 0), -np.inf, dtype=np.float32)
    best_labels = np.zeros((len(queries), 0), dtype=np.int64)
    for start in range(0, len(base), 100_000):
        scores = queries @ base[start:start + 100_000].T
        top = np.argpartition(-scores, 9, axis=1)[:, :10]
        best_scores = np.hstack([best_scores, np.take_along_axis(scores, top, axis=1)])
        best_labels = np.hstack([best_labels, top + start + 1])
        keep = np.argsort(-best_scores, axis=1)[:, :10]
        best_scores = np.take_along_axis(best_scores, keep, axis=1)
        best_labels = np.take_along_axis(best_labels, keep, axis=1)
    return best_labels


def bench_index_growth(report: Report, work: Path, sizes: list[int]) -> None:
    import numpy as np

    from desktop.core.vectors import HnswIndex

    build_threads = os.cpu_count() or 1  # the app's default leaves a core for the UI; a bench build takes both
    report.note("scale", f"index layer only (desktop.core.vectors.HnswIndex over in-memory rows, no catalog): "
                f"build {build_threads} threads M=16 ef_construction=200; fresh-process load incl. SHA-256 check; "
                f"queries as search_documents: normalised {DIM}-d, k={SEARCH_K}, ef_search=128, 1 thread; "
                f"recall@10 vs brute force on {N_QUERIES} held-out queries")
    rows: dict[str, dict[str, float]] = {}
    for n in sizes:
        label = f"{n // 1000}k" if n < 1_000_000 else f"{n // 1_000_000}M"
        vectors = synthetic_vectors(n + N_QUERIES, DIM, seed=n + 3)
        base, queries = vectors[:n], np.ascontiguousarray(vectors[n:])
        queries_path = work / f"growth-queries-{label}.npy"
        np.save(queries_path, queries)
        directory = work / f"growth-{label}"
        stamps = DictStamps()
        index = HnswIndex(ArrayRows(n, base), stamps, "text", directory, threads=build_threads)
        t0 = time.perf_counter()
        index.ensure(MV, DIM)
        build_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        index.save()
        save_s = time.perf_counter() - t0
        del index
        truth = exact_top10(base, queries)
        del vectors, base
        stamp = stamps.read("text")
        done = subprocess.run(
            [sys.executable, "-c", LOAD_AND_QUERY, str(ROOT), str(directory), json.dumps(stamp.__dict__), str(n),
             str(queries_path), str(SEARCH_K)], capture_output=True, text=True, check=True)
        figures = json.loads(done.stdout)
        recall = float(np.mean([len(set(a) & set(t.tolist())) / 10
                                for a, t in zip(figures.pop("answers"), truth, strict=True)]))
        file_mb = (directory / "text.hnsw").stat().st_size / 2**20
        rows[label] = {"build_s": build_s, "file_mb": file_mb, "load_s": figures["load_s"],
                       "rss_mb": figures["rss_mb"], "p50": figures["p50"], "p95": figures["p95"], "recall": recall}
        report.data.setdefault("scale", {})[f"growth_{label}"] = {**rows[label], "save_s": save_s,
                                                                  "first_ms": figures["first_ms"]}
        report.add("scale", f"growth_build_{label}_s", build_s, "s", f"{label} index layer: build")
        report.add("scale", f"growth_save_{label}_s", save_s, "s", f"{label}: atomic save + SHA-256")
        report.add("scale", f"growth_file_{label}_mb", file_mb, "MB", f"{label}: index file size")
        report.add("scale", f"growth_load_{label}_s", figures["load_s"], "s", f"{label}: load in a fresh process")
        report.add("scale", f"growth_rss_{label}_mb", figures["rss_mb"], "MB", f"{label}: that process's peak RSS")
        report.add("scale", f"growth_first_{label}_ms", figures["first_ms"], "ms", f"{label}: first query")
        report.add("scale", f"growth_{label}_p50", figures["p50"], "ms", f"{label}: k={SEARCH_K} query p50")
        report.add("scale", f"growth_{label}_p95", figures["p95"], "ms",
                   f"{label}: k={SEARCH_K} query p95 (bar at 1M: 50 ms)")
        report.add("scale", f"growth_recall10_{label}", recall, "", f"{label}: recall@10 vs brute force")
        for stale in directory.glob("*"):
            stale.unlink()
        directory.rmdir()
    print(growth_table(rows), flush=True)
    report.data.setdefault("scale", {})["growth_table"] = growth_table(rows)


def growth_table(rows: dict[str, dict[str, float]]) -> str:
    """Markdown: one column per size, then the ratio from each size to the next (x10 each)."""
    labels = list(rows)
    heads = labels + [f"{a}->{b}" for a, b in pairwise(labels)]
    names = {"build_s": "build (s)", "file_mb": "file (MB)", "load_s": "load (s)", "rss_mb": "peak RSS (MB)",
             "p50": "query p50 (ms)", "p95": "query p95 (ms)", "recall": "recall@10"}
    lines = ["| index layer | " + " | ".join(heads) + " |", "|---" * (len(heads) + 1) + "|"]
    for key, name in names.items():
        values = [rows[label][key] for label in labels]
        cells = [f"{v:.3f}" if key == "recall" else f"{v:.2f}" if v < 10 else f"{v:.0f}" for v in values]
        cells += [f"x{b / a:.2f}" if a else "-" for a, b in pairwise(values)]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
