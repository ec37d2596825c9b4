"""HnswIndex: HNSW caches that always end up agreeing with the vectors in the catalog."""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import hnswlib
import numpy as np
import pytest

from desktop.core.catalog import Catalog, IndexState
from desktop.core.catalog.vector_rows import IndexStamps, VectorSource
from desktop.core.common import atomic
from desktop.core.common.vector_codec import from_blob, normalise, stack_blobs, to_blob
from desktop.core.vectors import HnswIndex, hnswfile
from desktop.core.vectors import hnsw_index as store

DIM = 32
MV = 1


# -- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def catalog(tmp_path: Path):
    cat = Catalog(tmp_path / "catalog.sqlite")
    yield cat
    cat.dispose()


def random_vectors(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    return normalise(np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32))


def seed_rows(catalog: Catalog, space: str, ids, vectors: np.ndarray, mv: int = MV) -> None:
    """Insert vectors plus the minimal parent rows their foreign keys need (folder, files, chunks)."""
    ids = [int(i) for i in ids]
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql("INSERT OR IGNORE INTO folders (id, path, added_at) VALUES (1, x'2f64', 0)")
        file_ids = ids if space == "image" else [1]
        conn.exec_driver_sql(
            "INSERT OR IGNORE INTO files (id, folder_id, path, kind, size, mtime, status) "
            "VALUES (?, 1, ?, 'image', 1, 0, 'indexed')",
            [(f, f"/d/{f}".encode()) for f in file_ids],
        )
        if space == "text":
            conn.exec_driver_sql(
                'INSERT OR IGNORE INTO chunks (id, file_id, seq, start, "end", text) '
                "VALUES (?, 1, 0, 0, 1, ?)",
                [(i, f"chunk {i}") for i in ids],
            )
        table, column = ("photo_vectors", "file_id") if space == "image" else ("chunk_vectors", "chunk_id")
        conn.exec_driver_sql(
            f"INSERT OR REPLACE INTO {table} ({column}, model_version_id, vector) VALUES (?, ?, ?)",
            [(i, mv, to_blob(v)) for i, v in zip(ids, vectors, strict=True)],
        )


def delete_rows(catalog: Catalog, ids, space: str = "text") -> None:
    table, column = ("photo_vectors", "file_id") if space == "image" else ("chunk_vectors", "chunk_id")
    with catalog.engine.begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE {column} = ?", [(int(i),) for i in ids])


def stamp(catalog: Catalog, space: str = "text") -> IndexState | None:
    with catalog.session() as session:
        return session.get(IndexState, space)


def make(catalog: Catalog, tmp_path: Path, space: str = "text", **kw) -> HnswIndex:
    rows, stamps = VectorSource(catalog, space), IndexStamps(catalog)
    return HnswIndex(rows, stamps, space, tmp_path / "indexes", ef_construction=100, threads=2, **kw)


@pytest.fixture
def built(catalog: Catalog, tmp_path: Path):
    """A saved 'text' index over 300 vectors with labels 1..300."""
    vecs = random_vectors(300)
    seed_rows(catalog, "text", range(1, 301), vecs)
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    index.save()
    return index, vecs


class LoadSpy(hnswlib.Index):
    """Records whether hnswlib was ever handed a file to load."""

    loads = 0

    def load_index(self, *args, **kwargs):
        LoadSpy.loads += 1
        return super().load_index(*args, **kwargs)


@pytest.fixture
def load_spy(monkeypatch):
    LoadSpy.loads = 0
    monkeypatch.setattr(store.hnswlib, "Index", LoadSpy)
    return LoadSpy


def labels_of(hits) -> list[int]:
    return [label for label, _ in hits]


# -- codec ------------------------------------------------------------------------------------


def test_codec_round_trip_and_stack():
    vecs = random_vectors(5, 8)
    blobs = [to_blob(v) for v in vecs]
    assert len(blobs[0]) == 8 * 4
    np.testing.assert_array_equal(from_blob(blobs[2], 8), vecs[2])
    np.testing.assert_array_equal(stack_blobs(blobs, 8), vecs)
    with pytest.raises(ValueError):
        from_blob(blobs[0], 9)
    with pytest.raises(ValueError):
        stack_blobs([*blobs, b"\0\0\0\0"], 8)
    assert stack_blobs([], 8).shape == (0, 8)


