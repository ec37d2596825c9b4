"""Several desktops on one server library: three processes index overlapping folders while two search;
they commit batches side by side (claiming files, not taking turns per job), each file is written once,
and the catalog ends exactly as one process alone makes it. A writer killed (SIGKILL) inside a batch's
transaction leaves nothing half-written and no lock behind, and the next run completes it."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, Folder, ModelVersion
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.reliability.helpers import ROOT, env, write_corpus
from tests.server.pg import PgServer

pytestmark = pytest.mark.timeout(600)


def snapshot(lib: Library) -> dict[str, object]:
    """What a clean run determines, by path (ids differ from run to run): files, passages, vectors, keywords."""
    with lib.workspace.catalog.session() as session:
        files = [tuple(r) for r in session.execute(select(
            FileRecord.path, FileRecord.kind, FileRecord.status, FileRecord.reason, FileRecord.content_hash,
            FileRecord.title).order_by(FileRecord.path))]
        chunks = [tuple(r) for r in session.execute(
            select(FileRecord.path, Chunk.seq, Chunk.start, Chunk.end, Chunk.text)
            .join(FileRecord, FileRecord.id == Chunk.file_id).order_by(FileRecord.path, Chunk.seq))]
        vectors = session.execute(
            select(FileRecord.path, Chunk.seq, ChunkVector.vector).join(Chunk, Chunk.id == ChunkVector.chunk_id)
            .join(FileRecord, FileRecord.id == Chunk.file_id).order_by(FileRecord.path, Chunk.seq)).all()
        folders = sorted(session.scalars(select(Folder.path)))
        models = [tuple(r) for r in session.execute(select(ModelVersion.name, ModelVersion.active))]
        fts = session.connection().exec_driver_sql("SELECT count(*) FROM chunk_fts").scalar()
    matrix = np.stack([np.frombuffer(v, np.float32) for _, _, v in vectors])
    return {"files": files, "chunks": chunks, "keys": [(p, s) for p, s, _ in vectors], "vectors": matrix,
            "folders": folders, "fts": fts, "models": models}


def assert_same(got: dict[str, object], want: dict[str, object]) -> None:
    for key in ("files", "chunks", "keys", "folders", "models"):
        assert got[key] == want[key], key
    assert got["fts"] == want["fts"] == len(want["chunks"])  # type: ignore[arg-type]  # keywords for every passage
    difference = np.abs(got["vectors"] - want["vectors"]).max(axis=1)  # type: ignore[operator]
    assert difference.max() < 1e-4, [(k, d) for k, d in zip(want["keys"], difference, strict=True) if d > 1e-4]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("shared")
    root, extra = base / "nas", base / "extra"
    write_corpus(root / "docs", notes=0)
    write_corpus(root / "notes", notes=30)
    write_corpus(extra, notes=6)
    return root, extra


@pytest.fixture(scope="module")
def single_run(pg_server: PgServer, corpus: tuple[Path, Path]) -> dict[str, object]:
    root, extra = corpus
    with Library.open(pg_server.url(pg_server.new_database())) as lib:
        _settle(lib)
        run_job(lib.index([root, extra]))
        return snapshot(lib)


def _settle(lib: Library) -> None:
    lib.set_setting("text_batch_size", 2)  # many small batches: the writers overlap for a while
    # int8 activations are quantised per batch, so a passage's vector depends on its batch-mates (by
    # up to 0.08 here); at full precision two runs that batch files differently agree to ~1e-6.
    lib.set_setting("text_int8", False)


def _spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, *args], env=env(), cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_three_writers_and_two_readers_end_as_one_writer_would(
    pg_server: PgServer, corpus: tuple[Path, Path], single_run: dict[str, object], tmp_path: Path
) -> None:
    root, extra = corpus
    url = pg_server.url(pg_server.new_database())
    with Library.open(url) as lib:
        _settle(lib)
    stop, barrier = tmp_path / "stop", tmp_path / "barrier"
    barrier.mkdir()
    readers = [_spawn("-m", "tests.server.searcher", url, str(stop)) for _ in range(2)]
    folders = [[root / "docs", root / "notes"], [root], [root / "notes", extra]]
    logs = [tmp_path / f"writer{i}.jsonl" for i in range(len(folders))]
    writers = [_spawn("-m", "tests.server.writer", str(log), str(barrier), str(len(folders)), "--",
                      "--library", url, "index", *map(str, paths)) for log, paths in zip(logs, folders, strict=True)]
    try:
        for writer in writers:
            _out, err = writer.communicate(timeout=500)
            assert writer.returncode == 0, err
    finally:
        stop.touch()
    events = [[json.loads(line) for line in log.read_text().splitlines()] for log in logs]
    _assert_writers_overlapped(events)
    reports = []
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, err
        reports.append(json.loads(out))
    assert all(r["searches"] > 0 and r["answered"] > 0 for r in reports), reports
    with Library.open(url) as lib:
        assert_same(snapshot(lib), single_run)
        with lib.workspace.catalog.session() as session:
            file_ids = sorted(session.scalars(select(FileRecord.id)))
        written = sorted(i for writer in events for e in writer if e["event"] == "batch" for i in e["files"])
        assert written == file_ids  # each file was written by one writer, once
        again = run_job(lib.index(None))
        assert (again.indexed, again.removed) == (0, 0)  # and is current


def _assert_writers_overlapped(events: list[list[dict]]) -> None:
    """Writers take batches side by side, not turns per job: while one writer was indexing, each of
    the other two committed batches (one lock per job would keep their commits out of its time)."""
    windows = [(next(e["t"] for e in w if e["event"] == "start"), next(e["t"] for e in w if e["event"] == "end"))
               for w in events]
    commits = [[e["t"] for e in w if e["event"] == "batch"] for w in events]
    assert all(commits), commits  # every writer got some of the work
    overlapping = [
        sum(any(start < t < end for t in commits[other]) for other in range(len(events)) if other != me)
        for me, (start, end) in enumerate(windows)
    ]
    assert max(overlapping) >= 2, (windows, commits)


def test_a_writer_killed_mid_batch_leaves_nothing_half_written(
    pg_server: PgServer, corpus: tuple[Path, Path], single_run: dict[str, object]
) -> None:
    root, extra = corpus
    url = pg_server.url(pg_server.new_database())
    with Library.open(url) as lib:
        _settle(lib)
    crashed = subprocess.run(
        [sys.executable, "-m", "tests.reliability.crash_runner", "inside-batch-transaction", "20", "--",
         "--library", url, "index", str(root), str(extra)],
        env=env(), cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert crashed.returncode == -9, crashed.stderr
    with Library.open(url) as lib:
        with lib.workspace.catalog.session() as session:  # nothing of the killed batch: no passage without vector
            orphans = session.scalar(select(func.count()).select_from(Chunk).outerjoin(
                ChunkVector, ChunkVector.chunk_id == Chunk.id).where(ChunkVector.chunk_id.is_(None)))
            partial = session.scalar(select(func.count()).select_from(Chunk))
        assert orphans == 0 and 0 < partial < len(single_run["chunks"])  # type: ignore[arg-type]
        started = time.monotonic()
        lib.workspace.write_lock.acquire("checking", wait_seconds=0)  # the dead writer's lock went with it
        lib.workspace.write_lock.release()
        assert time.monotonic() - started < 5
        run_job(lib.index([root, extra]))
        assert_same(snapshot(lib), single_run)
