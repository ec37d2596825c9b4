"""Damaged caches and a damaged catalog: detected, rebuilt or ignored with a message, never a crash."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.cli import main as cli_main
from desktop.core.catalog import ModelVersion
from desktop.core.common.errors import CatalogDamaged, SemdeskError
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.corpus import write_documents, write_photos
from tests.damage import garbage_header, overwrite_pages, truncate_catalog

# ---- HNSW caches -------------------------------------------------------------------------


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _garbage(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))  # right size, wrong bytes: the segfault case


@pytest.mark.parametrize("damage", [_truncate, _garbage], ids=["truncated", "garbage"])
def test_damaged_image_index_is_rebuilt(clip_library: Library, tmp_path: Path, damage: Callable) -> None:
    write_photos(tmp_path / "photos", 4)
    run_job(clip_library.index([tmp_path / "photos"]))
    want = [(h.path, round(h.score, 4)) for h in clip_library.search_photos("a red picture")]
    clip_library.close()
    damage(clip_library.path / "indexes" / "image.hnsw")
    with Library.open(clip_library.path) as lib:
        assert [(h.path, round(h.score, 4)) for h in lib.search_photos("a red picture")] == want
        assert lib.workspace.indexes.get("image").last_load == "rebuilt"


# ---- thumbnails --------------------------------------------------------------------------


def test_missing_thumbnail_dir_costs_nothing_and_comes_back(clip_library: Library, tmp_path: Path) -> None:
    write_photos(tmp_path / "photos", 3)
    run_job(clip_library.index([tmp_path / "photos"]))
    assert all(h.thumbnail for h in clip_library.search_photos("green"))
    shutil.rmtree(clip_library.path / "thumbs")  # while the library is open

    hits = clip_library.search_photos("green")
    assert len(hits) == 3 and all(h.thumbnail is None for h in hits)  # the window shows the original
    summary = run_job(clip_library.index())  # nothing changed, yet the thumbnails are made again
    assert summary.indexed == 0
    assert all(h.thumbnail and Path(h.thumbnail).is_file() for h in clip_library.search_photos("green"))


# ---- models --------------------------------------------------------------------------------


def _activate_fine_tuned(lib: Library, folder: Path) -> int:
    base = lib.workspace.versions.active_id("text")
    with lib.workspace.catalog.session() as session:
        session.get(ModelVersion, base).active = False
        row = ModelVersion(space="text", name="tuned", weights=str(folder), base_model=lib.get_setting("text_model"),
                           active=True)
        session.add(row)
        session.flush()
        return row.id


@pytest.mark.parametrize("state", ["half-written", "missing"])
def test_broken_fine_tuned_model_falls_back_to_the_base(library: Library, tmp_path: Path, state: str) -> None:
    write_documents(tmp_path / "docs", ["bread.md", "bicycle.txt"])
    run_job(library.index([tmp_path / "docs"]))
    base = library.workspace.versions.active_id("text")
    folder = library.workspace.paths.models / "text-20260101-000000"
    if state == "half-written":
        (folder / "0_Transformer").mkdir(parents=True)  # a save killed before config and weights
    tuned = _activate_fine_tuned(library, folder)

    with Library.open(library.path) as lib:
        hits = lib.search_documents("sourdough")
        assert hits and hits[0].path.endswith("bread.md")
        assert lib.workspace.versions.active_id("text") == base
        assert lib.model_notice and "missing or incomplete" in lib.model_notice and str(folder) in lib.model_notice
        assert run_job(lib.index()).indexed == 0  # the base model's vectors are still there
        with lib.workspace.catalog.session() as session:
            assert session.get(ModelVersion, tuned) is not None  # the version is kept, only inactive


def test_stray_model_folder_without_a_version_is_ignored(library: Library, tmp_path: Path) -> None:
    write_documents(tmp_path / "docs", ["bread.md"])
    run_job(library.index([tmp_path / "docs"]))
    (library.workspace.paths.models / "text-20260101-000000" / "0_Transformer").mkdir(parents=True)
    (library.workspace.paths.models / ".tune-abc").mkdir()  # a training run killed mid-save
    with Library.open(library.path) as lib:
        assert lib.search_documents("bread")
        with lib.workspace.catalog.session() as session:
            texts = session.scalars(select(ModelVersion).where(ModelVersion.space == "text")).all()
        assert [v.weights for v in texts] == [None]


# ---- the catalog ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "damage", [overwrite_pages, truncate_catalog, garbage_header], ids=["garbage-pages", "truncated", "header"]
)
def test_damaged_catalog_is_detected_and_rebuilt_with_marks(
    tmp_path: Path, damage: Callable, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    write_documents(docs)
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as lib:
        run_job(lib.index([docs]))
        lib.mark("bake bread", docs / "bread.md", True)
        lib.mark("bake bread", docs / "taxes.rst", False)
        # taxes.rst is rewritten below, so only the unchanged files must rank as before.
        want = [h.path for h in lib.search_documents("fix a bike chain") if not h.path.endswith("taxes.rst")]
    (docs / "taxes.rst").write_text("Rewritten since the mark: nothing about taxes any more.\n")
    catalog = lib_path / "catalog.sqlite"
    damage(catalog)

    with pytest.raises(CatalogDamaged, match="semdesk rebuild"):
        Library.open(lib_path)
    code = cli_main(["--library", str(lib_path), "status"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "damaged" in err and "semdesk rebuild" in err

    code = cli_main(["--library", str(lib_path), "rebuild"])
    out = capsys.readouterr().out
    assert code == 0 and "1 folders" in out and "2 marks restored" in out
    assert list(lib_path.glob("catalog.damaged-*.sqlite"))  # kept aside, never deleted
    with Library.open(lib_path) as lib:
        assert lib.workspace.catalog.integrity_problems() == []
        assert [f.path for f in lib.folders()] == [str(docs.resolve())]
        got = [h.path for h in lib.search_documents("fix a bike chain") if not h.path.endswith("taxes.rst")]
        assert got == want
        marks = {m.path.rsplit("/", 1)[1]: m for m in lib.marks()}
        assert marks["bread.md"].file_id is not None and marks["bread.md"].chunk_id is not None
        assert marks["taxes.rst"].file_id is None  # its file changed: kept, detached, never dropped
    with pytest.raises(SemdeskError, match="needs no rebuild"):
        Library.rebuild(lib_path)


def test_folder_list_comes_from_the_mirror_when_the_catalog_is_unreadable(tmp_path: Path) -> None:
    docs, more = tmp_path / "docs", tmp_path / "more"
    write_documents(docs, ["bread.md"])
    write_documents(more, ["garden.txt"])
    lib_path = tmp_path / "lib"
    with Library.open(lib_path) as lib:
        run_job(lib.index([docs, more]))
    (lib_path / "catalog.sqlite").write_bytes(b"not a database at all" * 100)
    lib, report = Library.rebuild(lib_path)
    job = lib.finish_rebuild()
    with lib:
        assert sorted(report.folders) == sorted([str(docs.resolve()), str(more.resolve())])
        assert run_job(job).indexed == 2
        assert not lib.workspace.write_lock.held
