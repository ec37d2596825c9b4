"""README's performance table, rendered from `scripts/bench --json` output committed to the repository.

README.md holds the table between two markers that name the JSON files it is made from, one column each:

    <!-- bench-table: scripts/benchmarks/results/2026-12-07-epyc.json -->
    ...
    <!-- /bench-table -->

    python scripts/bench_table.py            # rewrite the table(s) in README.md from the JSON named
    python scripts/bench_table.py --check    # exit 1 when README and its JSON disagree (tests do this)

Each column's heading is the CPU and the date of its run, so every figure carries both. A figure the
run did not make (a section left out or failed) shows as "—".
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
RESULTS = ROOT / "scripts" / "benchmarks" / "results"
BLOCK = re.compile(r"(<!-- bench-table: (?P<files>[^>]*?) -->\n)(?P<table>.*?)(<!-- /bench-table -->)", re.S)
MISSING = "—"


def value(data: dict[str, Any], section: str, key: str) -> float | str | None:
    figure = data.get(section, {}).get(key)
    if isinstance(figure, dict):
        figure = figure.get("value")
    return figure


def _num(fmt: str, *figures: tuple[str, str]) -> Callable[[dict[str, Any]], str | None]:
    """A cell made of figures (section, key) put into `fmt`; missing when any of them is."""

    def cell(data: dict[str, Any]) -> str | None:
        values = [value(data, section, key) for section, key in figures]
        if any(v is None for v in values):
            return None
        return fmt.format(*values)

    return cell


ROWS: tuple[tuple[str, Callable[[dict[str, Any]], str | None]], ...] = (
    ("int8 text encoder vs fp32, FAQ passages, each at its fastest batch size (passages/s)",
     _num("{:.0f} vs {:.0f}: **{:.2f}x**", ("int8", "int8_per_s"), ("int8", "fp32_per_s"), ("int8", "speedup_wall"))),
    ("text indexing end to end vs bare `encode`, same encoder and passages: ratio wall / CPU",
     _num("{:.0f} vs {:.0f} passages/s: **{:.2f}** / {:.2f}", ("text", "pipeline_chunks_per_s"),
          ("text", "bare_chunks_per_s"), ("text", "ratio"), ("text", "ratio_cpu"))),
    ("photo indexing end to end vs bare encoder, sample photos (ratio; ceiling)",
     _num("{:.1f} vs {:.1f} photos/s: ratio {:.2f} (ceiling {:.2f})", ("photos", "pipeline_photos_per_s"),
          ("photos", "bare_photos_per_s"), ("photos", "ratio"), ("photos", "ratio_ceiling"))),
    ("the same with 12 MP camera JPEGs (ratio; ceiling)",
     _num("{:.1f} vs {:.1f} photos/s: ratio {:.2f} (ceiling {:.2f})", ("photos", "camera_pipeline_photos_per_s"),
          ("photos", "camera_bare_photos_per_s"), ("photos", "camera_ratio"), ("photos", "camera_ratio_ceiling"))),
    ("12 MP camera photos without text, every phase but faces (OCR at its default) (target ≥ 15)",
     _num("**{:.1f} photos/s**", ("photos", "camera_all_but_faces_photos_per_s"))),
    ("12 MP camera photos without text: the faces phase per photo; every phase, faces on (the default)",
     _num("{:.0f} ms; {:.1f} photos/s", ("photos", "camera_faces_ms_per_photo"),
          ("photos", "camera_all_phases_photos_per_s"))),
    ("OCR gate on camera-like photos: text-less sent away / with text kept (targets ≥ 90% / ≥ 95%)",
     _num("{:.0f}% / {:.0f}%", ("ocr", "gate_sends_away_no_text"), ("ocr", "gate_keeps_text"))),
    ("OCR on 1,000 12 MP camera-like photos without text (mean: the gate, a full pass for those it lets through)",
     _num("{:.0f} s", ("ocr", "s_per_1000_no_text"))),
    ("photo image side, OpenVINO vs PyTorch fp32, bare, ViT-B-32 (photos/s)",
     _num("{:.1f} vs {:.1f}: {:.2f}x", ("photos", "bare_photos_per_s"), ("photos", "bare_torch_photos_per_s"),
          ("photos", "openvino_speedup"))),
    ("warm hybrid document query p50 / p95 at 10k passages",
     _num("{:.0f} / {:.0f} ms", ("scale", "hybrid_10k_p50"), ("scale", "hybrid_10k_p95"))),
    ("warm hybrid document query p50 / p95 at 100k passages",
     _num("{:.0f} / {:.0f} ms", ("scale", "hybrid_100k_p50"), ("scale", "hybrid_100k_p95"))),
    ("warm photo query p50 / p95 at 10k / 100k photos",
     _num("{:.0f} / {:.0f} and {:.0f} / {:.0f} ms", ("scale", "photo_10k_p50"), ("scale", "photo_10k_p95"),
          ("scale", "photo_100k_p50"), ("scale", "photo_100k_p95"))),
    ("HNSW recall@10 vs exact search, 10k / 100k vectors",
     _num("{:.3f} / {:.3f}", ("scale", "recall10_10k"), ("scale", "recall10_100k"))),
    ("peak memory growth while indexing text / sample photos / 12 MP JPEGs",
     _num("{:.0f} / {:.0f} / {:.0f} MB", ("memory", "text_rss_growth_mb"), ("memory", "photo_rss_growth_mb"),
          ("memory", "camera_rss_growth_mb"))),
    ("process start → window shown / → first results (cold models)",
     _num("{:.1f} s / {:.1f} s", ("launch", "window_shown_s"), ("launch", "first_results_s"))),
    ("`semdesk search` whole process: wall / CPU / peak RSS",
     _num("{:.2f} s / {:.2f} s / {:.0f} MB", ("latency", "semdesk_search_wall"), ("latency", "semdesk_search_cpu"),
          ("latency", "semdesk_search_rss"))),
    ("map: first layout at 10k points as a whole process (numba cache kept); reopen",
     _num("{:.1f} s; {:.2f} s", ("map", "process_warm_10k_s"), ("map", "process_reopen_10k_job_s"))),
    ("watched folder: a new document searchable after (median)", _num("{:.2f} s", ("watch", "latency_median_s"))),
    ("the run itself: sections (failed) / seconds / load average (1 min) at start and end", lambda d: (
        f"{len(d.get('sections', {}))} ({', '.join(d.get('failed', [])) or 'none'} failed) / "
        f"{d['total_seconds']:.0f} s / {_load(d)}" if "total_seconds" in d else None)),
)


def _load(data: dict[str, Any]) -> str:
    machine = data.get("machine", {})
    loads = [machine.get(k) for k in ("loadavg_start", "loadavg_end")]
    return " → ".join(f"{load[0]:.1f}" for load in loads if load) or "not recorded"


def heading(data: dict[str, Any]) -> str:
    machine = data.get("machine", {})
    cpu = machine.get("cpu") or "CPU not recorded"
    date = str(machine.get("started", "date not recorded"))[:10]
    mode = machine.get("mode", "full" if machine.get("full") else "default")
    return f"{cpu}, {machine.get('cpus', '?')} cores, {date} ({mode} run)"


def render(runs: list[dict[str, Any]]) -> str:
    lines = ["| figure | " + " | ".join(heading(d) for d in runs) + " |",
             "|---" * (len(runs) + 1) + "|"]
    for label, cell in ROWS:
        cells = [cell(d) for d in runs]
        if all(c is None for c in cells):
            continue
        lines.append(f"| {label} | " + " | ".join(MISSING if c is None else c for c in cells) + " |")
    return "\n".join(lines) + "\n"


def render_readme(text: str, root: Path = ROOT) -> str:
    """README's text with every marked table rendered again from the JSON files its marker names."""

    def block(match: re.Match[str]) -> str:
        files = match["files"].split()
        runs = [json.loads((root / name).read_text(encoding="utf-8")) for name in files]
        return match.group(1) + render(runs) + match.group(4)

    return BLOCK.sub(block, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when README disagrees")
    parser.add_argument("--readme", default=str(README), help="the file holding the markers (README.md)")
    args = parser.parse_args(argv)
    path = Path(args.readme)
    text = path.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print(f"{path}: no <!-- bench-table: FILE.json --> marker", file=sys.stderr)
        return 1
    rendered = render_readme(text)
    if args.check:
        if rendered != text:
            print(f"{path}: the performance table differs from its JSON; run scripts/bench_table.py",
                  file=sys.stderr)
            return 1
        return 0
    path.write_text(rendered, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
