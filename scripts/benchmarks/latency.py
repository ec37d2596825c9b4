"""Bench section "latency": query latency on the real libraries the text and photos sections made."""

from __future__ import annotations

from typing import Any

from scripts.benchmarks.common import QUERIES, Report, time_calls


def bench_latency(report: Report, state: dict[str, Any], full: bool, smoke: bool = False) -> None:
    reps = 5 if full else 1 if smoke else 3
    lib = state.get("text_lib")
    if lib is not None:
        index = lib.workspace.indexes.ready("text")
        encoder = lib.workspace.encoders.query()
        report.add("latency", "text_index_vectors", index.count, "vectors", "real text library size")

        def dense(q: str) -> Any:
            return index.query(encoder.encode_query(q), 50)

        for name, fn in (
            ("encode_query", encoder.encode_query),
            ("document_dense", dense),
            ("hybrid_search_documents", lambda q: lib.search_documents(q, top=20)),
        ):
            stats = time_calls(fn, QUERIES, reps)
            report.data.setdefault("latency", {})[name] = stats
            report.add("latency", f"{name}_p50", stats["p50"], "ms", f"{name} p50")
            report.add("latency", f"{name}_p95", stats["p95"], "ms", f"{name} p95")
    photo_lib = state.get("photo_lib")
    if photo_lib is not None:
        stats = time_calls(lambda q: photo_lib.search_photos(q, top=40), QUERIES, reps)
        report.data.setdefault("latency", {})["photo_search"] = stats
        report.add("latency", "photo_p50", stats["p50"], "ms", "search_photos p50 (ViT-B-32 text side)")
        report.add("latency", "photo_p95", stats["p95"], "ms", "search_photos p95 (ViT-B-32 text side)")
    bench_process(report, state, full, smoke)


# The bare torch-free query process of issue 14: tokenizers, the cached OpenVINO model (through
# its CACHE_DIR), the HNSW file, one query; nothing of semdesk. `semdesk search` is held to it.
# OpenVINO's usage reports are off in both (semdesk's go_offline): left on, `import openvino` forks a
# sender that tries the network, ~0.08 s of CPU that is no part of answering a query.
BARE_QUERY = r"""
import sys
sys.modules["openvino_telemetry"] = None
import numpy as np, hnswlib, openvino as ov
from tokenizers import Tokenizer
xml, tokenizer_json, index_path, dim, cache, hint, query = sys.argv[1:8]
tok = Tokenizer.from_file(tokenizer_json)
tok.enable_truncation(max_length=256)
core = ov.Core()
core.set_property({"CACHE_DIR": cache})
config = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": 1}
if hint:
    config["INFERENCE_PRECISION_HINT"] = hint
model = core.compile_model(xml, "CPU", config)
e = tok.encode(query)
feed = {"input_ids": np.array([e.ids]), "attention_mask": np.array([e.attention_mask]),
        "token_type_ids": np.array([e.type_ids])}
hidden = model({p.get_any_name(): feed[p.get_any_name()] for p in model.inputs})[model.outputs[0]]
vector = hidden[0].mean(axis=0)
vector /= np.linalg.norm(vector)
index = hnswlib.Index(space="cosine", dim=int(dim))
index.load_index(index_path)
labels, _ = index.knn_query(vector, k=min(50, index.get_current_count()))
print(len(labels[0]))
"""


