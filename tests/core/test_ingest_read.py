from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pytest

from desktop.core.common.errors import SkipFile
from desktop.core.ingest import read
from desktop.core.ingest.read import content_hash, read_stable


def test_reads_bytes_and_stat(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello world")
    data, st = read_stable(str(path), max_bytes=1024)
    assert data == b"hello world"
    assert st.st_size == 11


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * 1024 * 1024))
    with pytest.raises(SkipFile) as info:
        read_stable(str(path), max_bytes=2 * 1024 * 1024)
    assert info.value.reason == "file is too large (3 MB; the limit is 2 MB)"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(SkipFile, match="empty file"):
        read_stable(str(path), max_bytes=100)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="disappeared"):
        read_stable(str(tmp_path / "gone.txt"), max_bytes=100)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SkipFile, match="folder"):
        read_stable(str(tmp_path), max_bytes=100)


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("builtins.open", deny)
    with pytest.raises(SkipFile, match="permission denied"):
        read_stable(str(tmp_path / "x.txt"), max_bytes=100)


def test_other_os_error_in_plain_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")

    def broken(f: BinaryIO, limit: int) -> bytes:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(read, "_read_all", broken)
    with pytest.raises(SkipFile) as info:
        read_stable(str(path), max_bytes=100)
    assert info.value.reason == "the file could not be read: input/output error"


def test_file_changing_once_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"first")
    calls = []
    real = read._read_all

    def racing(f: BinaryIO, limit: int) -> bytes:
        data = real(f, limit)
        if not calls:
            with open(path, "ab") as writer:  # a writer appends while we read
                writer.write(b" second")
        calls.append(1)
        return data

    monkeypatch.setattr(read, "_read_all", racing)
    data, st = read_stable(str(path), max_bytes=100)
    assert data == b"first second" and st.st_size == len(data) and len(calls) == 2


def test_file_that_keeps_changing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "log.txt"
    path.write_bytes(b"start")
    real = read._read_all

    def racing(f: BinaryIO, limit: int) -> bytes:
        data = real(f, limit)
        with open(path, "ab") as writer:
            writer.write(b" more")
        return data

    monkeypatch.setattr(read, "_read_all", racing)
    with pytest.raises(SkipFile, match="kept changing"):
        read_stable(str(path), max_bytes=1000)


def test_file_vanishing_before_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "temp.txt"
    path.write_bytes(b"soon gone")
    real_open = open

    def vanish_then_open(file: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if file == str(path):
            os.unlink(path)
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", vanish_then_open)
    with pytest.raises(SkipFile, match="disappeared"):
        read_stable(str(path), max_bytes=100)


def test_content_hash() -> None:
    h = content_hash(b"abc")
    assert len(h) == 64 and int(h, 16) >= 0
    assert h == content_hash(b"abc") != content_hash(b"abd")
