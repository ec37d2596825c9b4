"""People in photos, with real dlib models on real photos (scripts/face_photos.py): faces found and
grouped by identity, named, searched with person:, names kept through regrouping and a rebuild,
the privacy switch, a photo the detector cannot read."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.jobs import CancelToken, run_job
from desktop.core.library import Library
from tests.conftest import both_kinds, index

pytest.importorskip("dlib")
face_photos = pytest.importorskip("scripts.face_photos")
pytest.importorskip("matplotlib", reason="matplotlib's grace_hopper.jpg is the second identity")

KINDS = ("original", "mirror", "small", "grey", "jpeg25")
NO_FACES = ("coffee.png", "chelsea.png")


@pytest.fixture(scope="module")
def photos(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("faces") / "album"
    face_photos.NO_FACES, saved = NO_FACES, face_photos.NO_FACES
    try:
        face_photos.build(folder, kinds=KINDS)
    finally:
        face_photos.NO_FACES = saved
    return folder


@pytest.fixture(scope="module")
def indexed(photos: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library folder with the photos indexed once; tests work on copies of it (faces cost time)."""
    where = tmp_path_factory.mktemp("indexed") / "lib"
    with _open(where) as lib:
        index(lib, photos)
    return where


@pytest.fixture
def lib_path(indexed: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "lib"
    shutil.copytree(indexed, copy)
    return copy


def _open(where: Path | str) -> Library:
    lib = Library.open(where)
    lib.set_setting("ocr", "off")  # OCR is not what these tests are about, and costs a second a photo
    return lib


def _names(paths: list[str] | set[str]) -> set[str]:
    return {os.path.basename(p) for p in paths}


def _identity(person_photos: set[str]) -> str:
    singles = {n.split("-")[0] for n in person_photos if "-and-" not in n}
    assert len(singles) == 1, f"a person's photos mix identities: {sorted(person_photos)}"
    return singles.pop()


def _people_by_identity(lib: Library) -> dict[str, int]:
    found: dict[str, int] = {}
    for person in lib.people(min_faces=2):
        photos = _names({f.path for f in lib.faces_of(person.person_id)})
        found[_identity(photos)] = person.person_id
    return found


def test_one_face_in_the_astronaut_photo_and_none_in_a_cat() -> None:
    from desktop.core.faces.detect import find_faces
    from desktop.core.faces.models import face_models

    models = face_models()
    faces = find_faces(models, np.asarray(face_photos.skimage_photo("astronaut.png")))
    assert len(faces) == 1
    left, top, right, bottom = faces[0].box
    assert 0.3 < left < 0.4 and 0.1 < top < 0.2 and 0.45 < right < 0.55 and 0.3 < bottom < 0.36
    assert faces[0].vector.shape == (128,) and 0.5 < float(np.linalg.norm(faces[0].vector)) < 1.5
    assert find_faces(models, np.asarray(face_photos.skimage_photo("chelsea.png"))) == []
    mirrored = find_faces(models, np.asarray(face_photos.skimage_photo("astronaut.png"))[:, ::-1])
    assert float(np.linalg.norm(mirrored[0].vector - faces[0].vector)) < 0.35  # the same person


@both_kinds
def test_faces_group_into_people_and_person_finds_exactly_their_photos(
    photos: Path, library_kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    where = request.getfixturevalue("server_url") if library_kind == "server" else tmp_path / "lib"
    with _open(where) as lib:
        summary = index(lib, photos)
        assert summary.faces_found >= 2 * len(KINDS) + 4
        people = _people_by_identity(lib)
        assert set(people) == {"collins", "hopper"}
        lib.name_person(people["collins"], "Eileen Collins")
        lib.name_person(people["hopper"], "Grace Hopper")

        def found(query: str) -> set[str]:
            return _names({h.path for h in lib.search_photos(query, top=100)})

        collins = {f"collins-{k}.{'jpg' if k == 'jpeg25' else 'png'}" for k in KINDS}
        collages = {"collins-and-hopper.jpg", "hopper-and-collins.png"}
        assert found('person:"Eileen Collins"') == collins | collages
        assert found("person:eileen_collins") == set()  # no such person: nothing, not everything
        assert found('person:"grace hopper" person:"Eileen Collins"') == collages  # both in the photo
        assert found('person:"Eileen Collins" hopper') == collages  # with words (here: the file names)
        assert found('person:"Grace Hopper" -collins') == {n.replace("collins", "hopper") for n in collins}
        assert lib.search_documents('person:"Grace Hopper"') == []
        with pytest.raises(Exception, match="already called"):
            lib.name_person(people["hopper"], "Eileen Collins")


def test_names_survive_regrouping_a_merge_and_a_rebuild(lib_path: Path) -> None:
    with _open(lib_path) as lib:
        people = _people_by_identity(lib)
        lib.name_person(people["collins"], "Eileen Collins")
        hopper_photos = _names({f.path for f in lib.faces_of(people["hopper"])})
        # A face moved out, then merged back: the user's grouping, not the clustering's.
        face = lib.faces_of(people["hopper"])[-1]
        alone = lib.move_face_out(face.face_id)
        assert alone.faces == 1 and alone.person_id != people["hopper"]
        lib.merge_people(people["hopper"], alone.person_id)
        lib.name_person(people["hopper"], "Grace Hopper")
        before = {p.name: _names({f.path for f in lib.faces_of(p.person_id)}) for p in lib.people() if p.name}
        assert before["Grace Hopper"] == hopper_photos

        assert lib.regroup_people() >= 2 * len(KINDS) + 4
        after = {p.name: _names({f.path for f in lib.faces_of(p.person_id)}) for p in lib.people() if p.name}
        assert after == before
    mirror = json.loads((lib_path / "people.json").read_text())
    assert {p["name"] for p in mirror["people"]} == {"Eileen Collins", "Grace Hopper"}

    (lib_path / "catalog.sqlite").write_bytes(b"not a database at all" * 100)
    rebuilt, _report = Library.rebuild(lib_path)
    with rebuilt:
        run_job(rebuilt.finish_rebuild())
    with Library.open(lib_path) as lib:
        again = {p.name: _names({f.path for f in lib.faces_of(p.person_id)}) for p in lib.people() if p.name}
        assert again == before
        assert _names({h.path for h in lib.search_photos('person:"Grace Hopper"', top=50)}) == before["Grace Hopper"]


def test_hiding_a_face_and_a_person(lib_path: Path) -> None:
    with _open(lib_path) as lib:
        people = _people_by_identity(lib)
        lib.name_person(people["hopper"], "Grace Hopper")
        face = next(f for f in lib.faces_of(people["hopper"]) if "-and-" in f.path)
        lib.hide_face(face.face_id)
        shown = _names({h.path for h in lib.search_photos('person:"Grace Hopper"', top=50)})
        assert os.path.basename(face.path) not in shown and len(shown) == len(KINDS) + 1
        lib.regroup_people()
        assert face.face_id not in {f.face_id for p in lib.people() for f in lib.faces_of(p.person_id)}
        lib.hide_person(people["hopper"])
        assert "Grace Hopper" not in {p.name for p in lib.people()}
        assert lib.search_photos('person:"Grace Hopper"') == []


def test_semdesk_people_then_turning_faces_off_deletes_every_face_record(
    photos: Path, lib_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.cli.main import main as cli_main

    with _open(lib_path) as lib:
        people = _people_by_identity(lib)
    capsys.readouterr()
    assert cli_main(["--library", str(lib_path), "people", "name", str(people["hopper"]), "Grace", "Hopper"]) == 0
    assert "Grace Hopper" in capsys.readouterr().out
    assert cli_main(["--library", str(lib_path), "people", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert {p["name"] for p in listed} == {"Grace Hopper", None} and all(p["faces"] >= len(KINDS) for p in listed)
    assert cli_main(["--library", str(lib_path), "people", "merge", str(people["hopper"]), "x"]) == 2
    assert cli_main(["--library", str(lib_path), "people", "merge", str(people["hopper"]), "9999"]) == 1
    assert "no person 9999" in capsys.readouterr().err
    assert cli_main(["--library", str(lib_path), "config", "faces", "no"]) == 0
    with Library.open(lib_path) as lib:
        assert lib.people(include_hidden=True, min_faces=0) == []
        lib.set_setting("faces", False)
        assert lib.people(include_hidden=True, min_faces=0) == []
        index(lib, photos)  # off: nothing is looked for again
    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        for table in ("faces", "people", "face_anchors", "face_files"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    assert json.loads((lib_path / "people.json").read_text()) == {"people": []}
    with Library.open(lib_path) as lib:
        lib.set_setting("faces", True)
        assert index(lib).faces_found >= 2 * len(KINDS)


def test_a_photo_the_detector_cannot_read_is_recorded_and_skipped(photos: Path, tmp_path: Path) -> None:
    from desktop.core.indexing.faces_phase import faces_phase

    with _open(tmp_path / "lib") as lib:
        lib.set_setting("faces", False)
        index(lib, photos)
        lib.set_setting("faces", True)
        broken = photos / "collins-grey.png"
        data = broken.read_bytes()
        stat = broken.stat()
        try:
            broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (len(data) - 8))  # same size, no picture
            os.utime(broken, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # the catalog still thinks it is current
            ws = lib.workspace
            folder_ids = [f.folder_id for f in lib.folders()]
            counts = run_job(faces_phase(ws, folder_ids, ws.settings.all(), CancelToken()))
            assert counts.failed == 1 and counts.problems[0].path == str(broken)
            assert "faces not read" in counts.problems[0].reason
            assert counts.photos == len(list(photos.iterdir()))
            again = run_job(faces_phase(ws, folder_ids, ws.settings.all(), CancelToken()))
            assert again.photos == 0  # done once, failures too, until the file changes
        finally:
            broken.write_bytes(data)


def test_a_photo_arriving_in_a_watched_folder_gets_its_faces_at_once(photos: Path, tmp_path: Path) -> None:
    from desktop.core.watching.buffer import ChangeSet  # what the watcher hands the facade

    album = tmp_path / "album"
    album.mkdir()
    (album / "collins-original.png").write_bytes((photos / "collins-original.png").read_bytes())
    with _open(tmp_path / "lib") as lib:
        index(lib, album)
        lib.name_person(lib.people(min_faces=1)[0].person_id, "Eileen Collins")
        arrived = album / "collins-mirror.png"
        arrived.write_bytes((photos / "collins-mirror.png").read_bytes())
        summary = run_job(lib.apply_changes(ChangeSet(touched=frozenset({str(arrived)}))))
        assert summary.faces_found == 1
        found = _names({h.path for h in lib.search_photos('person:"Eileen Collins"')})
        assert found == {"collins-original.png", "collins-mirror.png"}  # joined the named person


def test_the_photo_map_is_coloured_by_person(photos: Path, clip_library: Library) -> None:
    from tests.core.test_maps import FAST

    clip_library.set_setting("ocr", "off")
    index(clip_library, photos)
    people = _people_by_identity(clip_library)
    clip_library.name_person(people["collins"], "Eileen Collins")
    clip_library.name_person(people["hopper"], "Grace Hopper")
    data = run_job(clip_library.map("image", options=FAST))
    groups = {g.name: g.count for g in data.colouring("person").groups}
    assert groups == {"Eileen Collins": len(KINDS), "Grace Hopper": len(KINDS), "several people": 2,
                      "no one named": len(NO_FACES) + 1}  # and the cameraman, whose face HOG does not find
    assert next(g for g in data.colouring("person").groups if g.name == "no one named").muted


def test_a_face_moved_out_of_an_unnamed_person_stays_out_after_regrouping(lib_path: Path) -> None:
    with _open(lib_path) as lib:
        people = _people_by_identity(lib)
        hopper_faces = {f.face_id for f in lib.faces_of(people["hopper"])}
        face = lib.faces_of(people["hopper"])[0]
        lib.move_face_out(face.face_id)
        lib.regroup_people()
        owner = {f.face_id: p.person_id for p in lib.people() for f in lib.faces_of(p.person_id)}
        assert [f.face_id for f in lib.faces_of(owner[face.face_id])] == [face.face_id]  # alone still
        rest = {owner[f] for f in hopper_faces - {face.face_id}}
        assert len(rest) == 1 and rest != {owner[face.face_id]}  # the others stay together, without it


def test_a_photo_two_runs_stopped_on_is_given_up_with_a_reason_and_one_run_is_retried(lib_path: Path) -> None:
    """dlib runs in-process: a photo that crashes it would crash every later run, were it tried forever."""
    from desktop.core.indexing.faces_phase import GAVE_UP, faces_phase

    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        rows = {os.path.basename(os.fsdecode(p)): i for p, i in db.execute("SELECT path, id FROM files")}
        stopped_once, stopped_twice = rows["collins-original.png"], rows["hopper-original.png"]
        db.execute("UPDATE face_files SET status = 'trying' WHERE file_id = ?", (stopped_once,))
        db.execute("UPDATE face_files SET status = 'retrying' WHERE file_id = ?", (stopped_twice,))
        db.execute("DELETE FROM faces WHERE file_id IN (?, ?)", (stopped_once, stopped_twice))
    with _open(lib_path) as lib:
        ws = lib.workspace
        counts = run_job(faces_phase(ws, [f.folder_id for f in lib.folders()], ws.settings.all(), CancelToken()))
    assert counts.photos == 2 and counts.faces == 1 and counts.failed == 1
    assert counts.problems[0].path.endswith("hopper-original.png") and counts.problems[0].reason == GAVE_UP
    with sqlite3.connect(lib_path / "catalog.sqlite") as db:
        status = dict(db.execute("SELECT file_id, status FROM face_files WHERE file_id IN (?, ?)",
                                 (stopped_once, stopped_twice)).fetchall())
    assert status == {stopped_once: "faces", stopped_twice: "failed"}
