"""Tuning on real data: Python FAQ documents (python3.11-doc) with marks from half the questions.

One module-scoped library is indexed once; each test that changes its active model puts the
base model back before it ends, so the tests do not depend on their order.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord
from desktop.core.common.errors import Cancelled, SemdeskError
from desktop.core.common.jobs import CancelToken, run_job
from desktop.core.common.locations import cache_root
from desktop.core.common.vector_codec import to_blob
from desktop.core.embed.encoder_choice import INT8
from desktop.core.embed.int8 import LOCAL_DIR, _cache_key
from desktop.core.library import Library
from desktop.core.tuning import TrainProgress, keep_job, rates, tune_job, use_base_job, versions
from desktop.core.tuning.evaluate import Space, evaluate_active
from desktop.core.tuning.examples import QueryMarks
from desktop.core.tuning.text_train import model_source
from desktop.core.workspace.versions import INT8_SUFFIX
from tests.conftest import PYTHON_FAQ, index
from tests.core.test_realdata import faq_questions

pytestmark = pytest.mark.realdata


def answer_chunk(lib: Library, question: str, file_name: str) -> int | None:
    """The passage under the question's heading: the one holding the question's text."""
    with lib.workspace.catalog.session() as session:
        rows = session.execute(
            select(Chunk.id, Chunk.text, FileRecord.path).join(FileRecord, FileRecord.id == Chunk.file_id)
            .where(Chunk.text.contains(question[:40])).order_by(Chunk.id)
        ).all()
    return next((cid for cid, _, path in rows if Path(path).name == file_name), None)


@pytest.fixture(scope="module")
def faq(tmp_path_factory: pytest.TempPathFactory) -> tuple[Library, list[QueryMarks]]:
    """The FAQ library with marks on half the questions; returns it and the other half, judged."""
    if not PYTHON_FAQ.is_dir():
        pytest.skip("Debian package python3.11-doc is not installed (apt-get install python3.11-doc)")
    lib = Library.open(tmp_path_factory.mktemp("faq-tune") / "lib")
    index(lib, PYTHON_FAQ)
    judged = []
    for question, file_name in faq_questions():
        chunk = answer_chunk(lib, question, file_name)
        if chunk is not None:
            judged.append(QueryMarks(question, (chunk,)))
    random.Random(5).shuffle(judged)
    marked, held_out = judged[: len(judged) // 2], judged[len(judged) // 2 :]
    with lib.workspace.catalog.session() as session:
        file_of = dict(session.execute(select(Chunk.id, Chunk.file_id)).all())
    for item in marked:
        lib.mark(item.query, file_of[item.positives[0]], True, chunk_id=item.positives[0])
        # Quotes in a question are an exact phrase to the query language; a wrong passage to mark is
        # looked for with the same words, unquoted.
        wrong = next(h for h in lib.search_documents(item.query.replace('"', " "), top=5)
                     if h.chunk_id != item.positives[0])
        lib.mark(item.query, wrong.file_id, False, chunk_id=wrong.chunk_id)
    yield lib, held_out
    lib.close()


def state_of(lib: Library) -> tuple:
    """What a failed run must not change: the active versions, the marks, the model folders."""
    marks = [(m.query, m.path, m.relevant, m.chunk_id) for m in lib.marks()]
    folders = sorted(p.name for p in (lib.workspace.paths.models).iterdir())
    active = lib.workspace.versions.active_text_model()[0]
    return [(v.id, v.active) for v in versions(lib.workspace)], marks, folders, active


def test_tuning_on_half_the_faq_raises_held_out_ndcg(faq: tuple[Library, list[QueryMarks]], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    lib, held_out = faq
    monkeypatch.setattr(rates, "_path", lambda: tmp_path / rates.RATES_FILE)  # no speeds recorded yet
    before = evaluate_active(lib.workspace, held_out)
    seen_loss = []
    candidate = run_job(tune_job(lib.workspace, "text"),
                        lambda p: seen_loss.append(p.loss) if isinstance(p, TrainProgress) else None)
    assert seen_loss and all(loss is not None for loss in seen_loss)
    assert candidate.folds == 1 and candidate.before.queries >= 3 and candidate.data_size > 0
    assert Path(candidate.folder, "model.safetensors").is_file()
    # text_int8 is on (the default): the kept model was measured as it will run, in int8, and its
    # int8 copy travels in its folder, so the first query after Keep does not wait for one.
    assert candidate.int8 and Path(candidate.folder, LOCAL_DIR, "done.json").is_file()
    # The run recorded its own speeds: the next estimate is made from them (issue 13, item 13).
    recorded = rates.rates_for("text", model_source(lib.workspace.versions.active_text_model()[0]), INT8)
    assert recorded.training_from == recorded.measuring_from == rates.MEASURED, recorded
    print(f"\nrecorded: {recorded.steps_per_second:.2f} steps/s, {recorded.passages_per_second:.1f} passages/s")
    # Keeping: the new version gets its own vectors; the old version's stay for a rollback.
    old_version = lib.workspace.versions.active_id("text")
    info = run_job(keep_job(lib.workspace, candidate))
    assert info.active and lib.workspace.versions.active_id("text") == info.id != old_version
    assert Path(info.path, "model.safetensors").is_file() and not Path(candidate.folder).exists()
    assert info.metrics["after"]["queries"] == candidate.after.queries and info.data_size == candidate.data_size
    after = evaluate_active(lib.workspace, held_out)
    print(f"\nFAQ tuning: {len(held_out)} held-out questions never marked; nDCG@10 {before.ndcg:.3f} -> "
          f"{after.ndcg:.3f}, MRR@10 {before.mrr:.3f} -> {after.mrr:.3f}, Recall@10 {before.recall:.3f} -> "
          f"{after.recall:.3f}; the run's own split ({candidate.after.queries} queries): nDCG@10 "
          f"{candidate.before.ndcg:.3f} -> {candidate.after.ndcg:.3f}, triplet accuracy "
          f"{candidate.before.triplet_accuracy:.2f} -> {candidate.after.triplet_accuracy:.2f}")
    assert after.ndcg > before.ndcg
    with lib.workspace.catalog.session() as session:
        counts = {v: len(session.scalars(select(ChunkVector.chunk_id).where(ChunkVector.model_version_id == v)).all())
                  for v in (old_version, info.id)}
    assert counts[old_version] == counts[info.id] > 0
    with lib.workspace.catalog.session() as session:  # Keep stored the measured int8 vectors, nothing re-encoded
        stored = dict(session.execute(select(ChunkVector.chunk_id, ChunkVector.vector)
                                      .where(ChunkVector.model_version_id == info.id)).all())
    measured = candidate.vectors
    assert all(stored[int(i)] == to_blob(v) for i, v in zip(measured.ids, measured.vectors, strict=True))
    encoder = lib.workspace.encoders.query()
    assert encoder.int8 and encoder.name == info.path and info.label.endswith(INT8_SUFFIX)
    encoder.encode_query("loaded from the copy in the model's folder, not made again in the cache")
    assert not (cache_root() / "int8" / _cache_key(info.path)).exists()
    # Search answers with the tuned model (its index was rebuilt for the new version).
    assert lib.search_documents(held_out[0].query, top=3)
    # Rollback to the base: immediate (its vectors were kept) and exactly the old ranking again.
    run_job(use_base_job(lib.workspace, "text"))
    assert lib.workspace.versions.active_id("text") == old_version
    assert evaluate_active(lib.workspace, held_out) == before
    # ...and forward again to the tuned version by its id.
    from desktop.core.tuning import activate_job

    run_job(activate_job(lib.workspace, info.id))
    assert evaluate_active(lib.workspace, held_out) == after
    run_job(use_base_job(lib.workspace, "text"))


def test_training_crash_leaves_everything_as_it_was(faq, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _ = faq
    before = state_of(lib)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated crash inside the trainer")

    monkeypatch.setattr("sentence_transformers.SentenceTransformerTrainer.train", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        run_job(tune_job(lib.workspace, "text"))
    assert state_of(lib) == before


def test_full_disk_while_saving_changes_nothing(faq, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _ = faq
    before = state_of(lib)

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # This test is about saving: really training and measuring would only cost time.
    def no_training(*args: object, **kwargs: object) -> Iterator[object]:
        yield from ()

    def no_measuring(encoder: Any, ids: np.ndarray, *args: object) -> Iterator[object]:
        yield from ()
        return Space(ids, np.zeros((len(ids), encoder.dim), np.float32))

    monkeypatch.setattr("desktop.core.tuning.text_job.train_text", no_training)
    monkeypatch.setattr("desktop.core.tuning.text_job.encode_space", no_measuring)
    monkeypatch.setattr("sentence_transformers.SentenceTransformer.save", full)
    with pytest.raises(SemdeskError, match="disk is full"):
        run_job(tune_job(lib.workspace, "text"))
    assert state_of(lib) == before


def test_cancel_during_training_changes_nothing(faq) -> None:
    lib, _ = faq
    before = state_of(lib)
    cancel = CancelToken()
    job = tune_job(lib.workspace, "text", cancel=cancel)
    with pytest.raises(Cancelled):
        for progress in job:
            if isinstance(progress, TrainProgress):
                cancel.cancel()
    assert state_of(lib) == before
