"""Bench section "scale": latency and recall at 10k / 100k synthetic vectors, documents and photos, through the
whole library (the index layer alone from 10k to 1M is section "growth", growth.py)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import QUERIES, Report, time_calls
from scripts.benchmarks.photos import random_vit_b_32
from scripts.benchmarks.synthetic import fill_synthetic_library, fill_synthetic_photos, synthetic_vectors


def bench_photo_scale(report: Report, work: Path, state: dict[str, Any], full: bool, sizes: list[int]) -> None:
    """Warm photo queries (ViT-B-32 text side + HNSW over 512-d photo vectors + file-name keywords)."""
    from desktop.core.library import Library

    weights = state.get("clip_weights") or random_vit_b_32(work)
    state["clip_weights"] = weights
    for n in sizes:
        label = f"{n // 1000}k"
        lib = Library.open(work / f"synthetic-photos-{label}")
        lib.set_setting("clip_model", "ViT-B-32")
        lib.set_setting("clip_weights", str(weights))
        fill_synthetic_photos(lib, n, synthetic_vectors(n, 512, seed=n + 1))
        lib.workspace.encoders.clip().load()
        t0 = time.perf_counter()
        index = lib.workspace.indexes.ready("image")
        report.add("scale", f"photo_build_{label}_s", time.perf_counter() - t0, "s", f"{label} photos: HNSW build")
        assert index.count == n, (index.count, n)
        stats = time_calls(lambda q, lib=lib: lib.search_photos(q, top=40), QUERIES, 3 if full else 2)
        report.data.setdefault("scale", {})[f"photos_{label}"] = stats
        report.add("scale", f"photo_{label}_p50", stats["p50"], "ms", f"{label} photos: search_photos p50")
        report.add("scale", f"photo_{label}_p95", stats["p95"], "ms", f"{label} photos: search_photos p95")
        lib.close()


def bench_scale(report: Report, work: Path, state: dict[str, Any], full: bool, sizes: list[int]) -> None:
    import numpy as np

    from desktop.core.library import Library
    from desktop.core.retrieval import search
    from desktop.core.vectors import DEFAULT_THREADS

    texts = state.get("texts") or [f"passage number {i} about python" for i in range(500)]
    report.note("scale", f"synthetic clustered 384-d unit vectors; real passage texts cycled into FTS; HNSW "
                f"M=16 ef_construction=200 ef_search=128, build threads={DEFAULT_THREADS} (the app's default)")
    n_queries = 200
    for n in sizes:
        label = f"{n // 1000}k"
        vectors = synthetic_vectors(n + n_queries, 384, seed=n)
        base, queries = vectors[:n], vectors[n:]
        lib = Library.open(work / f"synthetic-{label}")
        t0 = time.perf_counter()
        fill_synthetic_library(lib, n, texts, base)
        report.add("scale", f"fill_{label}_s", time.perf_counter() - t0, "s", f"{label}: write catalog rows (setup)")
        lib.workspace.encoders.query().load()
        t0 = time.perf_counter()
        index = lib.workspace.indexes.ready("text")
        build_s = time.perf_counter() - t0
        report.add("scale", f"build_{label}_s", build_s, "s", f"{label}: HNSW build from catalog")
        assert index.count == n, (index.count, n)
        hnsw = time_calls(lambda q, index=index: index.query(q, 10), list(queries), 1)
        exact = np.argsort(-(queries @ base.T), axis=1)[:, :10] + 1  # labels are row + 1
        found = [{label_ for label_, _ in index.query(q, 10)} for q in queries]
        recall = float(np.mean([len(f & set(e.tolist())) / 10 for f, e in zip(found, exact, strict=True)]))
        check = index.exact(queries[0], 10)  # the library's own ground truth agrees with numpy's
        assert [c for c, _ in check] == exact[0].tolist(), "exact search disagrees with numpy"
        encoder = lib.workspace.encoders.query()
        reps = 3 if full else 2
        dense = time_calls(lambda q, i=index, e=encoder: i.query(e.encode_query(q), 50), QUERIES, reps)
        hybrid = time_calls(lambda q, lib=lib: lib.search_documents(q, top=20), QUERIES, reps)
        keyword = time_calls(lambda q, lib=lib: search.keyword_chunks(lib.workspace, q, 50, None), QUERIES, reps)
        report.data.setdefault("scale", {})[label] = {
            "hnsw": hnsw, "dense": dense, "hybrid": hybrid, "keyword": keyword,
            "recall_at_10": recall, "build_s": build_s,
        }
        report.add("scale", f"hnsw_{label}_p50", hnsw["p50"], "ms", f"{label}: HNSW-only k=10 p50")
        report.add("scale", f"hnsw_{label}_p95", hnsw["p95"], "ms", f"{label}: HNSW-only k=10 p95")
        report.add("scale", f"recall10_{label}", recall, "", f"{label}: HNSW recall@10 vs exact ({n_queries} q)")
        report.add("scale", f"dense_{label}_p50", dense["p50"], "ms", f"{label}: encode+HNSW(k=50) p50")
        report.add("scale", f"dense_{label}_p95", dense["p95"], "ms", f"{label}: encode+HNSW(k=50) p95")
        report.add("scale", f"keyword_{label}_p50", keyword["p50"], "ms", f"{label}: FTS keyword top-50 p50")
        report.add("scale", f"keyword_{label}_p95", keyword["p95"], "ms", f"{label}: FTS keyword top-50 p95")
        report.add("scale", f"hybrid_{label}_p50", hybrid["p50"], "ms", f"{label}: search_documents p50")
        report.add("scale", f"hybrid_{label}_p95", hybrid["p95"], "ms", f"{label}: search_documents p95")
        lib.close()
