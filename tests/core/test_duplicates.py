"""Find Duplicates on a generated set: exact copies, near copies (resized, JPEG quality 60,
cropped, turned), similar shots, documents; and the trash (a temporary HOME and XDG trash)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from tests.conftest import SKIMAGE_DATA, index
from tests.corpus import write_documents

pytestmark = pytest.mark.skipif(SKIMAGE_DATA is None, reason="scikit-image's sample photos are needed")


@pytest.fixture
def trash_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """send2trash's freedesktop trash pointed at a temporary HOME / XDG_DATA_HOME."""
    import send2trash.plat_other as other

    home = tmp_path / "home"
    data = home / ".local" / "share"
    data.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setattr(other, "XDG_DATA_HOME", os.fsencode(data))
    monkeypatch.setattr(other, "HOMETRASH_B", os.fsencode(data / "Trash"))
    monkeypatch.setattr(other, "HOMETRASH", str(data / "Trash"))
    return data / "Trash"


def make_photos(folder: Path) -> dict[str, Path]:
    """Two pictures, each with variants; a third picture alone."""
    from PIL import Image

    folder.mkdir(parents=True)
    out = {}
    for name in ("astronaut", "coffee", "rocket"):
        source = SKIMAGE_DATA / (f"{name}.png" if (SKIMAGE_DATA / f"{name}.png").exists() else f"{name}.jpg")
        with Image.open(source) as image:
            photo = image.convert("RGB")
        photo.thumbnail((240, 240))
        out[name] = folder / f"{name}.png"
        photo.save(out[name])
        if name == "rocket":
            continue
        w, h = photo.size
        out[f"{name}_copy"] = folder / "copies" / f"{name}.png"
        out[f"{name}_copy"].parent.mkdir(exist_ok=True)
        out[f"{name}_copy"].write_bytes(out[name].read_bytes())
        out[f"{name}_small"] = folder / f"{name}_small.png"
        photo.resize((w // 2, h // 2)).save(out[f"{name}_small"])
        out[f"{name}_q60"] = folder / f"{name}_q60.jpg"
        photo.save(out[f"{name}_q60"], quality=60)
        out[f"{name}_crop"] = folder / f"{name}_crop.png"
        photo.crop((w // 20, h // 20, w - w // 20, h - h // 20)).save(out[f"{name}_crop"])
        out[f"{name}_turned"] = folder / f"{name}_turned.png"
        photo.rotate(90, expand=True).save(out[f"{name}_turned"])
    return out


def by_kind(groups, kind: str) -> list[set[str]]:
    def name(path: str) -> str:
        return f"copies/{Path(path).name}" if Path(path).parent.name == "copies" else Path(path).name

    return [{name(f.path) for f in g.files} for g in groups if g.kind == kind]


def test_exact_and_near_copies_of_photos_are_told_apart(clip_library: Library, tmp_path: Path) -> None:
    photos = make_photos(tmp_path / "pics")
    index(clip_library, tmp_path / "pics")
    groups = run_job(clip_library.find_duplicates(similar=1.0))
    assert sorted(map(sorted, by_kind(groups, "exact"))) == [
        ["astronaut.png", "copies/astronaut.png"], ["coffee.png", "copies/coffee.png"]]
    near = by_kind(groups, "near")
    variants = ("_small.png", "_q60.jpg", "_crop.png", "_turned.png")
    expected = [{f"{name}.png", *(f"{name}{v}" for v in variants)} for name in ("astronaut", "coffee")]
    # the representative of an exact pair may be either copy
    normal = [{n.removeprefix("copies/") for n in g} for g in near]
    assert sorted(map(sorted, normal)) == sorted(map(sorted, expected))
    assert not by_kind(groups, "similar")
    for group in groups:  # the best: the full-size, biggest, oldest, shortest path
        if group.kind == "near":
            assert Path(group.keep).stem in ("astronaut", "coffee")
    assert all(len(g.files) >= 2 and g.keep in [f.path for f in g.files] for g in groups)
    assert photos["rocket"].name not in {Path(f.path).name for g in groups for f in g.files}


def test_similar_shots_follow_the_threshold(clip_library: Library, tmp_path: Path) -> None:
    make_photos(tmp_path / "pics")
    index(clip_library, tmp_path / "pics")
    loose = run_job(clip_library.find_duplicates(similar=0.5))
    strict = run_job(clip_library.find_duplicates(similar=1.0))
    assert not [g for g in strict if g.kind == "similar"]
    # the tiny test CLIP finds everything alike at 0.5: the two near groups and the rocket join up
    assert [g for g in loose if g.kind == "similar"]
    assert [g.to_json() for g in loose if g.kind != "similar"] == [g.to_json() for g in strict]


def test_documents_same_and_near_same(library: Library, tmp_path: Path) -> None:
    docs = write_documents(tmp_path / "docs", ["bread.md", "bicycle.txt", "garden.txt"])
    (tmp_path / "docs" / "bread copy.md").write_bytes(docs["bread.md"].read_bytes())
    (tmp_path / "docs" / "bicycle-edited.txt").write_text(
        docs["bicycle.txt"].read_text().replace("tyre pressure", "tire pressure"))
    index(library, tmp_path / "docs")
    groups = run_job(library.find_duplicates())
    assert by_kind(groups, "exact") == [{"bread.md", "bread copy.md"}]
    assert by_kind(groups, "near") == [{"bicycle.txt", "bicycle-edited.txt"}]


def test_cli_prints_groups_as_json(clip_library: Library, tmp_path: Path) -> None:
    make_photos(tmp_path / "pics")
    index(clip_library, tmp_path / "pics")
    path = clip_library.path
    clip_library.close()
    done = subprocess.run([sys.executable, "-m", "desktop", "--library", str(path), "duplicates", "--json",
                           "--no-similar"], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr
    groups = json.loads(done.stdout)
    assert sorted(g["kind"] for g in groups) == ["exact", "exact", "near", "near"]
    assert all(set(g) >= {"kind", "files"} and len(g["files"]) >= 2 for g in groups)


def test_trash_moves_files_to_the_trash_and_the_library_forgets_them(
        library: Library, tmp_path: Path, trash_home: Path) -> None:
    docs = write_documents(tmp_path / "docs", ["bread.md", "garden.txt"])
    (tmp_path / "docs" / "bread copy.md").write_bytes(docs["bread.md"].read_bytes())
    index(library, tmp_path / "docs")
    group = next(g for g in run_job(library.find_duplicates()) if g.kind == "exact")
    unwanted = [f.path for f in group.files if f.path != group.keep]
    moved, failed = library.move_to_trash([*unwanted, str(tmp_path / "docs" / "gone.md")])
    assert moved == unwanted and [p for p, _ in failed] == [str(tmp_path / "docs" / "gone.md")]
    assert not Path(unwanted[0]).exists() and Path(group.keep).exists()
    assert (trash_home / "files" / Path(unwanted[0]).name).read_bytes() == docs["bread.md"].read_bytes()
    assert (trash_home / "info" / (Path(unwanted[0]).name + ".trashinfo")).exists()
    assert not [g for g in run_job(library.find_duplicates()) if g.kind == "exact"]
    assert all(h.path != unwanted[0] for h in library.search_documents("sourdough bread"))
