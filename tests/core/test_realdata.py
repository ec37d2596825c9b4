"""Real documents and photos from Debian / PyPI packages (skipped with a reason where absent)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from desktop.core.library import Library
from tests.conftest import PYTHON_FAQ, SKIMAGE_DATA, index

pytestmark = pytest.mark.realdata

QUESTION = re.compile(r"^(?P<q>[A-Z][^\n]{10,120}\?)\n-{5,}\n", re.MULTILINE)


def faq_questions() -> list[tuple[str, str]]:
    """(question, file name) pairs from the FAQ sources: each question heads its own answer."""
    pairs = []
    for path in sorted(PYTHON_FAQ.glob("*.rst.txt")):
        for match in QUESTION.finditer(path.read_text(encoding="utf-8")):
            pairs.append((match["q"], path.name))
    return pairs


@pytest.fixture(scope="module")
def faq_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    if not PYTHON_FAQ.is_dir():
        pytest.skip("Debian package python3.11-doc is not installed (apt-get install python3.11-doc)")
    root = tmp_path_factory.mktemp("faq")
    lib = Library.open(root / "lib")
    summary = index(lib, PYTHON_FAQ)
    assert summary.indexed == len(list(PYTHON_FAQ.glob("*.rst.txt"))) and summary.skipped == 0
    return lib


def test_python_faq_questions_find_their_answer(faq_library: Library) -> None:
    pairs = faq_questions()[::6]  # a spread of questions across all FAQ pages
    assert len(pairs) >= 20
    found_passage = 0
    for question, file_name in pairs:
        hits = faq_library.search_documents(question, top=3)
        best = hits[0]
        # The answer is the passage right under the question heading.
        if Path(best.path).name == file_name and question[:40] in best.snippet:
            found_passage += 1
    assert found_passage / len(pairs) >= 0.7, f"{found_passage}/{len(pairs)} questions found their answer first"


def test_python_faq_cli_style_query(faq_library: Library) -> None:
    hits = faq_library.search("How do I make a Python script executable on Unix?", kind="text", top=5)
    assert any(Path(h.path).name == "library.rst.txt" and "executable" in h.snippet for h in hits[:3])


def test_scikit_image_photos_with_tiny_clip(tmp_path: Path, tiny_clip: tuple[Path, Path]) -> None:
    if SKIMAGE_DATA is None or not SKIMAGE_DATA.is_dir():
        pytest.skip("scikit-image is not installed (it ships sample photos)")
    photos = tmp_path / "photos"
    photos.mkdir()
    for name in ("astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "motorcycle_left.png"):
        if (SKIMAGE_DATA / name).exists():
            shutil.copy(SKIMAGE_DATA / name, photos / name)
    with Library.open(tmp_path / "lib") as lib:
        lib.set_setting("clip_model", str(tiny_clip[0]))
        lib.set_setting("clip_weights", str(tiny_clip[1]))
        summary = index(lib, photos)
        assert summary.indexed == len(list(photos.iterdir())) and summary.skipped == 0
        hits = lib.similar(photos / "coffee.png")
        assert len(hits) == summary.indexed - 1
        assert lib.search_photos("coffee")[0].path.endswith("coffee.png")  # keyword on the file name