def _timed(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall, CPU (user + system) seconds and peak RSS of one whole process, by /usr/bin/time."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile("r", suffix=".time") as out:
        subprocess.run(["/usr/bin/time", "-o", out.name, "-f", "%e %U %S %M", *command],
                       env=env, check=True, capture_output=True)
        wall, user, system, rss = out.read().split()[-4:]
    return {"wall": float(wall), "cpu": float(user) + float(system), "rss_mb": int(rss) / 1024}


def bench_process(report: Report, state: dict[str, Any], full: bool, smoke: bool = False) -> None:
    """`semdesk search` as a whole process against the bare torch-free query process, alternating."""
    import os
    import shutil
    import statistics
    import sys

    from scripts.benchmarks.common import ROOT

    lib = state.get("text_lib")
    if lib is None or not shutil.which("/usr/bin/time"):
        report.note("latency", "whole-process figures need the text section's library and /usr/bin/time")
        return
    from desktop.core.common.locations import cache_root
    from desktop.core.embed.ov_text import OvTextEncoder, ir_folder

    encoder = lib.workspace.encoders.query()
    if not isinstance(encoder, OvTextEncoder):
        report.note("latency", f"the library's text encoder is {type(encoder).__name__}: no bare OpenVINO twin")
        return
    index = lib.workspace.indexes.ready("text")
    lib.workspace.indexes.save()
    xml = ir_folder(encoder.source(), encoder.precision) / "model.xml"
    tokenizer = encoder._ready().layout.folder / "tokenizer.json"
    hint = {"fp32": "f32", "bf16": "bf16"}.get(encoder.precision, "")
    query = "how do I read a file line by line"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    commands = {
        "semdesk_search": [sys.executable, "-m", "desktop", "--library", str(lib.path), "search", query],
        "bare_query": [sys.executable, "-c", BARE_QUERY, str(xml), str(tokenizer), str(index.path), str(index.dim),
                       str(cache_root() / "openvino-compiled"), hint, query],
    }
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in commands}
    for command in commands.values():
        _timed(command, env)  # warm: disk cache and OpenVINO's compiled-model cache
    for _ in range(9 if full else 1 if smoke else 5):  # alternating, so load on the machine hits both alike
        for name, command in commands.items():
            runs[name].append(_timed(command, env))
    median = {name: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "rss_mb")}
              for name, rs in runs.items()}
    report.data.setdefault("latency", {})["processes"] = runs
    for name, figures in median.items():
        report.add("latency", f"{name}_wall", figures["wall"], "s", f"{name}: whole process, wall (median)")
        report.add("latency", f"{name}_cpu", figures["cpu"], "s", f"{name}: whole process, CPU user+sys")
        report.add("latency", f"{name}_rss", figures["rss_mb"], "MB", f"{name}: whole process, peak RSS")
    search, bare = median["semdesk_search"], median["bare_query"]
    report.add("latency", "search_vs_bare_cpu", search["cpu"] / bare["cpu"], "x",
               f"semdesk search CPU / bare torch-free query CPU, medians of {len(runs['bare_query'])} "
               f"({encoder.precision}; bar: <= 1.5x)")
    report.add("latency", "search_vs_bare_wall", search["wall"] / bare["wall"], "x",
               "semdesk search wall / bare torch-free query wall (bar: search <= 2 s on a quiet 2-core machine)")
    report.add("latency", "search_vs_bare_rss", search["rss_mb"] / bare["rss_mb"], "x",
               "semdesk search peak RSS / bare (bar: search <= 400 MB)")
    report.add("latency", "search_vs_bare_cpu_rounds",
               " ".join(f"{s['cpu'] / b['cpu']:.2f}" for s, b in zip(runs["semdesk_search"], runs["bare_query"],
                                                                  strict=True)),
               "", "CPU ratio of each alternating pair")
    bench_index_process(report, full, smoke)


def bench_index_process(report: Report, full: bool, smoke: bool = False) -> None:
    """`semdesk index` of the Python FAQ (9 files) into a fresh library, as a whole process: wall, CPU,
    peak RSS (issue 14: an indexing process <= 1 GB). The model is prepared already (the text section)."""
    import os
    import statistics
    import sys
    import tempfile
    from pathlib import Path

    from scripts.benchmarks.common import DOCS, ROOT

    faq = DOCS / "faq"
    if not faq.is_dir():
        report.note("latency", f"{faq} is missing: no indexing-process figures")
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    runs = []
    with tempfile.TemporaryDirectory(prefix="semdesk-index-") as work:
        for n in range(5 if full else 1 if smoke else 3):
            library = Path(work) / f"lib-{n}"
            runs.append(_timed([sys.executable, "-m", "desktop", "--library", str(library), "index", str(faq)], env))
    median = {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "rss_mb")}
    label = f"semdesk index of {len(list(faq.iterdir()))} FAQ files, fresh library, median of {len(runs)}"
    report.add("latency", "index_process_wall", median["wall"], "s", f"{label}: wall")
    report.add("latency", "index_process_cpu", median["cpu"], "s", f"{label}: CPU user+sys")
    report.add("latency", "index_process_rss", median["rss_mb"], "MB", f"{label}: peak RSS (bar: <= 1024 MB)")
