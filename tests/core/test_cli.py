"""The CLI contract: JSON shapes, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.catalog import SCHEMA_VERSION
from tests.corpus import write_documents, write_photos


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_search_status_similar_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib")
    docs = tmp_path / "docs"
    write_documents(docs)
    (docs / "empty.md").write_bytes(b"")
    code, out, _ = run(capsys, "--library", lib, "index", str(docs), "--json")
    assert code == 0 and json.loads(out)["indexed"] == 7

    code, out, _ = run(capsys, "--library", lib, "search", "repair my bike", "--kind", "text", "--top", "3", "--json")
    results = json.loads(out)
    assert code == 0 and len(results) == 3
    assert set(results[0]) >= {"path", "kind", "score", "snippet", "start", "end"}
    assert results[0]["path"].endswith("bicycle.txt") and results[0]["kind"] == "text"
    assert results[0]["score"] >= results[1]["score"]

    code, out, _ = run(capsys, "--library", lib, "status", "--json")
    status = json.loads(out)
    assert status["counts"] == {"indexed": 7, "skipped": 1}
    assert status["skipped"] == [{"path": str(docs / "empty.md"), "reason": "empty file", "status": "skipped"}]

    code, out, _ = run(capsys, "--library", lib, "similar", str(docs / "garden.txt"), "--kind", "text", "--json")
    assert code == 0 and all(not r["path"].endswith("garden.txt") for r in json.loads(out))

    code, out, _ = run(capsys, "--library", lib, "mark", "repair my bike", str(docs / "bicycle.txt"), "--relevant")
    assert code == 0 and "relevant" in out
    code, out, _ = run(capsys, "--library", lib, "remove", str(docs / "taxes.rst"))
    assert code == 0 and "Removed 1" in out


def test_config_round_trip_and_unknown_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib")
    code, out, _ = run(capsys, "--library", lib, "config", "exclude", "*.log,node_modules")
    assert code == 0 and "exclude = *.log,node_modules" in out
    code, out, _ = run(capsys, "--library", lib, "config", "--json")
    assert json.loads(out)["exclude"] == ["*.log", "node_modules"]
    code, _, err = run(capsys, "--library", lib, "config", "no_such_key")
    assert code == 1 and err.count("\n") == 1 and "no setting called" in err


def test_errors_are_one_plain_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib")
    code, out, err = run(capsys, "--library", lib, "index", str(tmp_path / "missing"))
    assert code == 1 and out == "" and err.count("\n") == 1 and "There is no file or folder" in err
    assert "Traceback" not in err
    code, _, err = run(capsys, "--library", lib, "mark", "q", str(tmp_path / "x.txt"), "--relevant")
    assert code == 1 and "not an indexed file" in err


def test_newer_database_refused_with_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = tmp_path / "lib"
    run(capsys, "--library", str(lib), "status")
    with sqlite3.connect(lib / "catalog.sqlite") as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")  # one this semdesk does not know
    code, _, err = run(capsys, "--library", str(lib), "status")
    assert code == 1 and "newer version of semdesk" in err and err.count("\n") == 1


def test_photo_search_without_weights_explains(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = str(tmp_path / "lib")
    write_photos(tmp_path / "photos", 2)
    code, out, _ = run(capsys, "--library", lib, "index", str(tmp_path / "photos"))
    assert code == 0 and "2 waiting for the photo model" in out
    code, out, err = run(capsys, "--library", lib, "search", "a red ball", "--kind", "image")
    assert code == 0 and "CLIP weights" in err


def test_killed_index_resumes_to_the_same_catalog(tmp_path: Path) -> None:
    """SIGKILL mid-run (a real process), then resume: same files and chunks as one clean run."""
    docs = tmp_path / "docs"
    write_documents(docs)
    for i in range(60):
        (docs / f"note{i:02d}.md").write_text(f"# Note {i}\n\nMinutes of meeting {i} about topic {i % 7}.\n" * 3)
    lib = tmp_path / "lib"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    command = [sys.executable, "-m", "desktop", "--library", str(lib), "config", "text_batch_size", "2"]
    subprocess.run(command, env=env, check=True, capture_output=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop", "--library", str(lib), "index", str(docs)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    indexed = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(lib / "catalog.sqlite", timeout=1) as db:
                indexed = db.execute("SELECT count(*) FROM files WHERE status = 'indexed'").fetchone()[0]
        except sqlite3.Error:
            continue
        if indexed >= 6:
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=30)
    assert 0 < indexed < 67, "the run should have been killed part-way"

    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library

    def snapshot(path: Path) -> list[tuple]:
        with sqlite3.connect(path / "catalog.sqlite") as db:
            return db.execute(
                "SELECT f.path, f.status, c.seq, c.start, c.end FROM files f LEFT JOIN chunks c ON c.file_id = f.id "
                "ORDER BY f.path, c.seq"
            ).fetchall()

    with Library.open(lib) as resumed:
        summary = run_job(resumed.index([docs]))
        assert summary.indexed == 67 - indexed
        hits = [h.path for h in resumed.search_documents("sourdough loaf")]
    with Library.open(tmp_path / "clean") as clean:
        run_job(clean.index([docs]))
        assert [h.path for h in clean.search_documents("sourdough loaf")] == hits
    assert snapshot(lib) == snapshot(tmp_path / "clean")
