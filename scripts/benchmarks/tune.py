"""The bench's tuning section: marks from half the Python FAQ questions, tune, held-out quality.

The same protocol as tests/core/test_tuning.py, but judged like the bench's quality section
(every chunk overlapping a question's answer section is relevant) and with timings.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import smallest_files


def mark_examples(lib: Any, marked: list[Any], file_of: dict[int, int], top: int = 5) -> int:
    """Marks each query's answer relevant and its best-ranked wrong hit not relevant. A query whose top
    `top` hits are all right has no wrong hit to mark: it is marked with its answer only. Returns how
    many queries had no wrong hit in view (which ones depends on the ranking, so on the CPU's encoder)."""
    without_wrong = 0
    for item in marked:
        answer = item.positives[0]  # the chunk where the answer section starts
        lib.mark(item.query, file_of[answer], True, chunk_id=answer)
        hits = lib.search_documents(item.query, top=top)
        wrong = next((h for h in hits if h.chunk_id not in item.positives), None)
        if wrong is None:
            without_wrong += 1
            continue
        lib.mark(item.query, wrong.file_id, False, chunk_id=wrong.chunk_id)
    return without_wrong


def bench_tune(report: Any, work: Path, faq: Path, index_folder: Callable[[Any, Path], Any],
               faq_judgements: Callable[[Any], list[tuple[str, set[int]]]], smoke: bool = False) -> None:
    from sqlalchemy import select

    from desktop.core.catalog import Chunk
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from desktop.core.tuning import keep_job, tune_job
    from desktop.core.tuning.evaluate import evaluate_active
    from desktop.core.tuning.examples import QueryMarks

    if smoke:
        faq = smallest_files(faq, work / "faq-tune-smoke", 4)  # tuning needs marks on 2 searches or more
    lib = Library.open(work / "faq-tune-lib")
    index_folder(lib, faq)
    judged = [QueryMarks(q, tuple(sorted(chunks))) for q, chunks in faq_judgements(lib)]
    random.Random(5).shuffle(judged)
    marked, held_out = judged[: len(judged) // 2], judged[len(judged) // 2 :]
    with lib.workspace.catalog.session() as session:
        file_of = dict(session.execute(select(Chunk.id, Chunk.file_id)).all())
    without_wrong = mark_examples(lib, marked, file_of)
    before = evaluate_active(lib.workspace, held_out)
    t0 = time.perf_counter()
    candidate = run_job(tune_job(lib.workspace, "text"))
    trained = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_job(keep_job(lib.workspace, candidate))
    kept = time.perf_counter() - t0
    after = evaluate_active(lib.workspace, held_out)
    report.note("tune", f"{len(marked)} FAQ questions marked (answer right, a wrong top hit wrong); measured on the "
                f"other {len(held_out)}, never marked; 1 epoch, batch 16, lr 5e-5")
    report.add("tune", "marked_without_wrong", without_wrong, "queries",
               "marked queries with no wrong hit in their top 5 (marked with the answer only)")
    for name, figures in (("before", before), ("after", after)):
        text = f"ndcg@10 {figures.ndcg:.3f}  mrr@10 {figures.mrr:.3f}  r@10 {figures.recall:.3f}"
        report.data.setdefault("tune", {})[name] = figures.to_json()
        report.rows.append(("tune", f"{name:<8}", text))
        print(f"  tune      {name:<8} {text}", flush=True)
    report.add("tune", "train_seconds", trained, "s", "tune: train + measure on the whole library")
    report.add("tune", "keep_seconds", kept, "s", "keep: re-embed every passage + swap")
    lib.close()


def bench_measuring(report: Any, work: Path, docs: Path, index_folder: Callable[[Any, Path], Any],
                    faq_judgements: Callable[[Any], list[tuple[str, set[int]]]], full: bool,
                    smoke: bool = False) -> None:
    """A k-fold round's measuring both ways, on one library in one run (issue 13, item 13): every
    passage re-embedded by the trained model (as before) against only the passages that can change
    the held-out rankings (evaluate.candidate_pool: each held-out query's nearest POOL, its marks).

    Four marked FAQ questions, as in the issue, so k-fold; the round's held-out queries are the
    first split's. Measuring's cost does not depend on the weights, so the base model measures (in
    PyTorch, as a round's model does) and no training is run. Both ways must give the same figures.
    """
    import os
    import shutil

    import numpy as np

    from desktop.core.common.jobs import CancelToken, run_job
    from desktop.core.library import Library
    from desktop.core.tuning.evaluate import POOL, candidate_pool, chunk_inputs, encode_space, measure, stored_space
    from desktop.core.tuning.examples import QueryMarks, splits
    from desktop.core.tuning.rounds import mine_negatives
    from desktop.core.tuning.text_train import ModelEncoder, load_model

    folder = work / "measuring-docs"
    if smoke:  # enough FAQ questions for four marks
        smallest_files(docs / "faq", folder / "faq", 4)
    for part in () if smoke else ("faq", "tutorial", *(("howto",) if full else ())):
        shutil.copytree(docs / part, folder / part, dirs_exist_ok=True)
    lib = Library.open(work / "measuring-lib")
    index_folder(lib, folder)
    ws = lib.workspace
    judged = [QueryMarks(q, tuple(sorted(chunks))) for q, chunks in faq_judgements(lib)]
    if len(judged) < 4:
        raise ValueError(f"measuring needs 4 judged FAQ questions; the corpus has {len(judged)}")
    marks = random.Random(7).sample(judged, 4)
    encoder = ws.encoders.query()
    before = stored_space(ws, "text", ws.versions.active_id("text"), encoder.dim)
    queries = encoder.encode([m.query for m in marks])
    mined = mine_negatives(before, queries, marks)
    tests = list(splits(marks)[0].test)
    pool = candidate_pool(before, queries[[marks.index(t) for t in tests]], tests, mined)
    ids, texts = chunk_inputs(ws)
    keep = np.isin(ids, np.fromiter(pool, dtype=np.int64, count=len(pool)))
    model = ModelEncoder(load_model(ws.versions.active_text_model()[0]))
    model.encode(texts[:64])  # warm: the first batches prepare kernels for their shapes
    load_start = os.getloadavg()
    timed = {}
    for way, pick in (("all passages", np.ones(len(ids), dtype=bool)), ("candidates only", keep)):
        t0 = time.perf_counter()
        space = run_job(encode_space(model, ids[pick], [t for t, k in zip(texts, pick, strict=True) if k],
                                     CancelToken(), "measuring"))
        timed[way] = (time.perf_counter() - t0, int(pick.sum()), space)
    load_end = os.getloadavg()
    new_queries = model.encode([t.query for t in tests])
    same = measure(timed["all passages"][2], new_queries, tests, mined) == measure(
        timed["candidates only"][2], new_queries, tests, mined)
    report.note("measure", f"one k-fold round's measuring, 4 marked FAQ questions ({len(tests)} held out), "
                f"library {len(ids)} passages (faq + tutorial{' + howto' if full else ''}), PyTorch fp32; "
                f"load {load_start[0]:.1f} -> {load_end[0]:.1f}")
    for way, (seconds, count, _space) in timed.items():
        report.add("measure", f"{way}_seconds", seconds, "s", f"measuring, {way} ({count} passages)")
    ratio = timed["all passages"][0] / max(1e-9, timed["candidates only"][0])
    report.add("measure", "speedup", ratio, "x", f"all passages / candidates only (pool {POOL} per query)")
    report.add("measure", "same_figures", "yes" if same else "NO", "", "held-out figures equal both ways")
    lib.close()
