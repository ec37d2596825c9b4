"""Issue 24: a query of operators alone lists everything they allow, and the command line lists
the same files the window's searches do (one rule in the core: retrieval.constraints.lists)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.library import Library
from tests.corpus import write_documents, write_photos


def cli_paths(capsys: pytest.CaptureFixture[str], library: str, query: str) -> set[str]:
    code = main(["--library", library, "search", query, "--top", "50", "--json"])
    out, _ = capsys.readouterr()
    assert code == 0
    return {hit["path"] for hit in json.loads(out)}


def test_operators_alone_list_what_they_allow_in_the_cli_and_the_window(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    library = str(tmp_path / "lib")
    assert main(["--library", library, "config", "ocr", "off"]) == 0
    photos = write_photos(tmp_path / "pics", count=5)
    docs = write_documents(tmp_path / "docs", ["bread.md", "bicycle.txt", "garden.txt"])
    in_2023 = time.mktime((2023, 6, 1, 12, 0, 0, 0, 0, -1))
    os.utime(photos[2], (in_2023, in_2023))
    assert main(["--library", library, "index", str(tmp_path / "pics"), str(tmp_path / "docs")]) == 0
    capsys.readouterr()

    every_photo = {str(p) for p in photos}
    every_document = {str(p) for p in docs.values()}
    assert cli_paths(capsys, library, "kind:photo") == every_photo  # no photo model: still listed, by name
    assert cli_paths(capsys, library, "kind:document") == every_document
    assert cli_paths(capsys, library, "kind:photo year:2023") == {str(photos[2])}
    assert cli_paths(capsys, library, "year:2023") == {str(photos[2])}

    # The window asks the facade for each tab; it gets the same files.
    opened = Library.open(tmp_path / "lib")
    try:
        for query, documents, photos_listed in (("kind:photo", set(), every_photo),
                                                ("kind:document", every_document, set()),
                                                ("kind:photo year:2023", set(), {str(photos[2])})):
            assert {h.path for h in opened.search_documents(query, top=50)} == documents, query
            assert {h.path for h in opened.search_photos(query, top=50)} == photos_listed, query
    finally:
        opened.close()
