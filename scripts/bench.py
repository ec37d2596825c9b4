"""semdesk benchmark: throughput, latency, retrieval quality, memory and start-up, in one run.

Run it through `scripts/bench` (it sets up .venv). Throughput figures are ratios against the
bare model on the same inputs in the same process, because absolute times drift on a noisy
machine. Photo figures use ViT-B-32 with random weights (real weights are not assumed to be
present): the same compute as the real model, so throughput is real, but no photo quality.

    scripts/bench                      # default: every section, on 2 cores
    scripts/bench --full --json out.json
    scripts/bench --only text,quality  # some sections
    scripts/bench --smoke --json s.json  # every section on tiny inputs (CI): it runs, not what it measures

Each section runs on its own: one that fails is recorded (its error and the last lines of its
traceback, in the table and in the JSON) and the others go on; the exit status is then 1. The JSON
is rewritten as each section ends, so a run that is killed keeps what it measured.
SEMDESK_BENCH_FAIL=NAME[,NAME] makes those sections fail on purpose (to check the above).
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
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
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
    switch,
    text,
    tune,
    watch,
)
from scripts.benchmarks.common import DOCS, Report, chunk_inputs, index_folder, maxrss_mb  # noqa: E402
from scripts.benchmarks.faq import faq_judgements  # noqa: E402
from scripts.benchmarks.synthetic import fill_synthetic_library, synthetic_vectors  # noqa: E402
from tests.tiny_clip import make_tiny_clip  # noqa: E402

FAIL_ENV = "SEMDESK_BENCH_FAIL"
TRACEBACK_LINES = 12  # of a failed section's traceback, kept in the JSON and printed


@dataclass
class Run:
    """What every section is given: where to write, how big, and what earlier sections left."""

    report: Report
    work: Path
    full: bool
    smoke: bool  # tiny inputs: the section must run to its end, its figures mean little
    sizes: list[int]
    state: dict[str, Any] = field(default_factory=dict)


# The sections in the order they run. `--only` accepts exactly these names and `--smoke` runs all of
# them, so a section added here is in both. Later sections may use what earlier ones left in `state`.
SECTIONS: tuple[tuple[str, Callable[[Run], object]], ...] = (
    ("text", lambda r: text.bench_text(r.report, r.work, r.full, r.state, smoke=r.smoke)),
    ("photos", lambda r: photos.bench_photos(r.report, r.work, r.full, r.state, smoke=r.smoke)),
    ("latency", lambda r: latency.bench_latency(r.report, r.state, r.full, smoke=r.smoke)),
    ("scale", lambda r: (scale.bench_scale(r.report, r.work, r.state, r.full, r.sizes),
                         scale.bench_photo_scale(r.report, r.work, r.state, r.full, r.sizes))),
    # Switching the text model in the background (issue 27): its time and the searches' latency meanwhile.
    ("switch", lambda r: switch.bench_switch(r.report, r.work, r.full, smoke=r.smoke)),
    # The index layer alone as it grows, 10k -> 100k -> 1M (--full): build, file, load, RSS, latency, recall.
    ("growth", lambda r: growth.bench_index_growth(
        r.report, r.work, r.sizes if r.smoke else [10_000, 100_000, 1_000_000] if r.full else [10_000, 100_000])),
    # Leak-free quality sets against their baselines (quality.py).
    ("quality", lambda r: quality.bench_quality(r.report, r.work, index_folder, r.full, smoke=r.smoke)),
    ("int8", lambda r: int8.bench_int8(r.report, r.work, DOCS / "faq", r.full, index_folder, faq_judgements,
                                       chunk_inputs, smoke=r.smoke)),
    ("tune", lambda r: tune.bench_tune(r.report, r.work, DOCS / "faq", index_folder, faq_judgements, smoke=r.smoke)),
    # A k-fold round's measuring, every passage against the candidates only (issue 13).
    ("measure", lambda r: tune.bench_measuring(r.report, r.work, DOCS, index_folder, faq_judgements, r.full,
                                               smoke=r.smoke)),
    ("launch", lambda r: launch.bench_launch(r.report, r.work, r.full, smoke=r.smoke)),
    ("map", lambda r: map_layout.bench_map(r.report, r.work, r.state, r.sizes if r.smoke else [10_000, 50_000],
                                           fill_synthetic_library, synthetic_vectors, smoke=r.smoke)),
    ("watch", lambda r: watch.bench_watch(r.report, r.work, r.full, smoke=r.smoke)),
    ("ocr", lambda r: ocr.bench_ocr(r.report, r.work, r.full, smoke=r.smoke)),
    # Query language and Find Duplicates (issue 16): the tiny test CLIP unless real weights are cached.
    ("negatives", lambda r: negatives.bench_negatives(r.report, r.work, make_tiny_clip, smoke=r.smoke)),
    ("duplicates", lambda r: duplicates.bench_duplicates(r.report, r.work, make_tiny_clip, smoke=r.smoke)),
    # Server libraries (issue 18): PostgreSQL + pgvector from pgserver against the embedded library.
    ("server", lambda r: server.bench_server(r.report, r.work, r.full, r.sizes, synthetic_vectors, index_folder,
                                             smoke=r.smoke)),
    # The window's own RSS at start, after a map, after a training run (issue 24), in a fresh process: already
    # small (30 documents), so the smoke run is the same run.
    ("memory", lambda r: memory.bench_memory(r.report, r.work)),
)
NAMES = tuple(name for name, _ in SECTIONS)
SMOKE_SIZES = [1_000]


def run_section(run: Run, name: str, step: Callable[[Run], object]) -> bool:
    """One section, on its own: a failure is recorded (type, message, the traceback's last lines) and
    the run goes on. True when it ran to its end."""
    record: dict[str, Any] = {"status": "running"}
    run.report.data.setdefault("sections", {})[name] = record
    t0 = time.perf_counter()
    rows = len(run.report.rows)
    print(f"[{name}]", flush=True)
    try:
        if name in os.environ.get(FAIL_ENV, "").split(","):
            raise RuntimeError(f"section {name} made to fail on purpose ({FAIL_ENV})")
        step(run)
    except Exception as error:  # any failure of one section; KeyboardInterrupt still stops the run
        lines = traceback.format_exception(error)
        tail = "".join(lines).rstrip().splitlines()[-TRACEBACK_LINES:]
        record.update(status="failed", error=type(error).__name__, message=str(error)[:2000], traceback=tail)
        run.report.failure(name, f"{type(error).__name__}: {str(error)[:300]}")
        print("\n".join(f"    {line}" for line in tail), file=sys.stderr, flush=True)
    else:
        record["status"] = "ok"
    seconds = round(time.perf_counter() - t0, 1)
    record["seconds"] = seconds
    record["figures"] = len(run.report.rows) - rows  # figures and notes it added (a failure counts one)
    run.report.data.setdefault("section_seconds", {})[name] = seconds
    return record["status"] == "ok"


def write_json(path: Path, data: dict[str, Any]) -> None:
    from desktop.core.common.atomic import write_text_atomically

    write_text_atomically(path, json.dumps(data, indent=2, default=str), durable=False)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--full", action="store_true", help="bigger corpora, more repetitions, 100k always")
    parser.add_argument("--smoke", action="store_true", help="every section on tiny inputs (a minute or two)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON (after each section)")
    parser.add_argument("--only", metavar="LIST", help=f"comma-separated sections of: {','.join(NAMES)}")
    parser.add_argument("--sizes", metavar="LIST", help="synthetic index sizes (default 10000,100000)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (libraries, corpora)")
    args = parser.parse_args(argv)
    if args.full and args.smoke:
        parser.error("--full and --smoke exclude each other")
    unknown = set(args.only.split(",")) - set(NAMES) if args.only else set()
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    return args


def selected(args: argparse.Namespace) -> list[str]:
    """The sections this run makes, in their order: all of them unless --only names some."""
    only = set(args.only.split(",")) if args.only else set(NAMES)
    return [name for name in NAMES if name in only]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    only = set(selected(args))
    sizes = ([int(s) for s in args.sizes.split(",")] if args.sizes
             else SMOKE_SIZES if args.smoke else [10_000, 100_000])
    if not DOCS.is_dir() and only & {"text", "quality", "int8", "tune", "measure"}:
        print(f"{DOCS} is missing: apt-get install python3.11-doc", file=sys.stderr)
        return 2
    json_path = Path(args.json) if args.json else None

    import torch

    threads = os.cpu_count() or 1
    torch.set_num_threads(threads)
    random.seed(0)
    report = Report()
    mode = "smoke" if args.smoke else "full" if args.full else "default"
    report.data["machine"] = {
        "cpus": threads, "cpu": cpu_name(), "torch_threads": torch.get_num_threads(), "torch": torch.__version__,
        "python": platform.python_version(), "platform": platform.platform(), "full": args.full, "mode": mode,
        "started": time.strftime("%Y-%m-%d %H:%M:%S"), "loadavg_start": os.getloadavg(),
    }
    print(f"semdesk bench ({mode}) on {threads} CPUs ({report.data['machine']['cpu']}), torch threads "
          f"{torch.get_num_threads()}, torch {torch.__version__}", flush=True)
    work = Path(tempfile.mkdtemp(prefix="semdesk-bench-"))
    run = Run(report, work, args.full, args.smoke, sizes)
    started = time.perf_counter()
    failed: list[str] = []
    try:
        for name, step in SECTIONS:
            if name not in only:
                continue
            if not run_section(run, name, step):
                failed.append(name)
            if json_path is not None:
                write_json(json_path, report.data)
        report.add("memory", "maxrss_end_mb", maxrss_mb(), "MB", "ru_maxrss at the end of the run")
    finally:
        for key in ("text_lib", "photo_lib"):
            if key in run.state:
                try:
                    run.state[key].close()
                except Exception as error:  # a library a failed section left half-open
                    print(f"closing {key}: {error}", file=sys.stderr)
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    report.data["total_seconds"] = round(time.perf_counter() - started, 1)
    report.data["machine"]["loadavg_end"] = os.getloadavg()
    report.data["failed"] = failed
    print()
    print(report.table())
    load = report.data["machine"]
    print(f"\ntotal {report.data['total_seconds']:.0f} s; load average (1/5/15 min) at start "
          f"{'/'.join(f'{x:.1f}' for x in load['loadavg_start'])}, at end "
          f"{'/'.join(f'{x:.1f}' for x in load['loadavg_end'])} on {threads} CPUs (other work skews absolute times)")
    if failed:
        print(f"FAILED sections: {', '.join(failed)} (their errors are in the table above"
              f"{' and in the JSON' if json_path else ''})", file=sys.stderr)
    if json_path is not None:
        write_json(json_path, report.data)
        print(f"JSON written to {json_path}")
    return 1 if failed else 0


def cpu_name() -> str:
    """The CPU's model name (what a figure was measured on), from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return " ".join(line.split(":", 1)[1].split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


if __name__ == "__main__":
    raise SystemExit(main())
