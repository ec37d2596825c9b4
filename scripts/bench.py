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
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

# After the environment above, so that a section importing a model library at its top still sees it.
from scripts.benchmarks import (  # noqa: E402
    duplicates,
    growth,
    int8,
    latency,
    launch,
    map_layout,
    memory,
    negatives,
    ocr,
    photos,
    quality,
    scale,
    server,
    text,
    tune,
    watch,
)
from scripts.benchmarks.common import DOCS, Report, chunk_inputs, index_folder, maxrss_mb  # noqa: E402
from scripts.benchmarks.faq import faq_judgements  # noqa: E402
from scripts.benchmarks.synthetic import fill_synthetic_library, synthetic_vectors  # noqa: E402
from tests.tiny_clip import make_tiny_clip  # noqa: E402

SECTIONS = ("text", "photos", "latency", "scale", "growth", "quality", "int8", "launch", "map", "tune", "measure",
            "watch", "ocr", "negatives", "duplicates", "server", "memory")


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
            ("text", lambda: text.bench_text(report, work, args.full, state)),
            ("photos", lambda: photos.bench_photos(report, work, args.full, state)),
            ("latency", lambda: latency.bench_latency(report, state, args.full)),
            ("scale", lambda: (scale.bench_scale(report, work, state, args.full, sizes),
                               scale.bench_photo_scale(report, work, state, args.full, sizes))),
            # The index layer alone as it grows, 10k -> 100k -> 1M (--full): build, file, load, RSS, latency, recall.
            ("growth", lambda: growth.bench_index_growth(
                report, work, [10_000, 100_000, 1_000_000] if args.full else [10_000, 100_000])),
            # Leak-free quality sets against their baselines (quality.py).
            ("quality", lambda: quality.bench_quality(report, work, index_folder, args.full)),
            ("int8", lambda: int8.bench_int8(report, work, DOCS / "faq", args.full, index_folder,
                                             faq_judgements, chunk_inputs)),
            ("tune", lambda: tune.bench_tune(report, work, DOCS / "faq", index_folder, faq_judgements)),
            # A k-fold round's measuring, every passage against the candidates only (issue 13).
            ("measure", lambda: tune.bench_measuring(report, work, DOCS, index_folder, faq_judgements, args.full)),
            ("launch", lambda: launch.bench_launch(report, work, args.full)),
            ("map", lambda: map_layout.bench_map(report, work, state, [10_000, 50_000], fill_synthetic_library,
                                                 synthetic_vectors)),
            ("watch", lambda: watch.bench_watch(report, work, args.full)),
            ("ocr", lambda: ocr.bench_ocr(report, work, args.full)),
            # Query language and Find Duplicates (issue 16): the tiny test CLIP unless real weights are cached.
            ("negatives", lambda: negatives.bench_negatives(report, work, make_tiny_clip)),
            ("duplicates", lambda: duplicates.bench_duplicates(report, work, make_tiny_clip)),
            # Server libraries (issue 18): PostgreSQL + pgvector from pgserver against the embedded library.
            ("server", lambda: server.bench_server(report, work, args.full, sizes, synthetic_vectors, index_folder)),
            # The window's own RSS at start, after a map, after a training run (issue 24), in a fresh process.
            ("memory", lambda: memory.bench_memory(report, work)),
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
