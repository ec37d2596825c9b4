"""OCR's gate on camera-like photos (scripts/benchmarks/ocr_gate_set.py): it must send most photos without
text away, where the full pass costs seconds for nothing, and keep the photos with text.

The bench measures the same on a larger set at 12 MP (scripts/bench --only ocr); this is its small,
fast version with the real detector (PP-OCRv4 from the rapidocr wheel)."""

from __future__ import annotations

import io

import pytest

from desktop.core.ocr.engine import Engine
from desktop.core.ocr.pictures import GATE_SIDE, GATE_SIDE_LOSSLESS, Picture, gate_picture
from scripts.benchmarks.ocr_gate_set import gate_set
from tests.core.test_ocr_data import needs_font

pytestmark = needs_font


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(threads=1)


def test_the_gate_sends_away_textless_photos_and_keeps_those_with_text(engine: Engine) -> None:
    photos = gate_set(per_kind=2, size=(1200, 900), stamps=4, seed=3)
    kept: dict[bool, list[str]] = {True: [], False: []}
    counts = {True: 0, False: 0}
    for photo in photos:
        small = gate_picture(photo.data, 10**9)
        assert isinstance(small, Picture)
        counts[photo.has_text] += 1
        if not engine.read(small.image, "gate").gated_out:
            kept[photo.has_text].append(f"{photo.source}/{photo.name}")
    assert counts[False] >= 20 and counts[True] >= 8
    sent_away = 1 - len(kept[False]) / counts[False]
    assert sent_away >= 0.90, f"let through: {kept[False]}"
    assert len(kept[True]) / counts[True] >= 0.95, f"kept only: {kept[True]}"


def test_the_gate_decodes_a_camera_photo_small_and_a_screenshot_larger() -> None:
    from PIL import Image

    def encoded(size: tuple[int, int], fmt: str) -> bytes:
        out = io.BytesIO()
        Image.new("RGB", size, (120, 130, 140)).save(out, format=fmt)
        return out.getvalue()

    photo = gate_picture(encoded((4000, 3000), "JPEG"), 10**9)
    screen = gate_picture(encoded((2560, 1440), "PNG"), 10**9)
    assert isinstance(photo, Picture) and max(photo.image.shape[:2]) == GATE_SIDE
    assert isinstance(screen, Picture) and max(screen.image.shape[:2]) == GATE_SIDE_LOSSLESS


def test_every_photo_is_searchable_before_ocr_reads_one(tmp_path, tiny_clip) -> None:
    """OCR never delays a photo becoming searchable: when the OCR phase reports its first picture, every
    photo's CLIP vector is committed and in the photo index."""
    from sqlalchemy import func, select

    from desktop.core.catalog import PhotoVector
    from desktop.core.common.jobs import run_job
    from desktop.core.indexing import ocr_phase
    from desktop.core.library import Library
    from tests.core.test_ocr_data import SENTENCES, no_text_photo, save_picture, text_picture

    folder = tmp_path / "pictures"
    for i, sentence in enumerate(SENTENCES[:2]):
        save_picture(text_picture([sentence], size=20), folder / f"shot{i}.png")
    no_text_photo(folder / "cat.jpg")
    seen: list[tuple[int, int]] = []
    with Library.open(tmp_path / "lib") as lib:
        lib.set_setting("clip_model", str(tiny_clip[0]))
        lib.set_setting("clip_weights", str(tiny_clip[1]))
        lib.set_setting("clip_openvino", False)  # a random tiny CLIP: converting it costs more than running it

        def check(progress) -> None:
            if progress.phase == ocr_phase.PHASE and not seen:
                with lib.workspace.catalog.session() as session:
                    vectors = session.scalar(select(func.count()).select_from(PhotoVector))
                seen.append((vectors, lib.workspace.indexes.get("image").count))

        assert lib.ocr_report() == {}  # nothing read yet: Settings says so
        summary = run_job(lib.index([folder]), check)
        assert seen == [(3, 3)]
        assert summary.text_in_pictures == 2
        report = lib.ocr_report()  # Settings: what OCR cost per 1,000 photos here
        assert {status: count for status, (count, _seconds) in report.items()} == {"none": 1, "text": 2}
        assert all(seconds > 0 for _count, seconds in report.values())
