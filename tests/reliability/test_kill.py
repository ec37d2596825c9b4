"""kill -9 at chosen points of indexing, HNSW saving and mark writing: nothing is lost.

Each case runs the real CLI in a subprocess that SIGKILLs itself at one point (see
crash_runner.py), then opens the library again in this process: it must open cleanly,
pass SQLite's integrity check, resume, and end equal to a clean run (files, chunks,
vectors, keyword entries, search results). Marks must survive every crash.
"""

from __future__ import annotations

import json
import shutil
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.reliability.helpers import assert_same_catalog, python, snapshot, write_corpus

QUERIES = ["sourdough loaf", "fix a bike chain", "meeting about the budget"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("kill") / "docs", notes=6)


@pytest.fixture(scope="module")
def clean(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict, list]]:
    """One uninterrupted run: what every crashed-then-resumed run must end as."""
    path = tmp_path_factory.mktemp("clean") / "lib"
    with Library.open(path) as lib:
        lib.set_setting("text_batch_size", 2)  # many small batches: crashes land mid-run
        run_job(lib.index([corpus]))
        hits = [[h.path for h in lib.search_documents(q, top=5)] for q in QUERIES]
    yield path, snapshot(path), hits


def crash(library: Path, point: str, n: int, *cli: str) -> None:
    result = python("-m", "tests.reliability.crash_runner", point, str(n), "--", *cli)
    assert result.returncode == -signal.SIGKILL, f"{point} was never reached: {result.stderr[-2000:]}"


INDEX_POINTS = {
    "after-batch-commit": 1,  # in the middle of indexing: SQLite has a batch, the HNSW file none
    "inside-batch-transaction": 10,  # a transaction in flight: must roll back whole
    "hnsw-temp-written": 1,  # saving the index: temp file written, never renamed
    "hnsw-renamed-not-stamped": 1,  # new index file in place, its stamp in SQLite the old one
}


@pytest.mark.parametrize("point", list(INDEX_POINTS))
def test_killed_index_resumes_to_the_clean_catalog(
    point: str, corpus: Path, clean: tuple[Path, dict, list], tmp_path: Path
) -> None:
    _, want, want_hits = clean
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as lib:
        lib.set_setting("text_batch_size", 2)
    # One at a time: run side by side, they only fight for the CPU while loading the model.
    crash(lib_path, point, INDEX_POINTS[point], "--library", str(lib_path), "index", str(corpus))

    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        states = dict(db.execute("SELECT status, count(*) FROM files GROUP BY status").fetchall())
    with Library.open(lib_path) as lib:  # opens cleanly: no CatalogDamaged, no leftover lock
        assert lib.workspace.catalog.integrity_problems() == []
        summary = run_job(lib.index([corpus]))
        assert summary.indexed == len(want["files"]) - states.get("indexed", 0)
        hits = [[h.path for h in lib.search_documents(q, top=5)] for q in QUERIES]
        assert lib.workspace.indexes.get("text").count == len(want["chunks"])
        lib.workspace.write_lock.acquire("saving")  # what the next writer does: the rebuilt index is saved...
        lib.workspace.indexes.get("text").save()
        lib.workspace.write_lock.release()
    assert not list((lib_path / "indexes").glob(".*.tmp"))  # ...and a temp left by a killed save cleared
    assert hits == want_hits
    assert_same_catalog(snapshot(lib_path), want)


@pytest.mark.parametrize("point", ["marks-after-commit", "marks-export-before-rename"])
def test_marks_survive_a_kill_while_marking(point: str, clean: tuple[Path, dict, list], tmp_path: Path) -> None:
    lib_path = tmp_path / "lib"
    shutil.copytree(clean[0], lib_path)
    with Library.open(lib_path) as lib:
        (chunk_id, path), (other_id, other) = _two_chunks(lib_path)
        lib.mark("first query", path, True, chunk_id=chunk_id)
    before = (lib_path / "marks.jsonl").read_text()
    crash(lib_path, point, 1, "mark-chunk", str(lib_path), "second query", other, str(other_id))

    # The old copy is whole (never half-written), and the catalog holds both marks.
    assert before == (lib_path / "marks.jsonl").read_text()
    with Library.open(lib_path) as lib:
        assert lib.workspace.catalog.integrity_problems() == []
        assert sorted(m.query for m in lib.marks()) == ["first query", "second query"]
        lib.mark("third query", path, False, chunk_id=chunk_id)  # the next write brings the copy up to date
    exported = [json.loads(line) for line in (lib_path / "marks.jsonl").read_text().splitlines()]
    assert sorted(m["query"] for m in exported) == ["first query", "second query", "third query"]


def _two_chunks(lib_path: Path) -> list[tuple[int, str]]:
    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        rows = db.execute(
            "SELECT c.id, f.path FROM chunks c JOIN files f ON f.id = c.file_id ORDER BY c.id LIMIT 2"
        ).fetchall()
    return [(cid, p.decode() if isinstance(p, bytes) else p) for cid, p in rows]




# ---- the fine-tuning feature's model save (desktop/core/tuning) ---------------------------------


@pytest.fixture(scope="module")
def tuned_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 'fine-tuned' model: a copy of the base model (no training needed to test saving it)."""
    from desktop.core.embed.text import default_text_model_path

    folder = tmp_path_factory.mktemp("tuned") / "model"
    shutil.copytree(default_text_model_path(), folder)
    return folder


@pytest.mark.parametrize(
    ("point", "n"),
    [("model-installed-not-recorded", 1), ("model-reembedding", 2), ("model-active-index-unsaved", 1)],
)
def test_killed_model_keep_never_loses_the_model_or_marks(
    point: str, n: int, clean: tuple[Path, dict, list], tuned_folder: Path, tmp_path: Path
) -> None:
    from desktop.core.tuning.versions import activate_job, versions

    lib_path = tmp_path / "lib"
    shutil.copytree(clean[0], lib_path)
    with Library.open(lib_path) as lib:
        (chunk_id, path), _ = _two_chunks(lib_path)
        lib.mark("first query", path, True, chunk_id=chunk_id)
        chunks = lib.status().chunks
    candidate = tmp_path / "lib" / "models" / ".tune-candidate"
    shutil.copytree(tuned_folder, candidate)
    crash(lib_path, point, n, "keep-model", str(lib_path), str(candidate))

    with Library.open(lib_path) as lib:
        assert lib.workspace.catalog.integrity_problems() == []
        assert [m.query for m in lib.marks()] == ["first query"]
        tuned = [v for v in versions(lib.workspace) if v.base_model]
        assert len(tuned) == 1 and Path(tuned[0].path, "config.json").is_file()  # the model itself is whole
        if point == "model-installed-not-recorded":
            # Recorded and in place, never activated: listed, whole, and the base model still searches.
            assert not tuned[0].active and lib.workspace.versions.active_text_model()[0] != tuned[0].path
            assert lib.search_documents("sourdough loaf")
            return
        if point == "model-reembedding":
            assert not tuned[0].active  # still searching with the base model
            run_job(activate_job(lib.workspace, tuned[0].id))  # Keep again: resumes the missing passages
        assert lib.workspace.versions.active_id("text") == tuned[0].id
        with sqlite3.connect(lib_path / "catalog.sqlite") as db:
            have = db.execute("SELECT count(*) FROM chunk_vectors WHERE model_version_id = ?", (tuned[0].id,))
            assert have.fetchone()[0] == chunks
        # The copy runs at full precision and the clean run at int8 (the default): the same best
        # hit, while the order further down may differ by a place.
        assert lib.search_documents("sourdough loaf", top=5)[0].path == clean[2][0][0]
