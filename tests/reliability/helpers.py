"""Shared helpers of the reliability suite: subprocesses, catalog snapshots, peak memory."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np

from tests.corpus import write_documents

ROOT = Path(__file__).resolve().parents[2]


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def python(*args: str, timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run `python ARGS` in a fresh process (the CLI, or a crash runner) and wait for it."""
    return subprocess.run(
        [sys.executable, *args], env=env(), capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )


def write_corpus(folder: Path, notes: int = 24) -> Path:
    """The test corpus plus `notes` meeting notes: enough files for several small batches."""
    write_documents(folder)
    for i in range(notes):
        (folder / f"note{i:02d}.md").write_text(
            f"# Note {i}\n\nMinutes of meeting {i} about topic {i % 7}: budget, garden, travel.\n" * 3
        )
    return folder


def snapshot(library: Path) -> dict[str, object]:
    """Everything a clean run determines: files, chunks with text, and the vectors (by path, seq)."""
    with sqlite3.connect(library / "catalog.sqlite") as db:
        files = db.execute(
            "SELECT path, kind, status, reason, content_hash, title FROM files ORDER BY path"
        ).fetchall()
        chunks = db.execute(
            "SELECT f.path, c.seq, c.start, c.end, c.text FROM chunks c JOIN files f ON f.id = c.file_id "
            "ORDER BY f.path, c.seq"
        ).fetchall()
        vectors = db.execute(
            "SELECT f.path, c.seq, v.vector FROM chunk_vectors v JOIN chunks c ON c.id = v.chunk_id "
            "JOIN files f ON f.id = c.file_id ORDER BY f.path, c.seq"
        ).fetchall()
        fts = db.execute("SELECT count(*) FROM chunk_fts").fetchone()[0]
    keys = [(p, s) for p, s, _ in vectors]
    matrix = np.stack([np.frombuffer(v, dtype=np.float32) for _, _, v in vectors]) if vectors else np.zeros((0, 0))
    return {"files": files, "chunks": chunks, "vector_keys": keys, "vectors": matrix, "fts_rows": fts}


def assert_same_catalog(got: dict[str, object], want: dict[str, object]) -> None:
    assert got["files"] == want["files"]
    assert got["chunks"] == want["chunks"]
    assert got["vector_keys"] == want["vector_keys"]
    assert got["fts_rows"] == want["fts_rows"] == len(want["chunks"])  # type: ignore[arg-type]
    # Batches of other sizes pad differently: the same model gives the same vectors to ~1e-6.
    assert np.allclose(got["vectors"], want["vectors"], atol=1e-4)  # type: ignore[arg-type]

