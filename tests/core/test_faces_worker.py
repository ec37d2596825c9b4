"""The face detector runs in a child process: a crash or a hang there costs one photo (recorded with its
reason), the next photo gets a fresh child, and the photos stay searchable."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.jobs import run_job
from desktop.core.common.native_child import ChildProblem
from desktop.core.library import Library

pytest.importorskip("dlib")
face_photos = pytest.importorskip("scripts.face_photos")


def test_the_worker_finds_faces_survives_a_crash_and_stops_a_hang() -> None:
    from desktop.core.faces.worker import FaceWorker

    astronaut = np.asarray(face_photos.skimage_photo("astronaut.png"))
    big = np.ascontiguousarray(np.tile(astronaut, (4, 4, 1)))  # 2048 px, upsampled: seconds of work
    with FaceWorker(time_limit=120) as worker:
        found = worker.find(astronaut)
        assert isinstance(found, list) and len(found) == 1 and found[0].vector.shape == (128,)
        pid = worker.pid
        assert pid is not None
        threading.Timer(0.2, os.kill, (pid, signal.SIGKILL)).start()
        crashed = worker.find(big)
        assert isinstance(crashed, ChildProblem) and "crashed" in crashed
        again = worker.find(astronaut)  # a fresh child takes the next photo
        assert isinstance(again, list) and len(again) == 1
        assert worker.starts == 2
    with FaceWorker(time_limit=0.01) as hurried:
        stopped = hurried.find(big)
        assert isinstance(stopped, ChildProblem) and "longer than 0.01 s" in stopped


def test_a_photo_the_detector_hangs_on_is_recorded_and_stays_searchable(
    tmp_path: Path, tiny_clip: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop.core.faces import worker

    folder = tmp_path / "album"
    face_photos.build(folder, kinds=("original",), collages=False, no_faces=False)
    monkeypatch.setattr(worker, "TIME_LIMIT_SECONDS", 0.001)  # every photo "hangs"
    with Library.open(tmp_path / "lib") as lib:
        lib.set_setting("ocr", "off")
        lib.set_setting("clip_model", str(tiny_clip[0]))
        lib.set_setting("clip_weights", str(tiny_clip[1]))
        lib.set_setting("clip_openvino", False)  # a random tiny CLIP: converting it costs more than running it
        summary = run_job(lib.index([folder]))
        photos = len(list(folder.iterdir()))
        assert summary.indexed == photos  # searchable before the faces phase, whatever it meets
        reasons = [p.reason for p in summary.problems if p.status == "faces_skipped"]
        assert len(reasons) == photos and all("took longer than" in r for r in reasons)
        assert lib.people(min_faces=1) == []
        assert len(lib.search_photos("anything", top=5)) == photos
        again = run_job(lib.index([folder]))  # recorded: not tried again until the photo changes
        assert not [p for p in again.problems if p.status == "faces_skipped"]


def test_the_detector_child_runs_at_background_priority() -> None:
    from desktop.core.common.native_child import BACKGROUND
    from desktop.core.faces.worker import FaceWorker

    with FaceWorker() as worker:
        assert worker.find(np.zeros((64, 64, 3), dtype=np.uint8)) == []
        assert worker.pid is not None
        assert os.getpriority(os.PRIO_PROCESS, worker.pid) == min(19, os.getpriority(os.PRIO_PROCESS, 0) + BACKGROUND)
