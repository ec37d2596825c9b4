"""Photo tuning with the tiny random CLIP model on labelled tuxpaint stamps.

Only CLIP's text side learns; the stored photo vectors are never touched. Marking some
photos of a class relevant for its name must lift the *other*, unmarked photos of that
class in the ranking, because the query moves towards where that class's photos lie.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.core.catalog import PhotoVector
from desktop.core.common.jobs import run_job
from desktop.core.library import Library
from desktop.core.tuning import keep_job, tune_job, use_base_job, versions
from tests.conftest import both_kinds, index

STAMPS = Path("/usr/share/tuxpaint/stamps")
CLASSES = {"bird": "animals/birds", "fruit": "food/fruit", "road sign": "town/roadsigns", "flower": "plants/flowers"}
PER_CLASS = 12


def photo_vectors(lib: Library) -> dict[int, bytes]:
    with lib.workspace.catalog.session() as session:
        return dict(session.execute(select(PhotoVector.file_id, PhotoVector.vector)).all())


def mean_rank(lib: Library, query: str, wanted: set[str]) -> float:
    """Mean position (1 = first) of the wanted photos in the photo ranking for `query`."""
    hits = lib.search_photos(query, top=200)
    ranks = [i for i, hit in enumerate(hits, 1) if Path(hit.path).name in wanted]
    assert len(ranks) == len(wanted)
    return sum(ranks) / len(ranks)


@both_kinds
def test_photo_marks_lift_unmarked_photos_of_the_same_class(library: Library, tmp_path: Path,
                                                         tiny_clip: tuple[Path, Path]) -> None:
    if not STAMPS.is_dir():
        pytest.skip("Debian package tuxpaint-stamps-default is not installed")
    photos = tmp_path / "photos"
    classes: dict[str, list[str]] = {}
    photos.mkdir()
    for n, (label, folder) in enumerate(CLASSES.items()):
        # Neutral names (c0-03.png): no label word a keyword search could match.
        names = [f"c{n}-{i:02d}.png" for i in range(PER_CLASS)]
        for source, name in zip(sorted((STAMPS / folder).rglob("*.png")), names, strict=False):
            shutil.copy(source, photos / name)
        classes[label] = names
    with library as lib:
        lib.set_setting("clip_model", str(tiny_clip[0]))
        lib.set_setting("clip_weights", str(tiny_clip[1]))
        index(lib, photos)
        stored = photo_vectors(lib)
        assert len(stored) == sum(len(n) for n in classes.values())
        unmarked = {}
        for label, names in classes.items():
            for name in names[::2]:  # half of each class marked 👍, the other half left for the test
                lib.mark(label, photos / name, True)
            other = next(n for other_label, ns in classes.items() if other_label != label for n in ns)
            lib.mark(label, photos / other, False)
            unmarked[label] = set(names[1::2])
        before = {label: mean_rank(lib, label, wanted) for label, wanted in unmarked.items()}

        candidate = run_job(tune_job(lib.workspace, "image"))
        assert candidate.folds == 3 and candidate.after.queries == len(CLASSES)  # k-fold: few queries
        info = run_job(keep_job(lib.workspace, candidate))
        assert info.space == "cliptext" and info.active and Path(info.path).is_file()
        after = {label: mean_rank(lib, label, wanted) for label, wanted in unmarked.items()}
        print(f"\nmean rank of the unmarked photos of each class (of {len(stored)}): before {before}, after {after}")
        assert sum(after.values()) < sum(before.values())
        assert sum(after[k] < before[k] for k in before) >= 3
        assert photo_vectors(lib) == stored  # nothing was re-embedded or changed

        # Rolling back to CLIP's own text side restores the old ranking exactly.
        run_job(use_base_job(lib.workspace, "image"))
        assert not any(v.active for v in versions(lib.workspace) if v.space == "cliptext")
        assert {label: mean_rank(lib, label, wanted) for label, wanted in unmarked.items()} == before
