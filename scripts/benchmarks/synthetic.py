"""Synthetic libraries for the scale and map sections: clustered vectors written straight into a
library's catalog, as the indexer would write them."""

from __future__ import annotations

from typing import Any


def synthetic_vectors(n: int, dim: int, seed: int, centres: int = 1000) -> Any:
    """Clustered unit vectors (a Gaussian mixture): neighbours at realistic, uneven distances."""
    import numpy as np

    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, dim)).astype(np.float32)
    points = middle[rng.integers(0, centres, n)] + rng.standard_normal((n, dim)).astype(np.float32)
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def fill_synthetic_library(lib: Any, n: int, texts: list[str], vectors: Any) -> None:
    """n chunks (10 per file) with real passage texts (cycled) in the FTS table and synthetic vectors."""
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("text")
    per_file = 10
    with lib.workspace.catalog.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)", (b"/synthetic",))
        conn.exec_driver_sql(
            "INSERT INTO files (id, folder_id, path, kind, size, mtime, status, title, model_version_id) "
            "VALUES (?, 1, ?, 'text', 1, 0, 'indexed', ?, ?)",
            [(f, f"/synthetic/doc{f}.txt".encode(), f"doc {f}", mv) for f in range(1, n // per_file + 2)],
        )
        chunk_rows, vector_rows, fts_rows = [], [], []
        for i in range(n):
            cid, body = i + 1, texts[i % len(texts)]
            file_id = i // per_file + 1
            chunk_rows.append((cid, file_id, i % per_file, 0, len(body), body))
            vector_rows.append((cid, mv, to_blob(vectors[i])))
            fts_rows.append((cid, f"doc {file_id}", body))
        conn.exec_driver_sql('INSERT INTO chunks (id, file_id, seq, start, "end", text) VALUES (?, ?, ?, ?, ?, ?)',
                             chunk_rows)
        conn.exec_driver_sql("INSERT INTO chunk_vectors (chunk_id, model_version_id, vector) VALUES (?, ?, ?)",
                             vector_rows)
        conn.exec_driver_sql("INSERT INTO chunk_fts (rowid, title, body) VALUES (?, ?, ?)", fts_rows)


PHOTO_WORDS = ["beach", "sunset", "dog", "cat", "mountain", "birthday", "garden", "city", "snow", "boat", "python"]


def fill_synthetic_photos(lib: Any, n: int, vectors: Any) -> None:
    """n photo files with synthetic CLIP vectors and camera-like names (IMG_000123 beach.jpg) in the
    file-name keyword table, as the indexer writes them."""
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("image")
    names = [f"IMG_{f:06d} {PHOTO_WORDS[f % len(PHOTO_WORDS)]}.jpg" for f in range(1, n + 1)]
    with lib.workspace.catalog.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO folders (id, path, added_at) VALUES (1, ?, 0)", (b"/photos",))
        conn.exec_driver_sql(
            "INSERT INTO files (id, folder_id, path, kind, size, mtime, status, model_version_id) "
            "VALUES (?, 1, ?, 'image', 1, 0, 'indexed', ?)",
            [(f, f"/photos/{names[f - 1]}".encode(), mv) for f in range(1, n + 1)],
        )
        conn.exec_driver_sql("INSERT INTO photo_vectors (file_id, model_version_id, vector) VALUES (?, ?, ?)",
                             [(f, mv, to_blob(vectors[f - 1])) for f in range(1, n + 1)])
        conn.exec_driver_sql("INSERT INTO file_fts (rowid, name) VALUES (?, ?)",
                             [(f, names[f - 1].replace("_", " ").removesuffix(".jpg")) for f in range(1, n + 1)])
