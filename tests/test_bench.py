"""The benchmark itself (scripts/bench.py): every section can run, and none can take the run down.

The smoke run (`scripts/bench --smoke`, every section on tiny inputs) is how CI knows that each
section still runs to its end; its figures are not checked, only that each section left figures or a
recorded error. The child runs scripts/bench.py with this interpreter (scripts/bench itself only
sets up .venv first).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scripts import bench

ROOT = Path(__file__).resolve().parents[1]


def run_bench(tmp_path: Path, *args: str, fail: str = "", timeout: int = 2400) -> tuple[int, dict, str]:
    out = tmp_path / "bench.json"
    env = {**os.environ, bench.FAIL_ENV: fail}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), *args, "--json", str(out)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    data = json.loads(out.read_text()) if out.exists() else {}
    return done.returncode, data, done.stdout + done.stderr


def figures_of(data: dict, name: str) -> dict:
    """What a section put under its own key (a section may also add to `memory`)."""
    return {k: v for k, v in data.get(name, {}).items() if k not in ("notes", "error")}


def test_smoke_runs_every_section_that_only_accepts() -> None:
    assert bench.selected(bench.parse_args(["--smoke"])) == list(bench.NAMES)
    for name in bench.NAMES:
        assert bench.selected(bench.parse_args(["--smoke", "--only", name])) == [name]
    with pytest.raises(SystemExit):
        bench.parse_args(["--only", "no-such-section"])
    assert len(set(bench.NAMES)) == len(bench.NAMES)


def test_a_failing_section_leaves_the_others_and_exit_1(tmp_path: Path) -> None:
    code, data, output = run_bench(tmp_path, "--smoke", "--only", "launch,watch", fail="launch", timeout=600)
    assert code == 1, output
    launch = data["sections"]["launch"]
    assert launch["status"] == "failed" and launch["error"] == "RuntimeError"
    assert "on purpose" in launch["message"] and launch["traceback"]
    assert data["sections"]["watch"]["status"] == "ok"
    assert data["sections"]["watch"]["figures"] > 0 and figures_of(data, "watch"), data.get("watch")
    assert data["failed"] == ["launch"]
    assert "FAILED" in output and "launch" in output


@pytest.mark.slow
def test_smoke_run_finishes_every_section(tmp_path: Path) -> None:
    if os.environ.get("SEMDESK_SMOKE_APART") == "1":
        pytest.skip(".ci/run runs this test on its own, before the suite (it takes minutes)")
    code, data, output = run_bench(tmp_path, "--smoke")
    sections = data.get("sections", {})
    assert list(sections) == list(bench.NAMES), output[-3000:]
    for name, record in sections.items():
        assert record["status"] == "ok", f"{name}: {record.get('message')}\n" + "\n".join(record.get("traceback", []))
        assert record["figures"] > 0, f"{name} left no figures"
    assert code == 0, output[-3000:]


def test_tuning_marks_a_query_with_no_wrong_hit_in_view(library, tmp_path: Path) -> None:
    """Every top-5 hit of a marked query is one of its answers: there is no wrong hit to mark, so the
    query is marked with its answer only and counted (the bench once died here with StopIteration)."""
    from sqlalchemy import select

    from desktop.core.catalog import Chunk
    from desktop.core.tuning.examples import QueryMarks
    from scripts.benchmarks.tune import mark_examples
    from tests.conftest import index

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "bread.txt").write_text("Baking sourdough bread: feed the starter, knead the dough, proof and bake.")
    (docs / "bike.txt").write_text("Fixing a bicycle chain: push out the pin with a chain tool, then oil it.")
    index(library, docs)
    with library.workspace.catalog.session() as session:
        file_of = dict(session.execute(select(Chunk.id, Chunk.file_id)).all())
    every_chunk = tuple(sorted(file_of))
    right_and_wrong = QueryMarks("sourdough bread", tuple(c for c in every_chunk if c == min(every_chunk)))
    all_right = QueryMarks("bicycle chain", every_chunk)
    assert mark_examples(library, [right_and_wrong, all_right], file_of) == 1
    marks = {(m.query, m.relevant) for m in library.marks()}
    assert marks == {("sourdough bread", True), ("sourdough bread", False), ("bicycle chain", True)}


def test_readme_performance_table_agrees_with_its_json() -> None:
    from scripts import bench_table

    text = bench_table.README.read_text(encoding="utf-8")
    blocks = list(bench_table.BLOCK.finditer(text))
    assert blocks, "README.md has no <!-- bench-table: FILE.json --> table"
    for block in blocks:
        for name in block["files"].split():
            data = json.loads((ROOT / name).read_text(encoding="utf-8"))
            assert data["machine"]["cpu"] and data["machine"]["started"]  # each figure's CPU and date
    assert bench_table.render_readme(text) == text, "README's table differs: run scripts/bench_table.py"


def test_a_figure_changed_in_the_json_shows_in_the_check(tmp_path: Path) -> None:
    from scripts import bench_table

    run = {"machine": {"cpu": "Test CPU", "cpus": 2, "started": "2026-12-07 10:00:00", "mode": "default"},
           "ocr": {"gate_sends_away_no_text": {"value": 93.0, "unit": "%"},
                   "gate_keeps_text": {"value": 100.0, "unit": "%"}}}
    (tmp_path / "run.json").write_text(json.dumps(run))
    readme = "# x\n<!-- bench-table: run.json -->\nold\n<!-- /bench-table -->\nafter\n"
    rendered = bench_table.render_readme(readme, tmp_path)
    assert "| figure | Test CPU, 2 cores, 2026-12-07 (default run) |" in rendered
    assert "93% / 100%" in rendered and rendered.endswith("<!-- /bench-table -->\nafter\n")
    assert bench_table.render_readme(rendered, tmp_path) == rendered
    run["ocr"]["gate_keeps_text"]["value"] = 96.0
    (tmp_path / "run.json").write_text(json.dumps(run))
    assert bench_table.render_readme(rendered, tmp_path) != rendered
