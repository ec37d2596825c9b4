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


def bench_tune(report: Any, work: Path, faq: Path, index_folder: Callable[[Any, Path], Any],
               faq_judgements: Callable[[Any], list[tuple[str, set[int]]]]) -> None:
    from sqlalchemy import select

    from desktop.core.catalog import Chunk
    from desktop.core.common.jobs import run_job
    from desktop.core.library import Library
    from desktop.core.tuning import keep_job, tune_job
    from desktop.core.tuning.evaluate import evaluate_active
    from desktop.core.tuning.examples import QueryMarks

    lib = Library.open(work / "faq-tune-lib")
    index_folder(lib, faq)
    judged = [QueryMarks(q, tuple(sorted(chunks))) for q, chunks in faq_judgements(lib)]
    random.Random(5).shuffle(judged)
    marked, held_out = judged[: len(judged) // 2], judged[len(judged) // 2 :]
    with lib.workspace.catalog.session() as session:
        file_of = dict(session.execute(select(Chunk.id, Chunk.file_id)).all())
    for item in marked:
        answer = item.positives[0]  # the chunk where the answer section starts
        lib.mark(item.query, file_of[answer], True, chunk_id=answer)
        wrong = next(h for h in lib.search_documents(item.query, top=5) if h.chunk_id not in item.positives)
        lib.mark(item.query, wrong.file_id, False, chunk_id=wrong.chunk_id)
    before = evaluate_active(lib, held_out)
    t0 = time.perf_counter()
    candidate = run_job(tune_job(lib, "text"))
    trained = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_job(keep_job(lib, candidate))
    kept = time.perf_counter() - t0
    after = evaluate_active(lib, held_out)
    report.note("tune", f"{len(marked)} FAQ questions marked (answer right, a wrong top hit wrong); measured on the "
                f"other {len(held_out)}, never marked; 1 epoch, batch 16, lr 5e-5")
    for name, figures in (("before", before), ("after", after)):
        text = f"ndcg@10 {figures.ndcg:.3f}  mrr@10 {figures.mrr:.3f}  r@10 {figures.recall:.3f}"
        report.data.setdefault("tune", {})[name] = figures.to_json()
        report.rows.append(("tune", f"{name:<8}", text))
        print(f"  tune      {name:<8} {text}", flush=True)
    report.add("tune", "train_seconds", trained, "s", "tune: train + measure on the whole library")
    report.add("tune", "keep_seconds", kept, "s", "keep: re-embed every passage + swap")
    lib.close()
