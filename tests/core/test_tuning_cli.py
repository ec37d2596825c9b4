"""`semdesk tune` and `semdesk models` on a small generated library (fast: a handful of passages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.core.embed.int8 import LOCAL_DIR
from desktop.core.library import Library
from desktop.core.workspace.versions import INT8_SUFFIX
from tests.conftest import both_kinds, index, library_address
from tests.corpus import write_documents

MARKS = [  # (query, right document, wrong document)
    ("how do I bake a loaf", "bread.md", "garden.txt"),
    ("my chain keeps slipping", "bicycle.txt", "python.md"),
    ("when is the income tax due", "taxes.rst", "astronomy.html"),
]


def _marked(library: Library, tmp_path: Path) -> Library:
    docs = write_documents(tmp_path / "docs")
    index(library, tmp_path / "docs")
    for query, right, wrong in MARKS:
        library.mark(query, docs[right], True)
        library.mark(query, docs[wrong], False)
    return library


@pytest.fixture
def marked(library: Library, tmp_path: Path) -> Library:
    return _marked(library, tmp_path)


@pytest.fixture
def marked_full(library: Library, tmp_path: Path) -> Library:
    """At full precision (text_int8 off) from the start: no int8 copy to make for each run (about 18 s
    here); the int8 copy of a kept model is tested in test_a_tuned_model_follows_the_int8_setting."""
    library.set_setting("text_int8", False)
    return _marked(library, tmp_path)


def models_folder(lib: Library) -> list[str]:
    return sorted(p.name for p in (lib.workspace.paths.models).iterdir())


def test_tune_without_keep_discards_and_with_keep_switches(marked_full: Library,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    marked = marked_full
    where = ["--library", library_address(marked)]
    base = marked.workspace.versions.active_id("text")
    assert main([*where, "tune", "--epochs", "1"]) == 0
    out = capsys.readouterr().out
    assert "Tested on 3 marked searches each left out of training in turn (3 rounds)" in out
    assert "nDCG@10" in out and "was not kept" in out
    assert models_folder(marked) == [] and marked.workspace.versions.active_id("text") == base

    assert main([*where, "tune", "--epochs", "1", "--keep", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["folds"] == 3 and report["after"]["queries"] == 3 and report["kept"]["active"]
    assert report["data_size"] == 3 and len(report["losses"]) == 4  # 3 rounds of 1 step, then the final one
    tuned = report["kept"]["id"]
    assert marked.workspace.versions.active_id("text") == tuned
    assert not report["int8"] and not Path(report["kept"]["path"], LOCAL_DIR).exists()
    assert not marked.workspace.encoders.query().int8

    assert main([*where, "models", "--json"]) == 0
    listed = {v["id"]: v for v in json.loads(capsys.readouterr().out)["versions"]}
    assert listed[tuned]["active"] and not listed[base]["active"]
    assert listed[tuned]["metrics"]["after"]["queries"] == 3 and listed[tuned]["base_model"] == "all-MiniLM-L6-v2"

    assert main([*where, "models", "--use", "base"]) == 0
    assert "* " in capsys.readouterr().out
    assert marked.workspace.versions.active_id("text") == base
    assert main([*where, "models", "--use", str(tuned)]) == 0
    capsys.readouterr()
    assert marked.workspace.versions.active_id("text") == tuned


@both_kinds
def test_models_use_unknown_version_and_too_few_marks(library: Library, capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--library", library_address(library)]
    assert main([*where, "models", "--use", "999999"]) == 1
    assert "no model version 999999" in capsys.readouterr().err
    assert main([*where, "models", "--use", "newest"]) == 1
    assert "not a version id" in capsys.readouterr().err
    assert main([*where, "tune"]) == 1
    assert "at least 2 different searches" in capsys.readouterr().err


def test_a_tuned_model_follows_the_int8_setting(marked: Library, capsys: pytest.CaptureFixture[str]) -> None:
    where = ["--library", str(marked.path)]
    assert main([*where, "tune", "--epochs", "1", "--keep", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    kept = report["kept"]
    # k-fold rounds are measured at full precision; the model kept runs in int8 from its own copy.
    assert report["int8"] and Path(kept["path"], LOCAL_DIR, "done.json").is_file()
    assert marked.workspace.encoders.query().int8
    query = MARKS[0][0]
    int8_top = [h.file_id for h in marked.search_documents(query, top=3)]

    marked.set_setting("text_int8", False)  # the same tuned model, at full precision: a version of its own
    full = marked.workspace.versions.active_id("text")
    assert full != kept["id"]
    ws = marked.workspace
    assert not ws.encoders.query().int8 and ws.versions.active_text_model()[0] == kept["path"]
    assert main([*where, "index", "--json"]) == 0  # re-embeds every passage with it
    capsys.readouterr()
    assert [h.file_id for h in marked.search_documents(query, top=3)][:1] == int8_top[:1]
    assert main([*where, "models", "--json"]) == 0
    labels = {v["id"]: v["label"] for v in json.loads(capsys.readouterr().out)["versions"]}
    assert labels[kept["id"]] == labels[full] + INT8_SUFFIX

    marked.set_setting("text_int8", True)  # back to the int8 version, whose vectors are still there
    assert marked.workspace.versions.active_id("text") == kept["id"] and marked.workspace.encoders.query().int8


def test_an_int8_copy_that_cannot_be_made_changes_nothing(marked: Library, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.core.common.errors import ModelUnavailable
    from desktop.core.tuning import text_job

    def refuse(*_: object) -> None:
        raise ModelUnavailable("The fast int8 copy of the text model could not be made (boom). "
                               "Turn off the text_int8 setting to run it at full precision.")

    monkeypatch.setattr(text_job, "make_int8_copy", refuse)
    before = (marked.workspace.versions.active_id("text"), [(m.query, m.relevant) for m in marked.marks()])
    assert main(["--library", str(marked.path), "tune", "--epochs", "1", "--keep"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("semdesk: The fast int8 copy of the text model could not be made")
    assert "Turn off the text_int8 setting" in err and "Traceback" not in err
    assert (marked.workspace.versions.active_id("text"), [(m.query, m.relevant) for m in marked.marks()]) == before
    assert models_folder(marked) == []
