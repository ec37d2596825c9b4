"""Bench section "int8": the int8 text encoder (library setting text_int8) against fp32.

Throughput is measured on the same passages in the same process, fp32 and int8 rounds
alternating, best of each (a burst of other work then skews one sample, not the ratio).
Quality is the Python FAQ nDCG@10, each library indexed by its own encoder.
Called from scripts/bench.py; helpers are passed in to keep one definition of each.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PASSAGES = 160  # enough for stable batches of 32 at about 12 passages/s fp32 on 2 cores


def faq_ndcg(lib: Any, judged: list[tuple[str, set[int]]]) -> dict[str, float]:
    """nDCG@10 of dense-only and hybrid (dense + keyword, RRF) rankings on the judged questions."""
    from desktop.core import search
    from desktop.core.metrics import ndcg_at_k

    index = lib.ready_index("text")
    encoder = lib.query_encoder()
    runs: dict[str, list[list[bool]]] = {"dense": [], "hybrid": []}
    for question, relevant in judged:
        dense = [cid for cid, _ in index.query(encoder.encode_query(question), 50)]
        fused = search.rrf(dense, search._keyword_chunks(lib, question, 50, None))
        hybrid = sorted(fused, key=lambda c: -fused[c])
        runs["dense"].append([cid in relevant for cid in dense[:10]])
        runs["hybrid"].append([cid in relevant for cid in hybrid[:10]])
    counts = [len(relevant) for _, relevant in judged]
    return {name: ndcg_at_k(ranked, 10, n_relevant=counts) for name, ranked in runs.items()}


def bench_int8(
    report: Any,
    work: Path,
    faq: Path,
    full: bool,
    index_folder: Callable[[Any, Path], tuple[Any, float]],
    faq_judgements: Callable[[Any], list[tuple[str, set[int]]]],
    chunk_inputs: Callable[[Any], list[tuple[int, str]]],
) -> None:
    from desktop.core.library import Library

    libs = {}
    for name, int8 in (("fp32", False), ("int8", True)):
        lib = Library.open(work / f"int8-faq-{name}")
        lib.set_setting("text_int8", int8)
        index_folder(lib, faq)
        libs[name] = lib
    texts = [text for _, text in chunk_inputs(libs["fp32"])][: PASSAGES * (2 if full else 1)]
    encoders = {name: lib.text_encoder() for name, lib in libs.items()}
    batch = int(libs["fp32"].get_setting("text_batch_size"))
    for encoder in encoders.values():
        encoder.encode(texts[:batch], batch_size=batch)  # warm-up, not counted
    wall: dict[str, list[float]] = {"fp32": [], "int8": []}
    cpu: dict[str, list[float]] = {"fp32": [], "int8": []}
    for _ in range(3 if full else 2):
        for name, encoder in encoders.items():
            c0, t0 = time.process_time(), time.perf_counter()
            encoder.encode(texts, batch_size=batch)
            wall[name].append(time.perf_counter() - t0)
            cpu[name].append(time.process_time() - c0)
    report.data.setdefault("int8", {})["rounds"] = {"wall_s": wall, "cpu_s": cpu}
    report.add("int8", "passages", len(texts), "passages", "FAQ passages encoded by both, same batches")
    for name in ("fp32", "int8"):
        report.add(
            "int8",
            f"{name}_per_s",
            len(texts) / min(wall[name]),
            "passages/s",
            f"{name} encoder.encode, best of {len(wall[name])}",
        )
    report.add(
        "int8",
        "speedup_wall",
        min(wall["fp32"]) / min(wall["int8"]),
        "x",
        "int8 / fp32 throughput, wall (bar for default: >= 3x)",
    )
    report.add("int8", "speedup_cpu", min(cpu["fp32"]) / min(cpu["int8"]), "x", "int8 / fp32, process CPU time")
    judged = faq_judgements(libs["fp32"])
    judged_int8 = faq_judgements(libs["int8"])  # same files and chunking, so the same judgements
    scores = {"fp32": faq_ndcg(libs["fp32"], judged), "int8": faq_ndcg(libs["int8"], judged_int8)}
    for name, figures in scores.items():
        for kind, value in figures.items():
            report.add("int8", f"{name}_{kind}_ndcg10", value, "", f"FAQ nDCG@10 {kind}, {name} vectors")
    for kind in ("dense", "hybrid"):
        report.add(
            "int8",
            f"{kind}_ndcg10_loss",
            scores["fp32"][kind] - scores["int8"][kind],
            "",
            f"nDCG@10 loss {kind} (bar: <= 0.01)",
        )
    for lib in libs.values():
        lib.close()
