"""Bench section "text": text indexing end to end against the bare encoder on the same passages."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import DOCS, Report, chunk_inputs, index_folder, maxrss_mb, rss_sampler


def text_corpus(work: Path, full: bool, smoke: bool = False) -> tuple[Path, list[Path]]:
    """A fixed subset of library/*.rst.txt (sorted), capped in files and bytes."""
    max_files, max_bytes = (3, 10_000) if smoke else (120, 2_000_000) if full else (40, 150_000)
    chosen, total = [], 0
    for path in sorted((DOCS / "library").glob("*.rst.txt")):
        if len(chosen) >= max_files or total >= max_bytes:
            break
        chosen.append(path)
        total += path.stat().st_size
    target = work / "docs"
    target.mkdir()
    for path in chosen:
        shutil.copy(path, target / path.name)
    return target, chosen


def _timed(work: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    work()
    return time.perf_counter() - t0


def bench_text(report: Report, work: Path, full: bool, state: dict[str, Any], smoke: bool = False) -> None:
    from desktop.core.embed import TextEncoder
    from desktop.core.library import Library

    folder, files = text_corpus(work, full, smoke)
    if not files:
        raise FileNotFoundError(f"no library/*.rst.txt under {DOCS}")
    size = sum(p.stat().st_size for p in files)
    report.add("text", "corpus", f"{len(files)} files, {size / 1024:.0f} KiB", "",
               f"corpus: library/*.rst.txt {files[0].name} .. {files[-1].name}")
    lib = Library.open(work / "text-lib")
    encoder = lib.workspace.encoders.text()
    t0 = time.perf_counter()
    encoder.load()
    encoder.encode(["warm up " * 50] * 32, batch_size=32)  # first batches are slower (allocations)
    report.add("text", "model_load_and_warm_s", time.perf_counter() - t0, "s", "model load + warm-up (not counted)")
    rounds = 3 if full else 1 if smoke else 2
    batch_size = int(lib.get_setting("text_batch_size"))
    wall: dict[str, list[float]] = {"pipeline": [], "bare": []}
    cpu: dict[str, list[float]] = {"pipeline": [], "bare": []}
    memory: dict[str, float] = {}
    # Alternate pipeline and bare runs, each pipeline run into a fresh library, and keep the best
    # of each: a burst of other work on the machine then skews one sample, not the ratio.
    for round_ in range(rounds):
        target = lib if round_ == 0 else Library.open(work / f"text-lib-{round_}")
        c0 = time.process_time()
        if round_ == 0:
            with rss_sampler() as memory:
                summary, seconds = index_folder(target, folder)
        else:
            summary, seconds = index_folder(target, folder)
        cpu["pipeline"].append(time.process_time() - c0)
        wall["pipeline"].append(seconds)
        inputs = [text for _, text in chunk_inputs(target)]
        if target is not lib:
            target.close()
        c0, t0 = time.process_time(), time.perf_counter()
        encoder.encode(inputs, batch_size=batch_size)
        wall["bare"].append(time.perf_counter() - t0)
        cpu["bare"].append(time.process_time() - c0)
    pipeline_s, bare_s = min(wall["pipeline"]), min(wall["bare"])
    n = len(inputs)
    report.data.setdefault("text", {})["rounds"] = {"wall_s": wall, "cpu_s": cpu}
    report.add("text", "files_indexed", summary.indexed, "files")
    report.add("text", "chunks", n, "chunks")
    report.add("text", "pipeline_s", pipeline_s, "s", f"pipeline (scan+extract+chunk+embed+store), best of {rounds}")
    report.add("text", "bare_s", bare_s, "s", f"bare encoder.encode on the same chunk inputs, best of {rounds}")
    report.add("text", "pipeline_chunks_per_s", n / pipeline_s, "chunks/s")
    report.add("text", "bare_chunks_per_s", n / bare_s, "chunks/s")
    report.add("text", "ratio", bare_s / pipeline_s, "x", "ratio bare/pipeline, wall (target >= 0.90)")
    report.add("text", "ratio_cpu", min(cpu["bare"]) / min(cpu["pipeline"]), "x",
               "ratio bare/pipeline, process CPU time")
    # The same chunks through the bare PyTorch fp32 model (sentence-transformers): what the chosen
    # encoder plus the pipeline gains. Only a PyTorch encoder without int8 is that model already;
    # the OpenVINO fp32/bf16 encoders are other runtimes (a bf16 pipeline once compared with itself here).
    same = isinstance(encoder, TextEncoder) and not encoder.int8
    fp32 = encoder if same else TextEncoder(encoder.name, int8=False)
    fp32.encode(inputs[:batch_size], batch_size=batch_size)  # warm-up
    fp32_s = min(_timed(lambda: fp32.encode(inputs, batch_size=batch_size)) for _ in range(rounds))
    report.add("text", "encoder", (f"OpenVINO {encoder.precision}" if hasattr(encoder, "precision")
               else "PyTorch int8" if encoder.int8 else "PyTorch fp32"),
               "", "pipeline and bare runs use the encoder chosen for this CPU")
    report.add("text", "bare_fp32_chunks_per_s", n / fp32_s, "chunks/s",
               "bare PyTorch fp32 model.encode (sentence-transformers), same chunks")
    report.add("text", "speedup_vs_bare_fp32", fp32_s / pipeline_s, "x",
               "whole pipeline (default encoder) against the bare fp32 model alone")
    report.add("text", "ratio_rounds", " ".join(f"{b / p:.2f}" for b, p in zip(wall["bare"], wall["pipeline"],
                                                                                 strict=True)),
               "", "per-round wall ratios")
    report.add("memory", "text_rss_before_mb", memory["before"], "MB", "RSS before text indexing (model loaded)")
    report.add("memory", "text_rss_peak_mb", memory["peak"], "MB", "peak RSS during text indexing (sampled)")
    report.add("memory", "text_rss_growth_mb", memory["peak"] - memory["before"], "MB",
               "peak growth during text indexing")
    report.add("memory", "maxrss_after_text_mb", maxrss_mb(), "MB", "ru_maxrss after text indexing")
    state["text_lib"] = lib
    state["texts"] = inputs
