"""kill -9 while OCR reads: the OCR child does not outlive its parent, and the next run reads only
what was not stored yet."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.core.test_ocr_data import SENTENCES, needs_font, save_picture, text_picture

COUNT = 3
RUNNER = """
import sys
from pathlib import Path
from desktop.core.common.jobs import run_job
from desktop.core.library import Library

if __name__ == "__main__":
    lib = Library.open(sys.argv[1])
    run_job(lib.index([Path(sys.argv[2])]))
"""


def _ocr_done(library: Path) -> int:
    try:
        with sqlite3.connect(library / "catalog.sqlite", timeout=1) as db:
            return db.execute("SELECT count(*) FROM ocr_files").fetchone()[0]
    except sqlite3.Error:
        return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


@needs_font
def test_a_killed_run_leaves_no_ocr_process_and_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "shots"
    for i, sentence in enumerate(SENTENCES[:COUNT]):
        save_picture(text_picture([sentence] * 2, size=22), folder / f"shot{i}.png")
    library = tmp_path / "lib"
    Library.open(library).close()  # no CLIP weights: the photos wait for the photo model, OCR reads them anyway
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    process = subprocess.Popen([sys.executable, str(script), str(library), str(folder)], env=env, cwd=root)
    deadline = time.monotonic() + 240
    children: list[int] = []
    while time.monotonic() < deadline and process.poll() is None:
        children = _children(process.pid) or children
        if _ocr_done(library) >= 1:
            break
        time.sleep(0.1)
    assert process.poll() is None, "the run ended before it could be killed"
    children = _children(process.pid) or children
    done_before = _ocr_done(library)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert 1 <= done_before < COUNT
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() and "zombie" not in _state(pid) for pid in children):
        assert time.monotonic() < deadline, "the OCR child outlived its killed parent"
        time.sleep(0.2)
    with Library.open(library) as lib:
        summary = run_job(lib.index([folder]))
        # only what was not stored is read again (one more picture may have landed after the count)
        assert COUNT - done_before - 1 <= summary.text_in_pictures <= COUNT - done_before
        assert _ocr_done(library) == COUNT
        assert lib.search_documents("lighthouse at noon", top=1)[0].path.endswith("shot1.png")


def _state(pid: int) -> str:
    try:
        return "zombie" if (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) == "Z" else "alive"
    except OSError:
        return "zombie"
