"""Switching the text model in the background (issue 27): search keeps the current model until every
passage has a vector from the new one, the switch is one step, switching back is instant, and a
switch killed with SIGKILL half-way resumes.

The new model is a folder holding a copy of the real all-MiniLM-L6-v2 files: a model of its own for the
library (its own version and vectors), checked against the pinned hashes like any copy of a known model.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
from pathlib import Path

import pytest

from desktop.core.common.jobs import Progress, run_job
from desktop.core.common.settings import DEFAULT_TEXT_MODEL
from desktop.core.library import Library
from tests.reliability.helpers import python, write_corpus


@pytest.fixture(scope="module")
def indexed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from desktop.core.embed.text import default_text_model_path

    root = tmp_path_factory.mktemp("switch")
    folder = root / "other model"
    shutil.copytree(default_text_model_path(), folder)
    corpus = write_corpus(root / "docs", notes=12)
    with Library.open(root / "lib") as lib:
        run_job(lib.index([corpus]))
    return root / "lib", folder


def _vectors(lib_path: Path, version: int) -> int:
    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        return db.execute("SELECT count(*) FROM chunk_vectors WHERE model_version_id = ?", (version,)).fetchone()[0]


def test_search_answers_with_the_current_model_until_the_switch_then_back_is_instant(
        indexed: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    versions_module = importlib.import_module("desktop.core.tuning.versions")
    monkeypatch.setattr(versions_module, "EMBED_BATCH", 4)  # several batches even for a small library
    lib_path = tmp_path / "lib"
    shutil.copytree(indexed[0], lib_path)
    with Library.open(lib_path) as lib:
        old = lib.workspace.versions.active_id("text")
        chunks = lib.status().chunks
        want = [h.path for h in lib.search_documents("budget meeting", top=3)]
        assert want
        job = lib.switch_text_model(str(indexed[1]))
        steps = 0
        for progress in job:
            if isinstance(progress, Progress) and progress.phase == "re-embedding passages":
                steps += 1
                # Mid-switch: the old model is active, the setting unchanged, and searches answer.
                assert lib.workspace.versions.active_id("text") == old
                assert lib.get_setting("text_model") == DEFAULT_TEXT_MODEL
                assert [h.path for h in lib.search_documents("budget meeting", top=3)] == want
        assert steps >= 3
        new = lib.workspace.versions.active_id("text")
        assert new != old and lib.get_setting("text_model") == str(indexed[1].resolve())
        assert _vectors(lib_path, new) == chunks
        assert lib.search_documents("budget meeting", top=3)[0].path == want[0]
        choices = {c.key: c for c in lib.text_model_choices()}
        assert choices["folder"].active and choices["fast"].passages_to_embed == 0
        # Back to Fast: its vectors were kept, nothing is embedded.
        stages = [p.phase for p in lib.switch_text_model("fast") if isinstance(p, Progress)]
        assert "re-embedding passages" not in stages
        assert lib.workspace.versions.active_id("text") == old and lib.get_setting("text_model") == DEFAULT_TEXT_MODEL


def test_a_switch_killed_half_way_resumes_and_the_old_model_serves_meanwhile(
        indexed: tuple[Path, Path], tmp_path: Path) -> None:
    lib_path = tmp_path / "lib"
    shutil.copytree(indexed[0], lib_path)
    with Library.open(lib_path) as lib:
        old = lib.workspace.versions.active_id("text")
        chunks = lib.status().chunks
        want = [h.path for h in lib.search_documents("budget meeting", top=3)]
        assert want
    result = python("-m", "tests.reliability.crash_runner", "model-reembedding", "2", "--",
                    "--library", str(lib_path), "models", "use", str(indexed[1]))
    assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]

    with Library.open(lib_path) as lib:
        assert lib.workspace.catalog.integrity_problems() == []
        assert lib.workspace.versions.active_id("text") == old  # the old model still serves
        assert lib.get_setting("text_model") == DEFAULT_TEXT_MODEL
        assert [h.path for h in lib.search_documents("budget meeting", top=3)] == want
        with sqlite3.connect(lib_path / "catalog.sqlite") as db:
            new = db.execute("SELECT id FROM model_versions WHERE space = 'text' AND name LIKE ?",
                             (f"{indexed[1].resolve()}%",)).fetchone()[0]
        done = _vectors(lib_path, new)
        assert 0 < done < chunks  # two batches of 4 were committed before the kill
        # Asked again: only the passages left are embedded, then the switch happens.
        totals = [p.total for p in lib.switch_text_model(str(indexed[1]))
                  if isinstance(p, Progress) and p.phase == "re-embedding passages"]
        assert totals and totals[0] == chunks - done
        assert lib.workspace.versions.active_id("text") == new and _vectors(lib_path, new) == chunks
