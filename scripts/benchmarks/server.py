"""Server libraries (PostgreSQL + pgvector, started from the pgserver package in the work folder)
against the embedded library (SQLite + hnswlib), same machine, same run:

- storage throughput: n synthetic passages (real passage texts cycled, clustered 384-d vectors)
  written through the catalog's tables and made searchable (the HNSW graph built), rows/s; the
  encoder is the same for both kinds, so this is what the choice of storage adds per passage;
- query latency p50/p95: the vector index alone (k=160, what a document search asks for) and a whole
  document search (meaning + keywords + fusion + rows), and the server's recall@10 against exact;
- quality: the bench's quality sets (scripts/quality_sets.py) indexed once into an embedded
  library, copied to a server one (`semdesk library copy`), nDCG@10 of both and the difference.

The machine is shared while these run: absolute figures are noisy, the ratios less so.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from scripts import quality_sets
from scripts.benchmarks.common import DOCS, percentiles

DIM = 384
SEARCH_K = 160  # retrieval.search.search_documents asks the vector index for max(50, 8 x top 20)
N_PROBES = 200
SERVER_SETTINGS = ("maintenance_work_mem = '4GB'", "max_parallel_maintenance_workers = 1")  # 2 cores: leader + 1
QUERIES = ["how do I read a file line by line", "memory leak in a long running process", "unicode strings",
           "why is my loop slow", "install a package for one user", "threads and the global lock",
           "compare two floating point numbers", "garbage collection of cycles"]


def passage_texts(limit: int = 5000) -> list[str]:
    """Real paragraphs (Python's docs) to cycle through as the synthetic passages' text."""
    out: list[str] = []
    for path in sorted(DOCS.rglob("*.txt")):
        out += [p.strip() for p in path.read_text(errors="replace").split("\n\n") if len(p.strip()) > 80]
        if len(out) >= limit:
            break
    return out[:limit] or ["a passage about nothing in particular, for the keyword table"]


def start_postgres(work: Path) -> Any:
    import pgserver

    server = pgserver.get_server(Path(tempfile.mkdtemp(prefix="semdesk-pg-", dir="/tmp")), cleanup_mode="stop")
    server.psql("CREATE EXTENSION IF NOT EXISTS vector;")
    # What a server's administrator sets for big HNSW builds (README): pgvector builds the graph in memory
    # while it fits in maintenance_work_mem (64 MB by default: 100k 384-d vectors do not; 1M take about
    # 2.5 GB) and in parallel.
    for setting in SERVER_SETTINGS:
        server.psql(f"ALTER SYSTEM SET {setting};")
    server.psql("SELECT pg_reload_conf();")
    return server


def new_database(server: Any, name: str) -> str:
    server.psql(f"CREATE DATABASE {name};")
    uri = server.get_uri()
    return f"postgresql://postgres@/{name}?host={uri.split('host=', 1)[1]}"


def fill(lib: Any, n: int, texts: list[str], vectors: np.ndarray, batch: int = 5000) -> None:
    """n passages (10 a file) through the catalog's own tables and keyword writes, as the indexer stores them."""
    from sqlalchemy import insert

    from desktop.core.catalog import Chunk, ChunkVector, FileRecord, Folder
    from desktop.core.catalog.writes import add_chunk_keywords, index_file_name
    from desktop.core.common.vector_codec import to_blob

    mv = lib.workspace.versions.active_id("text")
    per_file = 10
    with lib.workspace.catalog.session() as session:
        session.execute(insert(Folder), [{"id": 1, "path": "/synthetic", "added_at": 0.0}])
        files = [{"id": f, "folder_id": 1, "path": f"/synthetic/doc{f}.txt", "kind": "text", "size": 1,
                  "mtime": 0.0, "status": "indexed", "title": f"doc {f}", "model_version_id": mv}
                 for f in range(1, n // per_file + 2)]
        for start in range(0, len(files), batch):
            session.execute(insert(FileRecord), files[start:start + batch])
            for row in files[start:start + batch]:
                index_file_name(session, row["id"], row["path"], row["title"])
    for start in range(0, n, batch):
        rows = range(start, min(n, start + batch))
        with lib.workspace.catalog.session() as session:
            session.execute(insert(Chunk), [{"id": i + 1, "file_id": i // per_file + 1, "seq": i % per_file,
                                             "start": 0, "end": len(texts[i % len(texts)]),
                                             "text": texts[i % len(texts)]} for i in rows])
            session.execute(insert(ChunkVector), [{"chunk_id": i + 1, "model_version_id": mv,
                                                   "vector": to_blob(vectors[i])} for i in rows])
            add_chunk_keywords(session, [(i + 1, f"doc {i // per_file + 1}", texts[i % len(texts)]) for i in rows])


def bench_server(report: Any, work: Path, full: bool, sizes: list[int], synthetic_vectors: Any,
                 index_folder: Any, smoke: bool = False) -> None:
    passages = passage_texts()

    try:
        server = start_postgres(work)
    except Exception as error:  # no pgserver wheel for this platform, no shared memory...
        report.note("server", f"skipped: PostgreSQL from pgserver could not start ({error})")
        return
    try:
        run = list(sizes) if smoke else [s for s in sizes if s >= 100_000 or full] or [max(sizes)]
        report.note("server", f"sizes measured: {', '.join(f'{n:,}' for n in run)} passages, embedded then server "
                    f"for each (--sizes picks them){'' if 1_000_000 in run else '; 1M NOT measured in this run'}; "
                    f"PostgreSQL settings: {'; '.join(SERVER_SETTINGS)}")
        for n in run:
            _scale(report, work, server, n, passages, synthetic_vectors)
        _quality(report, work, server, full, index_folder, smoke)
    finally:
        server.cleanup()


def _scale(report: Any, work: Path, server: Any, n: int, passages: list[str], synthetic_vectors: Any) -> None:
    from desktop.core.library import Library

    # Probes held out from the same mixture: a query lands among the passages, as a real one does.
    vectors = synthetic_vectors(n + N_PROBES, DIM, seed=1)
    vectors, probes = vectors[:n], vectors[n:]
    figures: dict[str, dict[str, float]] = {}
    libs = {"embedded": Library.open(work / f"server-bench-{n}"), "server": Library.open(new_database(server, f"b{n}"))}
    try:
        for kind, lib in libs.items():
            ws = lib.workspace
            ws.write_lock.acquire("bench")  # a writer: the server builds its HNSW index
            ws.encoders.query().encode_query("warm up")  # the model's load is no part of storing
            t0 = time.perf_counter()
            fill(lib, n, passages, vectors)
            stored = time.perf_counter() - t0
            index = ws.indexes.ready("text")  # the embedded graph is built from the rows here
            index.save()
            seconds = time.perf_counter() - t0
            report.add("server", f"{kind}.{n}.rows_s", round(stored, 1), "s", f"{kind} {n:,}: rows written")
            report.add("server", f"{kind}.{n}.hnsw_s", round(seconds - stored, 1), "s",
                       f"{kind} {n:,}: HNSW built (+ saved, embedded)")
            ws.write_lock.release()
            dense = [0.0] * len(probes)
            for i, probe in enumerate(probes):
                t = time.perf_counter()
                index.query(probe, SEARCH_K)
                dense[i] = (time.perf_counter() - t) * 1000
            lib.search_documents(QUERIES[0])  # warm the text model
            searches = []
            for q in QUERIES * 3:
                t = time.perf_counter()
                lib.search_documents(q)
                searches.append((time.perf_counter() - t) * 1000)
            recall = np.mean([len({c for c, _ in index.query(p, 10)} & {c for c, _ in index.exact(p, 10)}) / 10
                              for p in probes])
            figures[kind] = {"rows_per_s": n / seconds, "dense": percentiles(dense), "search": percentiles(searches),
                             "recall": float(recall), "seconds": seconds}
            report.add("server", f"{kind}.{n}.store_rows_per_s", round(n / seconds), "rows/s",
                       f"{kind} {n:,}: passages stored + HNSW built, per s ({seconds:.0f} s)")
            for what in ("dense", "search"):
                p = figures[kind][what]
                name = f"vector index k={SEARCH_K}" if what == "dense" else "document search"
                report.add("server", f"{kind}.{n}.{what}_p50_ms", round(p["p50"], 2), "ms", f"{kind} {n:,}: {name} p50")
                report.add("server", f"{kind}.{n}.{what}_p95_ms", round(p["p95"], 2), "ms", f"{kind} {n:,}: {name} p95")
            report.add("server", f"{kind}.{n}.recall_at_10", round(float(recall), 3), "",
                       f"{kind} {n:,}: recall@10 of the index against exact ({N_PROBES} held-out probes)")
            if kind == "server":
                _ef_sweep(report, n, index, probes)
    finally:
        for lib in libs.values():
            lib.close()
    e, s = figures["embedded"], figures["server"]
    report.add("server", f"ratio.{n}.store", round(e["rows_per_s"] / s["rows_per_s"], 2), "x",
               f"{n:,}: embedded / server storage throughput")
    for what in ("dense", "search"):
        for p in ("p50", "p95"):
            report.add("server", f"ratio.{n}.{what}_{p}", round(s[what][p] / e[what][p], 2), "x",
                       f"{n:,}: server / embedded {what} {p}")


EF_SWEEP = (64, 128, 256, 512, 1000)  # pgvector's hnsw.ef_search: candidates a graph walk keeps (1000: its ceiling)


def _ef_sweep(report: Any, n: int, index: Any, probes: Any) -> None:
    """Recall@10 against exact and the k=160 walk's p50 at each ef_search: which setting reaches a recall
    (the index's build parameters, m and ef_construction, stay pgvector's defaults: a sweep over those
    would rebuild a million-row graph per point)."""
    import desktop.core.server.vector_index as server_index

    exact = [{c for c, _ in index.exact(p, 10)} for p in probes]
    shipped = server_index.EF_SEARCH
    try:
        for ef in EF_SWEEP:
            server_index.EF_SEARCH = ef  # what query() sets as hnsw.ef_search (at least k)
            found = [{c for c, _ in index.query(p, 10)} for p in probes]
            recall = np.mean([len(f & truth) / 10 for f, truth in zip(found, exact, strict=True)])
            walks = []
            for probe in probes:
                t = time.perf_counter()
                index.query(probe, SEARCH_K)
                walks.append((time.perf_counter() - t) * 1000)
            report.add("server", f"server.{n}.ef{ef}.recall_at_10", round(float(recall), 3), "",
                       f"server {n:,}: recall@10 with hnsw.ef_search = {ef}")
            report.add("server", f"server.{n}.ef{ef}.dense_p50_ms", round(percentiles(walks)["p50"], 2), "ms",
                       f"server {n:,}: vector index k={SEARCH_K} p50 with hnsw.ef_search = max({ef}, k)")
    finally:
        server_index.EF_SEARCH = shipped


def _quality(report: Any, work: Path, server: Any, full: bool, index_folder: Any, smoke: bool = False) -> None:
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from scripts.benchmarks.quality import figures

    have = quality_sets.available()
    builders = {"faq": quality_sets.faq_set, "exact": quality_sets.exact_term_set}
    if full:
        builders["kernel"] = quality_sets.kernel_set
    for name, build in builders.items():
        if not have.get(name):
            report.note("server", f"quality set {name} skipped: its Debian package is not installed")
            continue
        s = build()
        if smoke:
            s = s.small(queries=3, extra_files=3)
        folder = s.write(work / "server-quality" / name)
        embedded = work / "server-quality" / f"{name}-lib"
        with Library.open(embedded) as lib:
            index_folder(lib, folder)
        url = new_database(server, f"q_{name}")
        run_job(Library.copy_library(embedded, url))
        scores = {}
        for kind, where in (("embedded", embedded), ("server", url)):
            with Library.open(where) as lib:
                rankings = [[Path(h.path).name for h in lib.search_documents(q, top=10)] for q, _ in s.queries]
            scores[kind] = figures(rankings, [rel for _, rel in s.queries])["ndcg@10"]
            report.add("server", f"quality.{name}.{kind}_ndcg10", round(scores[kind], 4), "",
                       f"{name} ({len(s.queries)} queries): nDCG@10 {kind}")
        difference = scores["server"] - scores["embedded"]
        report.add("server", f"quality.{name}.difference", round(difference, 4), "",
                   f"{name}: server - embedded nDCG@10 ({'within' if abs(difference) <= 0.01 else 'OUTSIDE'} 0.01)")
