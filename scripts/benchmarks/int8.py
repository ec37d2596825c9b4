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

from scripts.benchmarks.common import smallest_files

PASSAGES = 160  # enough for stable batches of 32 at about 12 passages/s fp32 on 2 cores


def faq_ndcg(lib: Any, judged: list[tuple[str, set[int]]]) -> dict[str, float]:
    """nDCG@10 of dense-only and shipped (fused) passage rankings on the judged questions."""
    from desktop.core.common.metrics import ndcg_at_k

    index = lib.workspace.indexes.ready("text")
    encoder = lib.workspace.encoders.query()
    runs: dict[str, list[list[bool]]] = {"dense": [], "hybrid": []}
    for question, relevant in judged:
        dense = [cid for cid, _ in index.query(encoder.encode_query(question), 50)]
        hybrid = [p.chunk_id for h in lib.search_documents(question, top=10) for p in h.passages]
        runs["dense"].append([cid in relevant for cid in dense[:10]])
        runs["hybrid"].append([cid in relevant for cid in hybrid[:10]])
    counts = [len(relevant) for _, relevant in judged]
    return {name: ndcg_at_k(ranked, 10, n_relevant=counts) for name, ranked in runs.items()}


def bench_encoder_choice(report: Any, full: bool) -> None:
    """The text encoders timed on this CPU as semdesk's first use times them (a child process that
    also makes any missing OpenVINO model), the choice, and the table Settings shows."""
    import os
    import subprocess
    import sys

    from desktop.core.embed import encoder_choice
    from desktop.core.embed.text import default_text_model_path

    source = default_text_model_path()
    env = {k: v for k, v in os.environ.items() if k != encoder_choice.ENV_PIN}
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "desktop.core.embed.ov_prepare", source, "--measure"],
                   env=env, check=True, capture_output=True)
    seconds = time.perf_counter() - t0
    encoder_choice._MEMO.clear()
    record = encoder_choice.read_record(source)
    assert record is not None
    report.add("int8", "choice_seconds", seconds, "s", "measuring the encoders (child process, models cached)")
    for figure in record["figures"]:
        name = figure["encoder"]
        report.add("int8", f"{name}_choice_per_s", figure["passages_per_second"], "passages/s",
                   f"{name}: {record['passages']} fixed passages, batch {record['batch']}")
        report.add("int8", f"{name}_choice_cosine", figure["mean_cosine"], "",
                   f"{name}: mean cosine to fp32 (min {figure['min_cosine']:.4f})")
    report.add("int8", "chosen", record["chosen"], "", f"encoder chosen on {record['cpu']}")
    print(encoder_choice.describe_record(record), flush=True)


def bench_int8(
    report: Any,
    work: Path,
    faq: Path,
    full: bool,
    index_folder: Callable[[Any, Path], tuple[Any, float]],
    faq_judgements: Callable[[Any], list[tuple[str, set[int]]]],
    chunk_inputs: Callable[[Any], list[tuple[int, str]]],
    smoke: bool = False,
) -> None:
    from desktop.core.library import Library

    if smoke:  # three short FAQ pages; measuring every encoder (a child, ~1 minute) is left to real runs
        faq = smallest_files(faq, work / "int8-smoke-faq", 3)
        report.note("int8", "smoke: the encoder choice is not measured")
    else:
        bench_encoder_choice(report, full)
    libs = {}
    # fp32 is sentence-transformers (PyTorch), the path the int8 default replaced.
    for name, int8 in (("fp32", False), ("int8", True)):
        lib = Library.open(work / f"int8-faq-{name}")
        lib.set_setting("text_int8", int8)
        lib.set_setting("text_encoder", "openvino-int8" if int8 else "pytorch")
        index_folder(lib, faq)
        libs[name] = lib
    texts = [text for _, text in chunk_inputs(libs["fp32"])][: 16 if smoke else PASSAGES * (2 if full else 1)]
    encoders = {name: lib.workspace.encoders.text() for name, lib in libs.items()}
    app_batch = int(libs["fp32"].get_setting("text_batch_size"))
    batches = sorted({8, app_batch} if smoke else {8, 16, 32, app_batch})
    for encoder in encoders.values():
        for batch in batches:
            encoder.encode(texts[:batch], batch_size=batch)  # warm-up, not counted
    # {name: {batch: [seconds per round]}}, fp32 and int8 rounds alternating: a burst of other
    # work on the machine then skews one sample, not the ratio.
    wall: dict[str, dict[int, list[float]]] = {name: {b: [] for b in batches} for name in encoders}
    for _ in range(3 if full else 1 if smoke else 2):
        for batch in batches:
            for name, encoder in encoders.items():
                t0 = time.perf_counter()
                encoder.encode(texts, batch_size=batch)
                wall[name][batch].append(time.perf_counter() - t0)
    best = {name: {b: min(times) for b, times in by_batch.items()} for name, by_batch in wall.items()}
    report.data.setdefault("int8", {})["rounds"] = {name: {str(b): t for b, t in w.items()} for name, w in wall.items()}
    report.add("int8", "passages", len(texts), "passages", "FAQ passages encoded by both, same inputs")
    for name in ("fp32", "int8"):
        fastest = min(best[name], key=best[name].get)
        report.add("int8", f"{name}_per_s", len(texts) / best[name][fastest], "passages/s",
                   f"{name} encoder.encode at its fastest batch size ({fastest}; tried {batches})")
        report.add("int8", f"{name}_per_s_app_batch", len(texts) / best[name][app_batch], "passages/s",
                   f"{name} at the app's text_batch_size ({app_batch})")
    report.add("int8", "speedup_wall", min(best["fp32"].values()) / min(best["int8"].values()), "x",
               "int8 / fp32 throughput, each at its fastest batch size (bar for default: >= 3x)")
    report.add("int8", "speedup_app_batch", best["fp32"][app_batch] / best["int8"][app_batch], "x",
               f"int8 / fp32 throughput, both at batch size {app_batch}")
    judged = faq_judgements(libs["fp32"])
    judged_int8 = faq_judgements(libs["int8"])  # same files and chunking, so the same judgements
    scores = {"fp32": faq_ndcg(libs["fp32"], judged), "int8": faq_ndcg(libs["int8"], judged_int8)}
    for name, figures in scores.items():
        for kind, value in figures.items():
            # Chunk-level FAQ pages with their headings in the text: a like-for-like int8/fp32 check,
            # not a quality figure (the leak-free ones are the quality section's, int8 and fp32 per set).
            report.add("int8", f"{name}_{kind}_ndcg10", value, "", f"FAQ pages nDCG@10 {kind}, {name} (not leak-free)")
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
