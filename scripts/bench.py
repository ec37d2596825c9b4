"""semdesk benchmark: throughput, latency, retrieval quality, memory and start-up, in one run.

Run it through `scripts/bench` (it sets up .venv). Throughput figures are ratios against the
bare model on the same inputs in the same process, because absolute times drift on a noisy
machine. Photo figures use ViT-B-32 with random weights (real weights are not assumed to be
present): the same compute as the real model, so throughput is real, but no photo quality.

    scripts/bench                      # default: a few minutes on 2 cores
    scripts/bench --full --json out.json
    scripts/bench --only text,quality  # some sections
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

DOCS = Path("/usr/share/doc/python3.11/html/_sources")
QUESTION = re.compile(r"^(?P<q>[A-Z][^\n]{10,120}\?)\n-{5,}\n", re.MULTILINE)
HEADING = re.compile(r"^[^\n]+\n([-=~^*#\"'+])\1{4,}[ \t]*$", re.MULTILINE)
SECTIONS = ("text", "photos", "latency", "scale", "quality", "int8", "launch", "map", "tune")

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


# ---- small helpers ---------------------------------------------------------------------------


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


def index_folder(lib: Any, folder: Path) -> tuple[Any, float]:
    from desktop.core.common.jobs import run_job

    t0 = time.perf_counter()
    summary = run_job(lib.index([folder]))
    return summary, time.perf_counter() - t0


# ---- a. text indexing -----------------------------------------------------------------------


def text_corpus(work: Path, full: bool) -> tuple[Path, list[Path]]:
    """A fixed subset of library/*.rst.txt (sorted), capped in files and bytes."""
    max_files, max_bytes = (120, 2_000_000) if full else (40, 150_000)
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


def chunk_inputs(lib: Any) -> list[tuple[int, str]]:
    """(chunk id, exactly what the pipeline embedded: title + newline + passage) in id order."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        rows = session.execute(
            select(Chunk.id, FileRecord.title, Chunk.text).join(FileRecord).order_by(Chunk.id)
        ).all()
    return [(cid, f"{title}\n{text}") for cid, title, text in rows]


def _timed(work: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    work()
    return time.perf_counter() - t0


def bench_text(report: Report, work: Path, full: bool, state: dict[str, Any]) -> None:
    from desktop.core.embed import TextEncoder
    from desktop.core.library import Library

    folder, files = text_corpus(work, full)
    size = sum(p.stat().st_size for p in files)
    report.add("text", "corpus", f"{len(files)} files, {size / 1024:.0f} KiB", "",
               f"corpus: library/*.rst.txt {files[0].name} .. {files[-1].name}")
    lib = Library.open(work / "text-lib")
    encoder = lib.workspace.encoders.text()
    t0 = time.perf_counter()
    encoder.load()
    encoder.encode(["warm up " * 50] * 32, batch_size=32)  # first batches are slower (allocations)
    report.add("text", "model_load_and_warm_s", time.perf_counter() - t0, "s", "model load + warm-up (not counted)")
    rounds = 3 if full else 2
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
    # The same chunks through the bare full-precision model: what int8 plus the pipeline gains.
    fp32 = TextEncoder(encoder.name, int8=False) if encoder.int8 else encoder
    fp32.encode(inputs[:batch_size], batch_size=batch_size)  # warm-up
    fp32_s = min(_timed(lambda: fp32.encode(inputs, batch_size=batch_size)) for _ in range(rounds))
    report.add("text", "int8_encoder", encoder.int8, "", "pipeline and bare runs use the int8 encoder (default)")
    report.add("text", "bare_fp32_chunks_per_s", n / fp32_s, "chunks/s", "bare fp32 model.encode, same chunks")
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


# ---- b. photos --------------------------------------------------------------------------------


def skimage_photos() -> list[Path]:
    import skimage

    data = Path(skimage.__file__).parent / "data"
    return sorted(p for p in data.iterdir() if p.suffix in (".png", ".jpg"))


def photo_corpus(work: Path, count: int) -> Path:
    """`count` distinct files (one pixel differs) cycling through scikit-image's sample photos,
    so content hashes and thumbnails differ as they would for real photos."""
    from PIL import Image

    sources = skimage_photos()
    target = work / "photos"
    target.mkdir()
    for i in range(count):
        source = sources[i % len(sources)]
        with Image.open(source) as image:
            rgb = image.convert("RGB")
        rgb.putpixel((0, 0), (i % 256, (i // 256) % 256, 7))
        name = f"{source.stem}-{i:03d}{source.suffix}"
        rgb.save(target / name, quality=90) if source.suffix == ".jpg" else rgb.save(target / name)
    return target


def random_vit_b_32(folder: Path) -> Path:
    """ViT-B-32 with random weights in a .safetensors file: no real CLIP weights exist on these
    machines, and the speed of a network does not depend on its weights (its answers do)."""
    import open_clip
    from safetensors.torch import save_file

    path = folder / "vit-b-32-random.safetensors"
    model = open_clip.create_model("ViT-B-32", pretrained=None)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


def camera_corpus(work: Path, count: int) -> Path:
    """`count` 12 MP JPEGs (4000x3000, quality 90) made from the scikit-image samples with sensor-like
    noise: what a phone writes, and the case draft decoding exists for."""
    import numpy as np
    from PIL import Image

    sources = skimage_photos()
    rng = np.random.default_rng(0)
    target = work / "camera"
    target.mkdir()
    for i in range(count):
        with Image.open(sources[i % len(sources)]) as image:
            big = np.asarray(image.convert("RGB").resize((4000, 3000), Image.Resampling.BILINEAR), dtype=np.int16)
        noisy = np.clip(big + rng.normal(0, 3, big.shape).astype(np.int16), 0, 255).astype(np.uint8)
        Image.fromarray(noisy).save(target / f"IMG_{i:04d}.jpg", quality=90)
    return target


def cpu_seconds(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall s, CPU s of every thread in the process, result) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def measure_photo_folder(lib: Any, encoder: Any, folder: Path) -> dict[str, Any]:
    """Index `folder` (the pipeline), then the bare encoder on the same photos' preprocessed tensors,
    and the loader's share: one thread preparing each photo (read, hash, decode, thumbnail, preprocess)."""
    import numpy as np
    import torch
    from PIL import Image

    from desktop.core.ingest.prepared import prepare_file

    with rss_sampler() as memory:  # the pipeline alone: the bare run below holds every tensor at once
        pipeline_s, _, summary = cpu_seconds(lambda: index_folder(lib, folder)[0])
    paths = sorted(folder.iterdir())
    tensors = []
    for path in paths:  # decode + preprocess outside the bare timing
        with Image.open(path) as image:
            tensors.append(encoder.preprocess(image.convert("RGB")))
    batch = int(lib.get_setting("image_batch_size"))
    batches = [torch.stack(tensors[start : start + batch]) for start in range(0, len(tensors), batch)]
    bare_s, bare_cpu, vectors = cpu_seconds(lambda: np.concatenate([encoder.encode_tensors(b) for b in batches]))
    settings = lib.settings()

    def prepare_all() -> list[Any]:
        ws = lib.workspace
        return [
            prepare_file(ws.paths.thumbs, 0, str(p), "image", settings, text_encoder=None, clip_encoder=encoder)
            for p in paths
        ]

    _, loader_cpu, _ = cpu_seconds(prepare_all)
    return {"n": len(paths), "indexed": summary.indexed, "pipeline_s": pipeline_s,
            "bare_s": bare_s, "bare_cpu": bare_cpu, "loader_cpu": loader_cpu, "batches": batches, "vectors": vectors,
            "rss_growth_mb": memory["peak"] - memory["before"]}


def report_photo_pipeline(report: Report, prefix: str, m: dict[str, Any]) -> None:
    n = m["n"]
    report.add("photos", f"{prefix}pipeline_photos_per_s", n / m["pipeline_s"], "photos/s",
               "pipeline (scan+read+hash+decode+thumbnail+embed+store)")
    report.add("photos", f"{prefix}bare_photos_per_s", n / m["bare_s"], "photos/s",
               "bare encode_tensors on preprocessed tensors, same encoder")
    report.add("photos", f"{prefix}ratio", m["bare_s"] / m["pipeline_s"], "x", "ratio bare/pipeline (target >= 0.90)")
    report.add("photos", f"{prefix}overhead_ms_per_photo", (m["pipeline_s"] - m["bare_s"]) / n * 1000, "ms",
               "pipeline overhead per photo")
    report.add("photos", f"{prefix}encoder_cpu_ms", m["bare_cpu"] / n * 1000, "ms",
               "encoder CPU per photo (all threads)")
    report.add("photos", f"{prefix}loader_cpu_ms", m["loader_cpu"] / n * 1000, "ms",
               "loader CPU per photo: read, hash, decode, thumbnail, preprocess")
    # With every core busy, wall time cannot beat total CPU / cores: the encoder's share of all the
    # CPU is the best ratio any overlap of loading and encoding can reach on this machine.
    report.add("photos", f"{prefix}ratio_ceiling", m["bare_cpu"] / (m["bare_cpu"] + m["loader_cpu"]), "x",
               "best ratio possible when CPU-bound: encoder CPU / (encoder + loader CPU)")


def bench_photos(report: Report, work: Path, full: bool, state: dict[str, Any]) -> None:
    import numpy as np
    import torch

    from desktop.core.embed import ClipEncoder
    from desktop.core.library import Library

    report.note("photos", "ViT-B-32 with RANDOM weights (no real CLIP weights here): real compute, so throughput is "
                "real; the vectors mean nothing, so photo quality is not measured")
    folder = photo_corpus(work, 240 if full else 80)
    weights = random_vit_b_32(work)
    state["clip_weights"] = weights
    lib = Library.open(work / "photo-lib")
    lib.set_setting("clip_model", "ViT-B-32")
    lib.set_setting("clip_weights", str(weights))
    encoder = lib.workspace.encoders.clip()
    t0 = time.perf_counter()
    encoder.load()
    encoder.encode_tensors(torch.zeros((4, 3, 224, 224)))
    report.add("photos", "model_load_s", time.perf_counter() - t0, "s",
               "CLIP load + OpenVINO compile + warm-up (not counted)")
    m = measure_photo_folder(lib, encoder, folder)
    n = m["n"]
    report.add("photos", "photos", f"{m['indexed']} indexed of {n}", "", "photos (scikit-image samples, copies)")
    report.add("photos", "openvino", encoder._fast_images is not None, "", "image side runs in OpenVINO (default)")
    report.add("photos", "pipeline_s", m["pipeline_s"], "s", "pipeline (scan+decode+thumbnail+embed+store)")
    report.add("photos", "bare_s", m["bare_s"], "s", "bare encode_tensors on preprocessed tensors, same encoder")
    report_photo_pipeline(report, "", m)

    def bare(clip: Any) -> tuple[float, np.ndarray]:
        t0 = time.perf_counter()
        vectors = np.concatenate([clip.encode_tensors(b) for b in m["batches"]])
        return time.perf_counter() - t0, vectors

    torch_clip = ClipEncoder("ViT-B-32", pretrained=None, weights=str(weights), openvino=False)
    torch_clip.encode_tensors(m["batches"][0])  # load + warm-up
    torch_s, torch_vectors = bare(torch_clip)
    report.add("photos", "bare_torch_photos_per_s", n / torch_s, "photos/s", "bare PyTorch fp32 CLIP, same tensors")
    report.add("photos", "openvino_speedup", torch_s / m["bare_s"], "x", "OpenVINO image side / PyTorch fp32, bare")
    report.add("photos", "speedup_vs_bare_torch", torch_s / m["pipeline_s"], "x",
               "whole pipeline (default encoder) against bare PyTorch CLIP alone")
    report.add("photos", "cosine_min", float((m["vectors"] * torch_vectors).sum(axis=1).min()), "",
               "lowest cosine between OpenVINO and PyTorch photo vectors")
    report.add("memory", "photo_rss_growth_mb", m["rss_growth_mb"], "MB", "peak RSS growth during photo indexing")

    camera = measure_photo_folder(lib, encoder, camera_corpus(work, 120 if full else 40))
    report.add("photos", "camera_photos", f"{camera['indexed']} indexed of {camera['n']}", "",
               "12 MP camera-size JPEGs (decoded at 1/8 scale)")
    report_photo_pipeline(report, "camera_", camera)
    report.add("memory", "camera_rss_growth_mb", camera["rss_growth_mb"], "MB",
               "peak RSS growth while indexing the 12 MP JPEGs")
    state["photo_lib"] = lib


# ---- c. query latency on the real libraries ----------------------------------------------------


def bench_latency(report: Report, state: dict[str, Any], full: bool) -> None:
    reps = 5 if full else 3
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


# ---- c'. latency and recall at 10k / 100k synthetic vectors -------------------------------------


def synthetic_vectors(n: int, dim: int, seed: int, centres: int = 1000) -> Any:
    """Clustered unit vectors (a Gaussian mixture): neighbours at realistic, uneven distances."""
    import numpy as np

    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, dim)).astype(np.float32)
    points = middle[rng.integers(0, centres, n)] + rng.standard_normal((n, dim)).astype(np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def fill_synthetic_library(lib: Any, n: int, texts: list[str], vectors: Any) -> None:
    """n chunks (10 per file) with real passage texts (cycled) in the FTS table and synthetic vectors."""
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("text")
    per_file = 10
    with lib.workspace.catalog.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)", (b"/synthetic",))
        conn.exec_driver_sql(
            "INSERT INTO files (id, folder_id, path, kind, size, mtime, status, title, model_version_id) "
            "VALUES (?, 1, ?, 'text', 1, 0, 'indexed', ?, ?)",
            [(f, f"/synthetic/doc{f}.txt".encode(), f"doc {f}", mv) for f in range(1, n // per_file + 2)],
        )
        chunk_rows, vector_rows, fts_rows = [], [], []
        for i in range(n):
            cid, body = i + 1, texts[i % len(texts)]
            file_id = i // per_file + 1
            chunk_rows.append((cid, file_id, i % per_file, 0, len(body), body))
            vector_rows.append((cid, mv, to_blob(vectors[i])))
            fts_rows.append((cid, f"doc {file_id}", body))
        conn.exec_driver_sql('INSERT INTO chunks (id, file_id, seq, start, "end", text) VALUES (?, ?, ?, ?, ?, ?)',
                             chunk_rows)
        conn.exec_driver_sql("INSERT INTO chunk_vectors (chunk_id, model_version_id, vector) VALUES (?, ?, ?)",
                             vector_rows)
        conn.exec_driver_sql("INSERT INTO chunk_fts (rowid, title, body) VALUES (?, ?, ?)", fts_rows)


PHOTO_WORDS = ["beach", "sunset", "dog", "cat", "mountain", "birthday", "garden", "city", "snow", "boat", "python"]


def fill_synthetic_photos(lib: Any, n: int, vectors: Any) -> None:
    """n photo files with synthetic CLIP vectors and camera-like names (IMG_000123 beach.jpg) in the
    file-name keyword table, as the indexer writes them."""
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("image")
    names = [f"IMG_{f:06d} {PHOTO_WORDS[f % len(PHOTO_WORDS)]}.jpg" for f in range(1, n + 1)]
    with lib.workspace.catalog.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)", (b"/photos",))
        conn.exec_driver_sql(
            "INSERT INTO files (id, folder_id, path, kind, size, mtime, status, model_version_id) "
            "VALUES (?, 1, ?, 'image', 1, 0, 'indexed', ?)",
            [(f, f"/photos/{names[f - 1]}".encode(), mv) for f in range(1, n + 1)],
        )
        conn.exec_driver_sql("INSERT INTO photo_vectors (file_id, model_version_id, vector) VALUES (?, ?, ?)",
                             [(f, mv, to_blob(vectors[f - 1])) for f in range(1, n + 1)])
        conn.exec_driver_sql("INSERT INTO file_fts (rowid, name) VALUES (?, ?)",
                             [(f, names[f - 1].replace("_", " ").removesuffix(".jpg")) for f in range(1, n + 1)])


def bench_photo_scale(report: Report, work: Path, state: dict[str, Any], full: bool, sizes: list[int]) -> None:
    """Warm photo queries (ViT-B-32 text side + HNSW over 512-d photo vectors + file-name keywords)."""
    from desktop.core.library import Library

    weights = state.get("clip_weights") or random_vit_b_32(work)
    state["clip_weights"] = weights
    for n in sizes:
        label = f"{n // 1000}k"
        lib = Library.open(work / f"synthetic-photos-{label}")
        lib.set_setting("clip_model", "ViT-B-32")
        lib.set_setting("clip_weights", str(weights))
        fill_synthetic_photos(lib, n, synthetic_vectors(n, 512, seed=n + 1))
        lib.workspace.encoders.clip().load()
        t0 = time.perf_counter()
        index = lib.workspace.indexes.ready("image")
        report.add("scale", f"photo_build_{label}_s", time.perf_counter() - t0, "s", f"{label} photos: HNSW build")
        assert index.count == n, (index.count, n)
        stats = time_calls(lambda q, lib=lib: lib.search_photos(q, top=40), QUERIES, 3 if full else 2)
        report.data.setdefault("scale", {})[f"photos_{label}"] = stats
        report.add("scale", f"photo_{label}_p50", stats["p50"], "ms", f"{label} photos: search_photos p50")
        report.add("scale", f"photo_{label}_p95", stats["p95"], "ms", f"{label} photos: search_photos p95")
        lib.close()


def bench_scale(report: Report, work: Path, state: dict[str, Any], full: bool, sizes: list[int]) -> None:
    import numpy as np

    from desktop.core.library import Library
    from desktop.core.retrieval import search
    from desktop.core.vectors import DEFAULT_THREADS

    texts = state.get("texts") or [f"passage number {i} about python" for i in range(500)]
    report.note("scale", f"synthetic clustered 384-d unit vectors; real passage texts cycled into FTS; HNSW "
                f"M=16 ef_construction=200 ef_search=128, build threads={DEFAULT_THREADS} (the app's default)")
    n_queries = 200
    for n in sizes:
        label = f"{n // 1000}k"
        vectors = synthetic_vectors(n + n_queries, 384, seed=n)
        base, queries = vectors[:n], vectors[n:]
        lib = Library.open(work / f"synthetic-{label}")
        t0 = time.perf_counter()
        fill_synthetic_library(lib, n, texts, base)
        report.add("scale", f"fill_{label}_s", time.perf_counter() - t0, "s", f"{label}: write catalog rows (setup)")
        lib.workspace.encoders.query().load()
        t0 = time.perf_counter()
        index = lib.workspace.indexes.ready("text")
        build_s = time.perf_counter() - t0
        report.add("scale", f"build_{label}_s", build_s, "s", f"{label}: HNSW build from catalog")
        assert index.count == n, (index.count, n)
        hnsw = time_calls(lambda q, index=index: index.query(q, 10), list(queries), 1)
        exact = np.argsort(-(queries @ base.T), axis=1)[:, :10] + 1  # labels are row + 1
        found = [{label_ for label_, _ in index.query(q, 10)} for q in queries]
        recall = float(np.mean([len(f & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)]))
        check = index.exact(queries[0], 10)  # the library's own ground truth agrees with numpy's
        assert [c for c, _ in check] == exact[0].tolist(), "exact search disagrees with numpy"
        encoder = lib.workspace.encoders.query()
        reps = 3 if full else 2
        dense = time_calls(lambda q, i=index, e=encoder: i.query(e.encode_query(q), 50), QUERIES, reps)
        hybrid = time_calls(lambda q, lib=lib: lib.search_documents(q, top=20), QUERIES, reps)
        keyword = time_calls(lambda q, lib=lib: search.keyword_chunks(lib.workspace, q, 50, None), QUERIES, reps)
        report.data.setdefault("scale", {})[label] = {
            "hnsw": hnsw, "dense": dense, "hybrid": hybrid, "keyword": keyword,
            "recall_at_10": recall, "build_s": build_s,
        }
        report.add("scale", f"hnsw_{label}_p50", hnsw["p50"], "ms", f"{label}: HNSW-only k=10 p50")
        report.add("scale", f"hnsw_{label}_p95", hnsw["p95"], "ms", f"{label}: HNSW-only k=10 p95")
        report.add("scale", f"recall10_{label}", recall, "", f"{label}: HNSW recall@10 vs exact ({n_queries} q)")
        report.add("scale", f"dense_{label}_p50", dense["p50"], "ms", f"{label}: encode+HNSW(k=50) p50")
        report.add("scale", f"dense_{label}_p95", dense["p95"], "ms", f"{label}: encode+HNSW(k=50) p95")
        report.add("scale", f"keyword_{label}_p50", keyword["p50"], "ms", f"{label}: FTS keyword top-50 p50")
        report.add("scale", f"keyword_{label}_p95", keyword["p95"], "ms", f"{label}: FTS keyword top-50 p95")
        report.add("scale", f"hybrid_{label}_p50", hybrid["p50"], "ms", f"{label}: search_documents p50")
        report.add("scale", f"hybrid_{label}_p95", hybrid["p95"], "ms", f"{label}: search_documents p95")
        lib.close()


# ---- d. retrieval quality (leak-free sets: bench_quality.py); FAQ chunk judgements for int8/tune ----


def faq_judgements(lib: Any) -> list[tuple[str, set[int]]]:
    """(question, ids of the chunks overlapping its answer section) for every FAQ question."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk, FileRecord

    with lib.workspace.catalog.session() as session:
        files = session.execute(select(FileRecord.id, FileRecord.path).order_by(FileRecord.path)).all()
        chunks = session.execute(select(Chunk.id, Chunk.file_id, Chunk.start, Chunk.end)).all()
    by_file: dict[int, list[tuple[int, int, int]]] = {}
    for cid, fid, start, end in chunks:
        by_file.setdefault(fid, []).append((cid, start, end))
    judged = []
    for file_id, _path in files:
        text = lib.document_text(file_id)  # offsets of chunks refer to the extracted text
        headings = [m.start() for m in HEADING.finditer(text)]
        for match in QUESTION.finditer(text):
            start = match.start()
            end = next((h for h in headings if h > start), len(text))
            need = min(20, end - start)
            relevant = {cid for cid, a, b in by_file.get(file_id, []) if min(b, end) - max(a, start) >= need}
            if relevant:
                judged.append((match["q"], relevant))
    return judged


def bench_quality(report: Report, work: Path, full: bool) -> None:
    """Leak-free quality sets against their baselines (scripts/bench_quality.py)."""
    __import__("bench_quality").bench_quality(report, work, index_folder, full)


# ---- f. start-up ------------------------------------------------------------------------------------


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
import desktop.gui.main_window as mw
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


# ---- g. the map (scripts/bench_map.py) --------------------------------------------------------------


def bench_map_section(report: Report, work: Path, state: dict[str, Any]) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    from bench_map import bench_map

    bench_map(report, work, state, [10_000, 50_000], fill_synthetic_library, synthetic_vectors)


# ---- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="bigger corpora, more repetitions, 100k always")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--only", metavar="LIST", help=f"comma-separated sections of: {','.join(SECTIONS)}")
    parser.add_argument("--sizes", metavar="LIST", help="synthetic index sizes (default 10000,100000)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (libraries, corpora)")
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else set(SECTIONS)
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    sizes = [int(s) for s in args.sizes.split(",")] if args.sizes else [10_000, 100_000]
    if not DOCS.is_dir() and only & {"text", "quality", "int8"}:
        print(f"{DOCS} is missing: apt-get install python3.11-doc", file=sys.stderr)
        return 2

    import torch

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    random.seed(0)
    report = Report()
    report.data["machine"] = {
        "cpus": threads, "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "python": platform.python_version(), "platform": platform.platform(), "full": args.full,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg_start": os.getloadavg(),
    }
    print(f"semdesk bench ({'full' if args.full else 'default'}) on {threads} CPUs, torch threads "
          f"{torch.get_num_threads()}, torch {torch.__version__}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="semdesk-bench-"))
    state: dict[str, Any] = {}
    started = time.perf_counter()
    try:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("text", lambda: bench_text(report, work, args.full, state)),
            ("photos", lambda: bench_photos(report, work, args.full, state)),
            ("latency", lambda: bench_latency(report, state, args.full)),
            ("scale", lambda: (bench_scale(report, work, state, args.full, sizes),
                               bench_photo_scale(report, work, state, args.full, sizes))),
            ("quality", lambda: bench_quality(report, work, args.full)),
            ("int8", lambda: __import__("bench_int8").bench_int8(report, work, DOCS / "faq", args.full, index_folder,
                                                                 faq_judgements, chunk_inputs)),
            ("tune", lambda: __import__("bench_tune").bench_tune(report, work, DOCS / "faq", index_folder,
                                                                 faq_judgements)),
            ("launch", lambda: bench_launch(report, work, args.full)),
            ("map", lambda: bench_map_section(report, work, state)),
        ]
        for name, step in steps:
            if name in only:
                t0 = time.perf_counter()
                print(f"[{name}]", flush=True)
                step()
                report.data.setdefault("section_seconds", {})[name] = round(time.perf_counter() - t0, 1)
        report.add("memory", "maxrss_end_mb", maxrss_mb(), "MB", "ru_maxrss at the end of the run")
    finally:
        for key in ("text_lib", "photo_lib"):
            if key in state:
                state[key].close()
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report.data["total_seconds"] = round(time.perf_counter() - started, 1)
    report.data["machine"]["loadavg_end"] = os.getloadavg()
    print()
    print(report.table())
    load = report.data["machine"]
    print(f"\ntotal {report.data['total_seconds']:.0f} s; load average (1/5/15 min) at start "
          f"{'/'.join(f'{x:.1f}' for x in load['loadavg_start'])}, at end "
          f"{'/'.join(f'{x:.1f}' for x in load['loadavg_end'])} on {threads} CPUs (other work skews absolute times)")
    if args.json:
        Path(args.json).write_text(json.dumps(report.data, indent=2), encoding="utf-8")
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