# -- building and querying --------------------------------------------------------------------


@pytest.mark.parametrize("space", ["text", "image"])
def test_build_and_query_finds_the_exact_nearest(catalog, tmp_path, space):
    vecs = random_vectors(200, seed=1)
    seed_rows(catalog, space, range(10, 210), vecs)
    index = make(catalog, tmp_path, space)
    index.ensure(MV, DIM)
    assert index.last_load == "rebuilt" and index.count == 200
    assert (index.dim, index.model_version_id) == (DIM, MV)
    hits = index.query(vecs[42], 5)
    assert hits[0][0] == 52 and hits[0][1] == pytest.approx(1.0, abs=1e-5)
    assert labels_of(hits) == labels_of(index.exact(vecs[42], 5))
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_recall_at_10_against_exact(catalog, tmp_path):
    dim = 64
    vecs = random_vectors(5000, dim, seed=2)
    seed_rows(catalog, "image", range(1, 5001), vecs)
    index = make(catalog, tmp_path, "image")
    index.ensure(MV, dim)
    queries = random_vectors(50, dim, seed=3)
    found = sum(
        len(set(labels_of(index.query(q, 10))) & set(labels_of(index.exact(q, 10)))) for q in queries
    )
    assert found / (10 * len(queries)) >= 0.98


def test_k_larger_than_count_and_empty_index(catalog, tmp_path):
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    assert index.count == 0 and index.query(random_vectors(1)[0], 10) == []
    seed_rows(catalog, "text", [1, 2, 3], random_vectors(3))
    index.ensure(MV, DIM)
    assert sorted(labels_of(index.query(random_vectors(1, seed=9)[0], 50))) == [1, 2, 3]
    assert index.query(random_vectors(1)[0], 0) == []


def test_query_before_ensure_is_empty(catalog, tmp_path):
    index = make(catalog, tmp_path)
    assert index.query(random_vectors(1)[0], 3) == [] and index.exact(random_vectors(1)[0], 3) == []
    index.add([1], random_vectors(1))  # ignored: nothing loaded, the catalog will be read on ensure()
    assert index.count == 0


