"""`semdesk library copy` between a folder and a server (marks and model versions included, checked),
and one server library seen from two desktops that mount its folders at different paths."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import update

from desktop.cli import main
from desktop.core.catalog import ModelVersion
from desktop.core.library import Library
from desktop.core.tuning.versions import install, versions
from tests.conftest import index
from tests.corpus import write_documents


def _state(lib: Library) -> tuple:
    marks = sorted((m.query, Path(m.path).name, m.relevant) for m in lib.marks())
    models = sorted((v.space, v.base_model or "", Path(v.path).name if v.path else "") for v in versions(lib.workspace))
    tops = [Path(lib.search_documents(q, top=1)[0].path).name for q in ("fix my bike", "sourdough", "taxes due")]
    return marks, models, lib.status().counts, lib.status().chunks, tops


def test_copy_a_folder_library_to_a_server_and_back(tmp_path: Path, server_url: str,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    docs = write_documents(tmp_path / "docs")
    with Library.open(tmp_path / "lib") as lib:
        index(lib, tmp_path / "docs")
        lib.mark("fix my bike", docs["bicycle.txt"], True)
        lib.mark("fix my bike", docs["bread.md"], False)
        tuned = tmp_path / "candidate"
        tuned.mkdir()
        (tuned / "config.json").write_text("{}")
        install(lib.workspace, "text", tuned, name="all-MiniLM-L6-v2", base_model="all-MiniLM-L6-v2", dim=384,
                data_size=2, metrics={})
        want = _state(lib)

    assert main(["library", "copy", str(tmp_path / "lib"), server_url, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["counts"]["marks"] == 2 and report["counts"]["chunk_vectors"] == want[3]
    assert report["models"] == 1 and report["searches"] == report["same_first"] > 0
    with Library.open(server_url) as server:
        assert _state(server) == want
        tuned_copy = next(v for v in versions(server.workspace) if v.base_model)
        assert Path(tuned_copy.path, "config.json").is_file() and str(server.path) in tuned_copy.path
        write_documents(tmp_path / "more", ["garden.txt"])
        assert index(server, tmp_path / "more").indexed == 1  # new rows take ids after the copied ones

    assert main(["library", "copy", str(tmp_path / "lib"), server_url]) == 1
    assert "not empty" in capsys.readouterr().err
    assert main(["library", "copy", server_url, str(tmp_path / "back")]) == 0
    assert "same rows in every table" in capsys.readouterr().out
    with Library.open(tmp_path / "back") as back:
        marks, models, _counts, chunks, tops = _state(back)
        assert (marks, models, tops) == (want[0], want[1], want[4]) and chunks == want[3] + 1


def test_two_desktops_see_one_nas_folder_at_their_own_paths(tmp_path: Path, server_url: str,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    mounted_here = tmp_path / "mnt" / "nas" / "docs"
    write_documents(mounted_here, ["bicycle.txt", "bread.md", "taxes.rst"])
    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-a.json"))
    with Library.open(server_url) as desktop_a:
        assert index(desktop_a, mounted_here).indexed == 3

    # The other desktop mounts the same share elsewhere (a copy with the same times stands in for it).
    mounted_there = tmp_path / "Volumes" / "docs"
    shutil.copytree(mounted_here, mounted_there, copy_function=shutil.copy2)
    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-b.json"))
    with Library.open(server_url) as desktop_b:
        assert desktop_b.map_folder_root(str(mounted_here), str(mounted_there)) == {
            str(mounted_here): str(mounted_there)}
        hit = desktop_b.search_documents("fix my bike")[0]
        assert hit.path == str(mounted_there / "bicycle.txt") and Path(hit.path).is_file()
        assert [f.path for f in desktop_b.folders()] == [str(mounted_there)]
        again = index(desktop_b)  # a rescan from here finds everything as it was: nothing re-indexed
        assert (again.indexed, again.unchanged, again.removed) == (0, 3, 0)
        desktop_b.mark("fix my bike", mounted_there / "bicycle.txt", True)
    with Library.open(server_url) as b_again:  # the rule is this desktop's, kept across runs
        assert b_again.desktop_config()["path_map"] == {str(mounted_here): str(mounted_there)}

    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-a.json"))
    with Library.open(server_url) as desktop_a:  # rows hold the indexer's paths; desktop A has no rule
        assert [m.path for m in desktop_a.marks()] == [str(mounted_here / "bicycle.txt")]
        assert desktop_a.search_documents("fix my bike")[0].path == str(mounted_here / "bicycle.txt")
    with Library.open(tmp_path / "folder-lib") as embedded, pytest.raises(Exception, match="for server libraries"):
        embedded.map_folder_root("/a", str(tmp_path))


def test_a_tuned_model_saved_under_one_mapped_root_opens_from_another(tmp_path: Path, server_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared folder (fine-tuned models) sits on the NAS too: desktop A saves a model under
    /mnt/nas, desktop B mounts the share at /Volumes/nas and opens the same model version there."""
    here, there = tmp_path / "mnt" / "nas", tmp_path / "Volumes" / "nas"
    (here / ".semdesk").mkdir(parents=True)

    def candidate(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "config.json").write_text("{}")
        return folder

    def keep(lib: Library, folder: Path) -> int:
        """A kept model version, made active (what the wizard's Keep does, minus re-embedding)."""
        base = lib.get_setting("text_model")
        version = install(lib.workspace, "text", folder, name=lib.workspace.versions.base_text_name(),
                          base_model=base, dim=384, data_size=2, metrics={})
        with lib.workspace.catalog.session() as session:
            session.execute(update(ModelVersion).where(ModelVersion.space == "text")
                            .values(active=ModelVersion.id == version))
        return version

    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-a.json"))
    with Library.open(server_url) as desktop_a:
        desktop_a.set_shared_folder(str(here / ".semdesk"))
        tuned = keep(desktop_a, candidate("from-a"))
        saved = desktop_a.workspace.versions.active("text").weights
        assert saved is not None and Path(saved).parent == here / ".semdesk" / "models"

    shutil.move(here, there)  # the share, now seen at desktop B's mount point only
    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-b.json"))
    with Library.open(server_url) as desktop_b:
        desktop_b.set_shared_folder(str(there / ".semdesk"))
        desktop_b.map_folder_root(str(here), str(there))
        active = desktop_b.workspace.versions.active("text")
        assert desktop_b.workspace.versions.notice is None  # not "missing, so the base model instead"
        assert active.id == tuned and active.weights == str(there / ".semdesk" / "models" / Path(saved).name)
        assert Path(active.weights, "config.json").is_file()
        assert {v.path for v in versions(desktop_b.workspace) if v.base_model} == {active.weights}
        from_b = keep(desktop_b, candidate("from-b"))

    shutil.move(there, here)
    monkeypatch.setenv("SEMDESK_DESKTOP_CONFIG", str(tmp_path / "desktop-a.json"))
    with Library.open(server_url) as desktop_a:  # B's model is stored as A sees the share: no rule needed
        path = next(v.path for v in versions(desktop_a.workspace) if v.id == from_b)
        assert path is not None and Path(path).parent == here / ".semdesk" / "models" and Path(path).is_dir()


def test_sample_searches_are_the_passages_words_not_operators(tmp_path: Path, server_url: str) -> None:
    """A Japanese manual page's "-b" read as "leave out b" dropped the page searched for, and the copy
    of a library of them failed its check (issue 28: such a search is ranked by keywords alone)."""
    from desktop.core.transfer.copy import sample_queries

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ld.txt").write_text("環境変数 ld の動作は環境変数 GNUTARGET によって変更することができる。"
                                 " GNUTARGET は -b (または等価な type:x オプション) で上書きされる。", encoding="utf-8")
    (docs / "tar.txt").write_text("tar は環境変数 TAPE を使う。 -b オプションはブロック数を指定する。",
                                  encoding="utf-8")
    with Library.open(tmp_path / "lib") as lib:
        index(lib, docs)
        queries = sample_queries(lib.workspace)
    assert queries and not any(w.startswith("-") or ":" in w for q in queries for w in q.split())
    from desktop.core.common.jobs import run_job

    report = run_job(Library.copy_library(tmp_path / "lib", server_url))
    assert report.same_first == report.searches > 0
