"""Bench section "latency": query latency on the real libraries the text and photos sections made."""

from __future__ import annotations

from typing import Any

from scripts.benchmarks.common import QUERIES, Report, time_calls


def bench_latency(report: Report, state: dict[str, Any], full: bool) -> None:
    reps = 5 if full else 3
    lib = state.get("text_lib")
    if lib is not None:
        index = lib.workspace.indexes.ready("text")
        encoder = lib.workspace.encoders.query()
        report.add("latency", "text_index_vectors", index.count, "vectors", "real text library size")

        def dense(q: str) -> Any:
            return index.query(encoder.encode_query(q), 50)

        for name, fn in (
            ("encode_query", encoder.encode_query),
            ("document_dense", dense),
            ("hybrid_search_documents", lambda q: lib.search_documents(q, top=20)),
        ):
            stats = time_calls(fn, QUERIES, reps)
            report.data.setdefault("latency", {})[name] = stats
            report.add("latency", f"{name}_p50", stats["p50"], "ms", f"{name} p50")
            report.add("latency", f"{name}_p95", stats["p95"], "ms", f"{name} p95")
    photo_lib = state.get("photo_lib")
    if photo_lib is not None:
        stats = time_calls(lambda q: photo_lib.search_photos(q, top=40), QUERIES, reps)
        report.data.setdefault("latency", {})["photo_search"] = stats
        report.add("latency", "photo_p50", stats["p50"], "ms", "search_photos p50 (ViT-B-32 text side)")
        report.add("latency", "photo_p95", stats["p95"], "ms", "search_photos p95 (ViT-B-32 text side)")