@pytest.mark.parametrize("size", [50, 2500])  # exact path and graph-filter path
def test_allowed_restricts_results(catalog, tmp_path, size):
    vecs = random_vectors(4000, seed=4)
    seed_rows(catalog, "text", range(1, 4001), vecs)
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    allowed = set(range(1, 4001, 4000 // size)) | {99_999}  # a label the index never had
    q = random_vectors(1, seed=5)[0]
    hits = index.query(q, 10, allowed=allowed)
    assert len(hits) == 10 and set(labels_of(hits)) <= allowed
    exact = index.exact(q, 10, allowed=allowed)
    assert len(set(labels_of(hits)) & set(labels_of(exact))) >= 9
    assert index.query(q, 10, allowed=set()) == [] and index.query(q, 10, allowed={99_999}) == []
    assert labels_of(index.query(q, 10, allowed={7})) == [7]


def test_graph_walk_failure_falls_back_to_exact(catalog, tmp_path, monkeypatch):
    class Failing(hnswlib.Index):
        def knn_query(self, *args, **kwargs):
            raise RuntimeError("Cannot return the results in a contiguous 2D array")

    monkeypatch.setattr(store.hnswlib, "Index", Failing)
    vecs = random_vectors(100, seed=14)
    seed_rows(catalog, "text", range(1, 101), vecs)
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    index.remove([1])  # removed from the index but still in the catalog: must stay hidden
    truth = index.exact(vecs[9], 3, allowed=set(range(2, 101)))
    assert labels_of(index.query(vecs[9], 3)) == labels_of(truth)
    hits = index.query(vecs[0], 3)
    assert 1 not in labels_of(hits) and len(hits) == 3
    assert labels_of(index.query(vecs[5], 1)) == [6]


# -- loading, stamps and damaged files --------------------------------------------------------


def test_saved_index_is_loaded_not_rebuilt(built, catalog, tmp_path, load_spy):
    index, vecs = built
    row = stamp(catalog)
    assert (row.model_version_id, row.dim, row.count, row.file_name) == (MV, DIM, 300, "text.hnsw")
    assert row.sha256 == hnswfile.sha256_file(index.path)
    again = make(catalog, tmp_path)
    again.ensure(MV, DIM)
    assert again.last_load == "loaded" and load_spy.loads == 1 and again.count == 300
    assert again.query(vecs[7], 3) == index.query(vecs[7], 3)
    again.ensure(MV, DIM)
    assert again.last_load == "current"
    mtime = index.path.stat().st_mtime_ns
    again.save()  # nothing changed since loading: no write
    assert index.path.stat().st_mtime_ns == mtime


def damage_truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def damage_garbage(path: Path) -> None:
    path.write_bytes(np.random.default_rng(0).bytes(path.stat().st_size))


@pytest.mark.parametrize("damage", [damage_truncate, damage_garbage, Path.unlink])
def test_damaged_or_missing_file_is_rebuilt_never_loaded(built, catalog, tmp_path, load_spy, damage):
    index, vecs = built
    damage(index.path)
    again = make(catalog, tmp_path)
    again.ensure(MV, DIM)
    assert again.last_load == "rebuilt" and load_spy.loads == 0
    assert again.query(vecs[0], 1)[0][0] == 1
    again.save()
    assert stamp(catalog).sha256 == hnswfile.sha256_file(again.path)


def test_stamp_for_other_dimension_or_model_is_rebuilt(built, catalog, tmp_path, load_spy):
    with catalog.session() as session:
        session.get(IndexState, "text").dim = 16
    again = make(catalog, tmp_path)
    again.ensure(MV, DIM)
    assert again.last_load == "rebuilt" and load_spy.loads == 0

    seed_rows(catalog, "text", [1, 2], random_vectors(2, seed=6), mv=2)
    other = make(catalog, tmp_path)
    other.ensure(2, DIM)  # the saved file is model 1's
    assert other.last_load == "rebuilt" and other.count == 2


def test_stamp_that_lies_about_dimension_is_caught_by_the_header(built, catalog, tmp_path, load_spy):
    # Hash matches, stamp says 16-d, but the file holds 32-d vectors: hnswlib would load it silently.
    with catalog.session() as session:
        session.get(IndexState, "text").dim = 16
    again = make(catalog, tmp_path)
    again.ensure(MV, 16)
    assert again.last_load == "rebuilt" and load_spy.loads == 0
    assert again.count == 0  # every blob in the catalog is 32-d: skipped, not misread


# -- staying in step with the catalog ---------------------------------------------------------


def test_rows_added_and_deleted_behind_its_back_are_reconciled(built, catalog, tmp_path):
    index, vecs = built
    new = random_vectors(20, seed=7)
    seed_rows(catalog, "text", range(301, 321), new)
    delete_rows(catalog, range(1, 11))
    index.ensure(MV, DIM)
    assert index.last_load == "current" and index.count == 310
    assert index.query(new[3], 1)[0][0] == 304
    assert 5 not in labels_of(index.query(vecs[4], 20))
    # The same holds for an index loaded from a file older than the catalog.
    fresh = make(catalog, tmp_path)
    fresh.ensure(MV, DIM)
    assert fresh.last_load == "loaded" and fresh.count == 310
    assert fresh.query(new[3], 1)[0][0] == 304


def test_removed_items_are_never_returned(built):
    index, vecs = built
    index.remove([1, 2, 3, 123_456])  # unknown labels are ignored
    assert index.count == 297
    for i in range(3):
        assert not {1, 2, 3} & set(labels_of(index.query(vecs[i], 300)))
    assert not {1, 2, 3} & set(labels_of(index.query(vecs[0], 10, allowed={1, 2, 3, 4})))
    index.remove([1])  # twice is fine


def test_saved_deletions_stay_deleted_after_load(built, catalog, tmp_path):
    index, vecs = built
    delete_rows(catalog, [5, 6])
    index.remove([5, 6])
    index.save()
    again = make(catalog, tmp_path)
    again.ensure(MV, DIM)
    assert again.last_load == "loaded" and again.count == 298
    assert not {5, 6} & set(labels_of(again.query(vecs[4], 300)))


def test_many_deletions_trigger_a_rebuild(built, catalog):
    index, vecs = built
    delete_rows(catalog, range(1, 81))  # 80 of 300 behind its back: > 20%
    index.ensure(MV, DIM)
    assert index.last_load == "rebuilt" and index.count == 220
    delete_rows(catalog, range(81, 141))
    index.remove(range(81, 141))  # 60 of 220 through remove(): rebuilt at the next ensure()
    index.ensure(MV, DIM)
    assert index.last_load == "rebuilt" and index.count == 160
    assert index.query(vecs[200], 1)[0][0] == 201


def test_add_after_commit_keeps_ensure_cheap(built, catalog, monkeypatch):
    index, _ = built
    new = random_vectors(10, seed=8)
    seed_rows(catalog, "text", range(301, 311), new)  # the indexer commits, then tells the index
    index.add(np.arange(301, 311), new)
    calls = []
    monkeypatch.setattr(VectorSource, "ids", lambda self, mv: calls.append(mv))
    index.ensure(MV, DIM)
    assert index.last_load == "current" and calls == []  # no label-set comparison needed
    assert index.query(new[0], 1)[0][0] == 301 and index.count == 310


def test_add_before_commit_is_reconciled_later(built, catalog):
    index, _ = built
    new = random_vectors(5, seed=10)
    index.add(np.arange(301, 306), new)  # not (yet) in the catalog
    delete_rows(catalog, [1])
    index.ensure(MV, DIM)
    assert index.count == 299  # the catalog is the truth: 301..305 are not in it, 1 is gone


def test_add_growing_past_capacity_and_updating(catalog, tmp_path):
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    vecs = random_vectors(3000, seed=11)
    seed_rows(catalog, "text", range(1, 3001), vecs)
    for start in range(0, 3000, 500):
        index.add(np.arange(start + 1, start + 501), vecs[start : start + 500])
    assert index.count == 3000 and index.query(vecs[2999], 1)[0][0] == 3000
    index.add([3000], vecs[:1])  # same label, new vector: updated, not duplicated
    assert index.count == 3000 and index.query(vecs[0], 2)[1][0] in {1, 3000}
    with pytest.raises(ValueError):
        index.add([1], random_vectors(1, dim=8))
    index.add([1], vecs[:1], model_version_id=99)  # another model's vectors: ignored


# -- saving -----------------------------------------------------------------------------------


def test_failed_save_leaves_previous_file_and_stamp(built, catalog, tmp_path, monkeypatch):
    index, _ = built
    before_stamp = stamp(catalog)
    before_bytes = index.path.read_bytes()
    seed_rows(catalog, "text", [301], random_vectors(1, seed=12))
    index.add([301], random_vectors(1, seed=12))

    def disk_full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", disk_full)
    with pytest.raises(OSError) as info:
        index.save()
    assert info.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert sorted(os.listdir(index.directory)) == ["text.hnsw"]  # temp file removed
    assert index.path.read_bytes() == before_bytes
    after = stamp(catalog)
    assert (after.sha256, after.count) == (before_stamp.sha256, before_stamp.count)
    again = make(catalog, tmp_path)
    again.ensure(MV, DIM)
    assert again.last_load == "loaded" and again.count == 301  # file loads; catalog row reconciled
    index.save()  # still dirty: the retry goes through
    assert stamp(catalog).count == 301


def test_failed_write_of_temp_file(built, catalog):
    index, _ = built
    before = stamp(catalog).sha256
    index.remove([1])

    def failing_write(path):
        Path(path).write_bytes(b"partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError):
        hnswfile.write_atomically(index.path, failing_write)
    assert sorted(os.listdir(index.directory)) == ["text.hnsw"]
    assert hnswfile.sha256_file(index.path) == before


# -- threads ----------------------------------------------------------------------------------


def test_queries_while_adding(catalog, tmp_path):
    vecs = random_vectors(2000, seed=13)
    seed_rows(catalog, "text", range(1, 1001), vecs[:1000])
    index = make(catalog, tmp_path)
    index.ensure(MV, DIM)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                assert index.query(vecs[0], 5)[0][0] == 1
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for t in threads:
        t.start()
    for start in range(1000, 2000, 100):
        index.add(np.arange(start + 1, start + 101), vecs[start : start + 100])
    stop.set()
    for t in threads:
        t.join()
    assert not errors and index.count == 2000
