from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.core.ingest import kinds, scan
from desktop.core.ingest.kinds import kind_of
from desktop.core.ingest.scan import ScanEntry, ScanProblem, scan_folder


def touch(path: Path, data: bytes = b"hello") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def entries(results: list[ScanEntry | ScanProblem]) -> list[str]:
    return [r.path for r in results if isinstance(r, ScanEntry)]


def rel(root: Path, results: list[ScanEntry | ScanProblem]) -> list[str]:
    return [os.path.relpath(p, root) for p in entries(results)]


def test_kind_of_is_case_insensitive() -> None:
    assert kind_of("a/B.TXT") == "text"
    assert kind_of(Path("photo.JPeG")) == "image"
    assert kind_of("x.heic") == "image"
    assert kind_of("notes.md") == kind_of("report.pdf") == kind_of("letter.docx") == "text"
    assert kind_of("archive.zip") is None
    assert kind_of("Makefile") is None
    assert not kinds.TEXT_SUFFIXES & kinds.IMAGE_SUFFIXES


def test_walks_sorted_and_keeps_only_known_kinds(tmp_path: Path) -> None:
    touch(tmp_path / "b.txt")
    touch(tmp_path / "a.md")
    touch(tmp_path / "sub" / "c.jpg")
    touch(tmp_path / "sub" / "deeper" / "d.pdf")
    touch(tmp_path / "skip.zip")
    results = list(scan_folder(tmp_path))
    assert rel(tmp_path, results) == ["a.md", "b.txt", "sub/c.jpg", "sub/deeper/d.pdf"]
    first = results[0]
    assert isinstance(first, ScanEntry) and first.kind == "text" and first.size == 5 and first.mtime > 0
    assert [r.kind for r in results if isinstance(r, ScanEntry)] == ["text", "text", "image", "text"]


def test_root_that_is_a_file(tmp_path: Path) -> None:
    f = touch(tmp_path / "one.txt")
    assert entries(list(scan_folder(f))) == [str(f)]
    assert list(scan_folder(touch(tmp_path / "x.bin"))) == []


def test_missing_root_raises(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        list(scan_folder(tmp_path / "nope"))


def test_hidden_files_and_dirs(tmp_path: Path) -> None:
    touch(tmp_path / ".secret.txt")
    touch(tmp_path / ".git" / "notes.md")
    touch(tmp_path / "seen.txt")
    assert rel(tmp_path, list(scan_folder(tmp_path))) == ["seen.txt"]
    assert sorted(rel(tmp_path, list(scan_folder(tmp_path, include_hidden=True)))) == [
        ".git/notes.md", ".secret.txt", "seen.txt"]


def test_exclude_by_name_dir_and_relative_path(tmp_path: Path) -> None:
    touch(tmp_path / "keep.txt")
    touch(tmp_path / "debug.log.txt")
    touch(tmp_path / "node_modules" / "pkg" / "readme.md")
    touch(tmp_path / "drafts" / "a.txt")
    touch(tmp_path / "drafts" / "deep" / "b.txt")
    touch(tmp_path / "other" / "drafts.txt")
    results = list(scan_folder(tmp_path, exclude=["*.log.txt", "node_modules/", "drafts/*"]))
    assert rel(tmp_path, results) == ["keep.txt", "other/drafts.txt"]


def test_skip_dirs_are_never_entered(tmp_path: Path) -> None:
    data_dir = tmp_path / "library-data"
    touch(data_dir / "thumbs" / "x.jpg")
    touch(tmp_path / "photo.jpg")
    os.symlink(data_dir / "thumbs", tmp_path / "link-into-data")
    assert rel(tmp_path, list(scan_folder(tmp_path, skip_dirs=[data_dir]))) == ["photo.jpg"]
    assert list(scan_folder(data_dir, skip_dirs=[data_dir])) == []
    assert list(scan_folder(data_dir / "thumbs", skip_dirs=[data_dir])) == []


def test_symlink_loop_ends(tmp_path: Path) -> None:
    touch(tmp_path / "a" / "x.txt")
    os.symlink(tmp_path, tmp_path / "a" / "loop")
    os.symlink(tmp_path / "a", tmp_path / "a" / "self")
    assert rel(tmp_path, list(scan_folder(tmp_path))) == ["a/x.txt"]


def test_self_referencing_link_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    os.symlink(tmp_path / "me.txt", tmp_path / "me.txt")
    [problem] = list(scan_folder(tmp_path))
    assert isinstance(problem, ScanProblem) and "loop" in problem.reason


def test_broken_symlink_is_reported_and_walk_goes_on(tmp_path: Path) -> None:
    os.symlink(tmp_path / "gone.txt", tmp_path / "a-broken.txt")
    touch(tmp_path / "b.txt")
    results = list(scan_folder(tmp_path))
    assert results[0] == ScanProblem(str(tmp_path / "a-broken.txt"), "broken link: its target does not exist")
    assert rel(tmp_path, results) == ["b.txt"]


def test_symlinks_outside_root_need_permission(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    touch(outside / "far.txt")
    touch(outside / "dir" / "farther.txt")
    touch(root / "inside" / "near.txt")
    os.symlink(outside / "far.txt", root / "far-link.txt")
    os.symlink(outside / "dir", root / "dir-link")
    os.symlink(root / "inside" / "near.txt", root / "near-link.txt")
    assert rel(root, list(scan_folder(root))) == ["near-link.txt", "inside/near.txt"]
    assert rel(root, list(scan_folder(root, follow_symlinks=True))) == [
        "far-link.txt", "near-link.txt", "dir-link/farther.txt", "inside/near.txt"]


def test_unreadable_dir_is_reported_and_walk_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "locked" / "secret.txt")
    touch(tmp_path / "open" / "fine.txt")
    real_scandir = os.scandir

    def scandir(path: str):  # type: ignore[no-untyped-def]
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return real_scandir(path)

    monkeypatch.setattr(scan.os, "scandir", scandir)
    results = list(scan_folder(tmp_path))
    assert ScanProblem(str(tmp_path / "locked"), "folder could not be read: permission denied") in results
    assert rel(tmp_path, results) == ["open/fine.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_really_unreadable_dir(tmp_path: Path) -> None:
    touch(tmp_path / "locked" / "secret.txt")
    (tmp_path / "locked").chmod(0)
    try:
        results = list(scan_folder(tmp_path))
    finally:
        (tmp_path / "locked").chmod(0o755)
    assert [type(r) for r in results] == [ScanProblem]


def test_dir_vanishing_mid_walk_is_skipped_quietly(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / "gone" / "b.txt")
    walk = scan_folder(tmp_path)
    first = next(walk)
    assert isinstance(first, ScanEntry)
    (tmp_path / "gone" / "b.txt").unlink()
    (tmp_path / "gone").rmdir()
    assert list(walk) == []


def test_non_utf8_file_name(tmp_path: Path) -> None:
    raw = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(raw, "wb") as f:
        f.write(b"hello")
    [entry] = list(scan_folder(tmp_path))
    assert isinstance(entry, ScanEntry)
    assert os.fsencode(entry.path) == raw
    assert entry.path.encode("utf-8", "surrogateescape") == raw


def test_fifo_is_not_listed(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    assert list(scan_folder(tmp_path)) == []
