"""kill -9 during the faces phase: the next run looks only at the photos not stored yet, and no photo's
faces are stored twice."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.core.common.jobs import run_job
from desktop.core.library import Library

pytest.importorskip("dlib")
face_photos = pytest.importorskip("scripts.face_photos")

RUNNER = """
import sys
from pathlib import Path
from desktop.core.common.jobs import run_job
from desktop.core.library import Library

if __name__ == "__main__":
    lib = Library.open(sys.argv[1])
    lib.set_setting("ocr", "off")
    run_job(lib.index([Path(sys.argv[2])]))
"""


def _looked_at(library: Path) -> int:
    try:
        with sqlite3.connect(library / "catalog.sqlite", timeout=1) as db:
            return db.execute("SELECT count(*) FROM face_files WHERE status NOT LIKE '%trying'").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_a_run_killed_while_finding_faces_resumes(tmp_path: Path) -> None:
    folder = tmp_path / "album"
    face_photos.build(folder, kinds=("original", "mirror", "small", "large", "grey", "dark"), collages=False,
                      no_faces=False)
    photos = len(list(folder.iterdir()))
    library = tmp_path / "lib"
    script = tmp_path / "runner.py"
    script.write_text(RUNNER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen([sys.executable, str(script), str(library), str(folder)], env=env)
    try:
        deadline = time.monotonic() + 240
        while _looked_at(library) < 2 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert child.poll() is None, "the run ended before it could be killed mid-phase"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    with sqlite3.connect(library / "catalog.sqlite") as db:
        done_before = {f for (f,) in db.execute("SELECT file_id FROM face_files WHERE status NOT LIKE '%trying'")}
    assert 2 <= len(done_before) < photos
    with Library.open(library) as lib:
        lib.set_setting("ocr", "off")
        summary = run_job(lib.index([folder]))
    with sqlite3.connect(library / "catalog.sqlite") as db:
        assert db.execute("SELECT count(*) FROM face_files").fetchone() == (photos,)
        assert db.execute("SELECT count(*) FROM face_files WHERE status = 'failed'").fetchone() == (0,)
        per_photo = dict(db.execute("SELECT file_id, count(*) FROM faces GROUP BY file_id").fetchall())
        stored = dict(db.execute("SELECT file_id, faces FROM face_files").fetchall())
        ungrouped = db.execute("SELECT count(*) FROM faces WHERE person_id IS NULL").fetchone()[0]
    assert per_photo == {f: n for f, n in stored.items() if n}  # each photo's faces once
    assert summary.faces_found == sum(n for f, n in stored.items() if f not in done_before)  # only the rest looked at
    assert ungrouped == 0
