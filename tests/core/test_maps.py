"""The map core on a real text corpus (Python's FAQ): caching, placing new items, clusters and labels.

One small map is computed once per module (UMAP's numba compile alone takes seconds); every test
reads it, and only the last test adds files to the library.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from desktop.cli import main as cli_main
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.core.maps import LayoutOptions, MapData, MapKey
from desktop.core.maps import layout as lay
from desktop.core.maps.items import ItemFacts
from tests.conftest import PYTHON_FAQ, index, library_address

pytestmark = pytest.mark.skipif(not PYTHON_FAQ.is_dir(), reason="needs Debian's python3.11-doc")
FAST = LayoutOptions(n_epochs=60, random_state=7)
FIRST = ["windows.rst.txt", "extending.rst.txt", "gui.rst.txt"]


@pytest.fixture(scope="module", params=["embedded", "server"])
def mapped(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> tuple[Library, MapData, Path]:
    docs = tmp_path_factory.mktemp("faq") / "faq"
    docs.mkdir()
    for name in FIRST:
        shutil.copy(PYTHON_FAQ / name, docs / name)
    if request.param == "server":
        pg = request.getfixturevalue("pg_server")
        lib = Library.open(pg.url(pg.new_database()))
    else:
        lib = Library.open(tmp_path_factory.mktemp("maplib") / "library")
    index(lib, docs)
    data = run_job(lib.map("text", per_chunk=True, options=FAST))
    yield lib, data, docs
    lib.close()


def _break_umap(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the map was laid out again instead of read from the cache")

    monkeypatch.setattr(lay, "fit_layout", refuse)


def test_passages_cluster_by_document_and_get_keyword_labels(mapped: tuple[Library, MapData, Path]) -> None:
    _lib, data, _docs = mapped
    assert len(data) > 40 and data.xy.shape == (len(data), 2)
    named = {c for c in set(data.clusters.tolist()) if c >= 0}
    assert len(named) >= 2 and named == set(data.labels)
    # A cluster should be mostly passages of one FAQ page: the pages are about different things.
    purity = []
    for cluster in named:
        files = Counter(Path(data.facts.paths[i]).name for i in np.flatnonzero(data.clusters == cluster))
        purity.append(files.most_common(1)[0][1] / sum(files.values()))
    assert np.mean(purity) > 0.7, purity
    # The Windows FAQ's cluster is named with words of the Windows FAQ.
    windows = [c for c in named if Counter(Path(data.facts.paths[i]).name
                                           for i in np.flatnonzero(data.clusters == c)).most_common(1)[0][0]
               == "windows.rst.txt"]
    assert windows, data.labels
    windows_text = (PYTHON_FAQ / "windows.rst.txt").read_text(encoding="utf-8").lower()
    for cluster in windows:
        words = data.labels[cluster].split(" · ")
        assert len(words) == 3 and all(w in windows_text for w in words), data.labels[cluster]
    assert {"windows", "exe", "dll", "cmd", "msvcrt", "pyd"} & {w for c in windows for w in data.labels[c].split(" · ")}


def test_reopening_reads_the_cache(mapped: tuple[Library, MapData, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    lib, data, _docs = mapped
    _break_umap(monkeypatch)
    again = run_job(lib.map("text", per_chunk=True, options=FAST))
    assert np.array_equal(again.xy, data.xy) and np.array_equal(again.clusters, data.clusters)
    assert again.labels == data.labels and again.placed == 0
    assert (lib.path / "maps" / f"{MapKey('text', lib.workspace.versions.active_id('text'), True).name}.npz").is_file()


def test_point_queries(mapped: tuple[Library, MapData, Path]) -> None:
    _lib, data, _docs = mapped
    x, y = (float(v) for v in data.xy[5])
    assert data.nearest(x, y, 1e-3) == 5
    x0, y0, x1, y1 = data.bounds()
    everything = data.inside([(x0 - 1, y0 - 1), (x1 + 1, y0 - 1), (x1 + 1, y1 + 1), (x0 - 1, y1 + 1)])
    assert sorted(everything) == list(range(len(data)))
    left = data.inside([(x0 - 1, y0 - 1), ((x0 + x1) / 2, y0 - 1), ((x0 + x1) / 2, y1 + 1), (x0 - 1, y1 + 1)])
    assert sorted(left) == np.flatnonzero(data.xy[:, 0] < (x0 + x1) / 2).tolist()
    colouring = data.colouring("folder")
    assert sum(g.count for g in colouring.groups) == len(data)
    assert data.indices_of_files([int(data.facts.file_ids[0])])


def test_align_undoes_rotation_mirror_and_scale() -> None:
    rng = np.random.default_rng(0)
    old = rng.normal(size=(50, 2)).astype(np.float32)
    turn = np.array([[0.0, 1.0], [1.0, 0.0]]) @ np.array([[np.cos(1), -np.sin(1)], [np.sin(1), np.cos(1)]])
    new = (old @ turn * 3.5 + [10, -4]).astype(np.float32)
    assert np.allclose(lay.align(new, np.arange(50), old), old, atol=1e-4)


def test_cli_map_json_and_picture(mapped: tuple[Library, MapData, Path], tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    lib, data, _docs = mapped
    out = tmp_path / "map.png"
    assert cli_main(["--library", library_address(lib), "map", "--per-passage", "--json", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert len(printed["points"]) == len(data)
    assert {p["cluster"] for p in printed["points"]} == set(data.clusters.tolist())
    assert out.stat().st_size > 5000 and out.read_bytes()[:4] == b"\x89PNG"


def test_new_items_are_placed_without_moving_old_ones(mapped: tuple[Library, MapData, Path],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    lib, data, docs = mapped
    shutil.copy(PYTHON_FAQ / "installed.rst.txt", docs / "installed.rst.txt")
    index(lib, docs)
    _break_umap(monkeypatch)  # placing uses the saved reducer's transform, never a new layout
    grown = run_job(lib.map("text", per_chunk=True, options=FAST))
    assert len(grown) > len(data) and grown.placed == len(grown) - len(data)
    old = np.isin(grown.facts.ids, data.facts.ids)
    assert np.array_equal(grown.xy[old], data.xy)
    new = grown.xy[~old]
    low, high = data.xy.min(axis=0), data.xy.max(axis=0)
    span = high - low
    assert np.all((new > low - span) & (new < high + span))  # placed in the map, not flung away


def test_rearrange_keeps_the_map_in_place(mapped: tuple[Library, MapData, Path]) -> None:
    lib, _data, _docs = mapped
    before = run_job(lib.map("text", per_chunk=True, options=FAST))
    after = run_job(lib.map("text", per_chunk=True, options=FAST, rearrange=True))
    assert after.placed == 0 and np.array_equal(after.facts.ids, before.facts.ids)
    spread = float(np.linalg.norm(before.xy - before.xy.mean(axis=0), axis=1).mean())
    drift = float(np.linalg.norm(after.xy - before.xy, axis=1).mean())
    assert drift < 0.6 * spread, (drift, spread)


def test_tiny_library_map_without_umap(tmp_path: Path) -> None:
    facts = ItemFacts(np.arange(3), np.arange(3), ["a", "b", "c"], ["a", "b", "c"], ["x"] * 3,
                      np.zeros(3), ["", "", ""], ["", "", ""])
    data = MapData(MapKey("text", 1), lay.pca_2d(np.eye(3, 8, dtype=np.float32)), np.full(3, -1), {}, facts)
    assert [g.name for g in data.colouring("cluster").groups] == ["unclustered"]
    assert data.colouring("date").groups[0].name == "unknown date"
