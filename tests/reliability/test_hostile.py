"""Hostile files through the whole pipeline (Library.index): each ends indexed or skipped with a reason,
in both kinds of library."""

from __future__ import annotations

import builtins
import os
import shutil
from pathlib import Path

import pytest

from desktop.core.common.jobs import run_job
from desktop.core.indexing import job as pipeline
from desktop.core.indexing import plan as planning
from desktop.core.ingest import read as read_module
from desktop.core.library import Library
from tests.conftest import both_kinds
from tests.corpus import write_documents
from tests.reliability.hostile import write_hostile

pytestmark = both_kinds  # every case on a library folder and on a server library (PostgreSQL + pgvector)


def outcomes(lib: Library) -> dict[str, tuple[str, str]]:
    from sqlalchemy import select

    from desktop.core.catalog import FileRecord

    with lib.workspace.catalog.session() as session:
        rows = session.execute(select(FileRecord.path, FileRecord.status, FileRecord.reason)).all()
    return {path: (status, reason or "") for path, status, reason in rows}


def test_every_hostile_file_is_indexed_or_skipped_with_a_reason(clip_library: Library, tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    expected = write_hostile(folder)
    summary = run_job(clip_library.index([folder]))
    got = {os.path.relpath(p, folder): v for p, v in outcomes(clip_library).items()}
    report = "\n".join(f"{name!r:40} {got.get(name)}" for name in sorted(expected))
    print("\n" + report)
    assert set(got) == set(expected), report
    for name, (status, fragment) in expected.items():
        assert got[name][0] == status, f"{name}: {got[name]}"
        assert fragment.lower() in got[name][1].lower(), f"{name}: {got[name]}"
        if status == "skipped":
            assert got[name][1], f"{name} skipped without a reason"
    assert summary.indexed == sum(s == "indexed" for s, _ in expected.values())
    assert clip_library.search_documents("crème brûlée")[0].path.endswith("latin1.txt")
    assert clip_library.search_documents("Kaffee Kuchen")[0].path.endswith("utf16.txt")
    assert clip_library.search_documents("old lighthouse on the cliff")[0].path.endswith("late-nul.txt")
    beacon = clip_library.search_documents("keeper climbs the stairs at dusk")[0]
    assert beacon.path.endswith("nul-title.md") and "beacon" in beacon.title


def test_unreadable_file_is_skipped(library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root, so the PermissionError is simulated where the file is opened."""
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    secret = str(docs / "garden.txt")

    def guarded_open(path: object, *args: object, **kwargs: object) -> object:
        if os.fspath(path) == secret:  # type: ignore[arg-type]
            raise PermissionError(13, "Permission denied", secret)
        return builtins.open(path, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(read_module, "open", guarded_open, raising=False)
    summary = run_job(library.index([docs]))
    assert summary.indexed == 1
    assert outcomes(library)[secret] == ("skipped", "permission denied: the file could not be read")


def test_file_deleted_after_the_scan_is_skipped_then_forgotten(library: Library, tmp_path: Path, monkeypatch) -> None:
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    real = pipeline.select_work

    def delete_then_select(lib: Library, plan: planning.Plan) -> None:
        (docs / "garden.txt").unlink()  # gone between the scan and the read
        real(lib, plan)

    monkeypatch.setattr(pipeline, "select_work", delete_then_select)
    run_job(library.index([docs]))
    assert outcomes(library)[str(docs / "garden.txt")] == ("skipped", "file disappeared before it could be read")
    monkeypatch.undo()
    assert run_job(library.index()).removed == 1
    assert str(docs / "garden.txt") not in outcomes(library)


@pytest.mark.parametrize("times", [1, 5])
def test_file_rewritten_while_read(library: Library, tmp_path: Path, monkeypatch, times: int) -> None:
    """Once: read again and indexed as it is now. Always: skipped as 'kept changing'."""
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md", "garden.txt"])
    target = docs / "garden.txt"
    real = read_module._read_all
    writes = 0

    def racing_read(f, limit: int) -> bytes:  # type: ignore[no-untyped-def]
        nonlocal writes
        data = real(f, limit)
        if f.name == str(target) and writes < times:
            writes += 1
            with open(target, "a") as out:
                out.write(f"\nAppended while semdesk was reading it ({writes}).\n")
        return data

    monkeypatch.setattr(read_module, "_read_all", racing_read)
    run_job(library.index([docs]))
    status, reason = outcomes(library)[str(target)]
    if times == 1:
        assert status == "indexed"
        text = library.document_text(library.search_documents("tomato seedlings")[0].file_id)
        assert "Appended while semdesk was reading it (1)." in text  # the hash and text of one version
    else:
        assert (status, reason) == ("skipped", "file kept changing while it was being read")


def test_folder_removed_mid_scan(library: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = tmp_path / "docs"
    write_documents(docs / "a", ["bread.md"])
    write_documents(docs / "b", ["garden.txt", "taxes.rst"])
    real = planning.scan_folder

    def scan_then_remove(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        for n, item in enumerate(real(*args, **kwargs)):
            if n == 0:
                shutil.rmtree(docs / "b")  # the walker has not listed b yet
            yield item

    monkeypatch.setattr(planning, "scan_folder", scan_then_remove)
    summary = run_job(library.index([docs]))
    assert summary.indexed == 1 and set(outcomes(library)) == {str(docs / "a" / "bread.md")}


def test_root_folder_removed_before_the_scan(library: Library, tmp_path: Path) -> None:
    """An unplugged drive: its files are kept, and the run says why it could not look."""
    docs = tmp_path / "docs"
    write_documents(docs, ["bread.md"])
    run_job(library.index([docs]))
    shutil.rmtree(docs)
    summary = run_job(library.index())
    assert summary.removed == 0 and "folder not found" in summary.problems[0].reason
    assert outcomes(library)[str(docs / "bread.md")][0] == "indexed"
