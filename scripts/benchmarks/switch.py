"""Bench section "switch": a library switches its text model in the background (issue 27) while searches go on.

A synthetic library (real 200-word windows of the Python docs, cycled, with synthetic 384-d vectors for the
Fast model, as the scale section writes them) switches to the Accurate model when it is on this computer
(scripts/fetch-accurate-model), else to a copy of the Fast model's files (a model of its own for the
library: the same work per passage as Fast, not Accurate's). The smoke run always takes the copy: a model's
first use on a CPU measures its encoders (minutes for Accurate), which a smoke run has no time for.
The switch runs on a thread, as the window's worker runs it; the main thread searches all the while.
Figures: the switch's time (preparing: the files checked and the encoder chosen; re-embedding; the final
step), passages/s, and the query latency before and during the re-embedding.
"""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import DOCS, QUERIES, Report, percentiles, time_calls
from scripts.benchmarks.synthetic import fill_synthetic_library, synthetic_vectors

WINDOW_WORDS = 200  # the pipeline's passage size, near enough: encoding time follows the passage length


def doc_windows(limit: int) -> list[str]:
    """Up to `limit` 200-word windows of the Python docs' sources, in file order."""
    windows: list[str] = []
    for path in sorted(DOCS.rglob("*.txt")):
        words = path.read_text(errors="replace").split()
        windows += [" ".join(words[i : i + WINDOW_WORDS]) for i in range(0, len(words), WINDOW_WORDS)]
        if len(windows) >= limit:
            break
    return windows[:limit] or [f"passage number {i} about python" for i in range(limit)]


def target_model(work: Path, *, smoke: bool) -> tuple[str, str]:
    """(what to switch to, its label): the Accurate model when its files are here, else a Fast copy."""
    from desktop.core.embed.known_models import ACCURATE
    from desktop.core.embed.model_folders import find_folder
    from desktop.core.embed.text import default_text_model_path

    if not smoke and find_folder(ACCURATE, join=False) is not None:
        return "accurate", "Accurate (all-mpnet-base-v2)"
    copy = work / "switch-fast-copy"
    if not copy.exists():
        shutil.copytree(default_text_model_path(), copy)
    why = "smoke run" if smoke else "the Accurate model is not on this computer: scripts/fetch-accurate-model"
    return str(copy), f"a copy of Fast ({why})"


EMBEDDING = "re-embedding passages"  # the phase of activate_job's batches (a progress after each)


def _switch_while_searching(lib: Any, target: str) -> tuple[list[tuple[float, str, int]], list[tuple[float, float]],
                                                               float, float, BaseException | None]:
    """Run the switch on a thread and search on this one until it ends: (every progress as (time, phase,
    done), (time, ms) of each search, when the switch started, its wall seconds, its error)."""
    from desktop.core.common.jobs import Progress

    steps: list[tuple[float, str, int]] = []
    failure: list[BaseException] = []

    def switch() -> None:
        try:
            for step in lib.switch_text_model(target):
                if isinstance(step, Progress):
                    steps.append((time.perf_counter(), step.phase, step.done))
        except BaseException as error:  # handed to the section, which raises it: the section fails
            failure.append(error)

    searches: list[tuple[float, float]] = []
    thread = threading.Thread(target=switch, name="switch")
    t0 = time.perf_counter()
    thread.start()
    i = 0
    while thread.is_alive():
        start = time.perf_counter()
        lib.search_documents(QUERIES[i % len(QUERIES)], top=20)
        searches.append((start, (time.perf_counter() - start) * 1000))
        i += 1
    thread.join()
    return steps, searches, t0, time.perf_counter() - t0, failure[0] if failure else None


def bench_switch(report: Report, work: Path, full: bool, *, smoke: bool) -> None:
    from desktop.core.library import Library

    n = 40 if smoke else 10_000
    label = f"{n // 1000}k" if n >= 1000 else str(n)
    target, target_label = target_model(work, smoke=smoke)
    report.note("switch", f"{label} passages (Python-docs 200-word windows, cycled; synthetic Fast vectors) switch "
                f"from Fast to {target_label} on a thread while this thread searches (search_documents, top 20)")
    lib = Library.open(work / f"switch-{label}")
    try:
        fill_synthetic_library(lib, n, doc_windows(min(n, 2000)), synthetic_vectors(n, 384, seed=7))
        lib.workspace.encoders.query().load()
        lib.workspace.indexes.ready("text")
        old = lib.workspace.versions.active_id("text")
        before = time_calls(lambda q: lib.search_documents(q, top=20), QUERIES, 1 if smoke else 2)
        steps, searches, t0, total_s, error = _switch_while_searching(lib, target)
        if error is not None:
            raise error
        assert lib.workspace.versions.active_id("text") != old, "the switch left the old model active"
        assert lib.status().chunks == n and lib.search_documents(QUERIES[0], top=5), "no answers after the switch"
    finally:
        lib.close()
    _report(report, label, n, before, steps, searches, t0, total_s)


def _report(report: Report, label: str, n: int, before: dict[str, float], steps: list[tuple[float, str, int]],
            searches: list[tuple[float, float]], t0: float, total_s: float) -> None:
    batches = [(t, done) for t, phase, done in steps if phase == EMBEDDING]
    report.add("switch", f"switch_{label}_s", total_s, "s", f"{label}: the whole switch, searches going on")
    if batches:
        report.add("switch", f"switch_{label}_first_batch_s", batches[0][0] - t0, "s",
                   f"{label}: until the first batch is stored (files checked, encoder chosen, model loaded)")
        report.add("switch", f"switch_{label}_final_step_s", t0 + total_s - batches[-1][0], "s",
                   f"{label}: after the last batch (the one-transaction switch, the new index built)")
    if len(batches) > 1:  # the rate between the first and the last batch: the encoder at work
        (t1, d1), (t2, d2) = batches[0], batches[-1]
        report.add("switch", f"switch_{label}_passages_per_s", (d2 - d1) / max(t2 - t1, 1e-6), "passages/s",
                   f"{label}: re-embedding, searches going on")
    report.add("switch", f"query_before_{label}_p50", before["p50"], "ms", f"{label}: search p50 before the switch")
    report.add("switch", f"query_before_{label}_p95", before["p95"], "ms", f"{label}: search p95 before the switch")
    # While the batches are embedded (between the first and the last stored), else the whole switch.
    during = [ms for t, ms in searches if len(batches) > 1 and batches[0][0] <= t < batches[-1][0]]
    when = "re-embedding"
    if not during:
        during, when = [ms for _, ms in searches], "switch"
    stats = percentiles(during) if during else {}
    report.data.setdefault("switch", {})[label] = {"before": before, "during": stats, "during_what": when,
                                                  "phases": sorted({phase for _, phase, _ in steps})}
    if stats:  # none when the switch ended before a first search did
        report.add("switch", f"query_during_{label}_p50", stats["p50"], "ms",
                   f"{label}: search p50 during the {when} ({len(during)} searches)")
        report.add("switch", f"query_during_{label}_p95", stats["p95"], "ms",
                   f"{label}: search p95 during the {when}")
