"""Bench section "ocr": reading the words in pictures (core/ocr), as the indexing phase runs it.

* character error rate on generated pictures: known sentences rendered with DejaVu Sans at several
  sizes, as PNG and JPEG, straight and tilted 3 degrees (edit distance / reference length);
* ms per picture on the app's thread count (one ONNX Runtime thread on 2 cores: the window keeps a
  core), through the worker process the app uses, decode included: pictures the gate sends away
  and pictures with text, medians;
* the share of a mixed set (scikit-image's pictures, Tux Paint stamps, generated text pictures) the
  gate sends to recognition, per source;
* total for 1,000 mixed photos: extrapolated from the measured sample (the set's own mix), said so;
* line recall on rendered pages of known text (ocr_pages.py: three fonts, 14-32 px, a turned page, a
  photographed page): the share of lines some OCR line matches at a difflib ratio >= 0.8;
* the gate as the indexing phase runs it, on camera-like photos with and without text
  (ocr_gate_set.py): the share of text-less photos it sends away, the share of photos with text it
  keeps, and the time a text-less 12 MP photo costs (decode at the gate's size + the gate).
"""

from __future__ import annotations

import io
import random
import statistics
import time
from pathlib import Path
from typing import Any

from scripts.benchmarks.common import Report

STAMPS = Path("/usr/share/tuxpaint/stamps")
SIZES = (14, 18, 24, 32)
SKIMAGE = ("astronaut", "camera", "cat", "chelsea", "clock", "coffee", "coins", "horse", "hubble_deep_field",
           "immunohistochemistry", "moon", "rocket", "retina", "grass", "gravel", "brick", "page", "text")


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _encoded(image: Any, suffix: str) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG" if suffix == "jpg" else "PNG", **({"quality": 75} if suffix == "jpg" else {}))
    return out.getvalue()


def generated_set() -> list[tuple[str, bytes, str]]:
    """(label, encoded picture, the sentence it shows)."""
    from tests.core.test_ocr_data import SENTENCES, text_picture

    items = []
    for size in SIZES:
        for k, sentence in enumerate(SENTENCES):
            suffix = "jpg" if k % 2 else "png"
            angle = 3.0 if (k + size) % 3 == 0 else 0.0
            items.append((f"{size}px {suffix}{' tilted' if angle else ''}",
                          _encoded(text_picture([sentence], size=size, angle=angle), suffix), sentence))
    return items


def mixed_set(full: bool, smoke: bool = False) -> dict[str, list[bytes]]:
    from PIL import Image
    from skimage import data

    photos = []
    for name in SKIMAGE[:3] if smoke else SKIMAGE:
        array = getattr(data, name)()
        photos.append(_encoded(Image.fromarray(array).convert("RGB"), "jpg"))
    stamps = sorted(STAMPS.rglob("*.png")) if STAMPS.is_dir() else []
    random.Random(7).shuffle(stamps)
    sampled = [p.read_bytes() for p in stamps[: 3 if smoke else 200 if full else 40]]
    texts = [encoded for _, encoded, _ in generated_set()[:: 1 if full else 8 if smoke else 2]]
    return {"scikit-image": photos, "tux paint stamps": sampled, "generated text": texts}


def bench_ocr(report: Report, work: Path, full: bool, smoke: bool = False) -> None:
    from desktop.core.ocr.engine import thread_count
    from desktop.core.ocr.pictures import Picture, photo_picture
    from desktop.core.ocr.records import Reading
    from desktop.core.ocr.worker import OcrWorker

    threads = thread_count(2)  # what the app uses on the 2-core machines the budget is set for
    worker = OcrWorker(threads, time_limit=120)
    started = time.perf_counter()
    worker.start()
    report.add("ocr", "worker_start_s", round(time.perf_counter() - started, 2), "s",
               "worker start-up (spawn + load the models), once per run")

    def read(encoded: bytes) -> tuple[Reading | None, float]:
        t0 = time.perf_counter()
        picture = photo_picture(encoded, 180_000_000)
        result = worker.read(picture.image) if isinstance(picture, Picture) else None
        return (result if isinstance(result, Reading) else None), (time.perf_counter() - t0) * 1000

    try:
        errors = length = 0
        worst: list[tuple[float, str, str]] = []
        for label, encoded, sentence in generated_set()[:: 8 if smoke else 1]:
            result, _ = read(encoded)
            got = " ".join(line.text for line in result.lines) if result else ""
            distance = edit_distance(sentence, got)
            errors += distance
            length += len(sentence)
            worst.append((distance / len(sentence), label, got))
        report.add("ocr", "cer_generated", round(100 * errors / length, 2), "%",
                   f"character error rate, {len(worst)} generated pictures ({min(SIZES)}-{max(SIZES)} px text)")
        for rate, label, got in sorted(worst, reverse=True)[:3]:
            report.note("ocr", f"worst: {label}: {rate:.0%} -> {got!r}")

        bench_line_recall(report, worker, smoke)

        gated: list[float] = []
        read_ms: list[float] = []
        total_ms = 0.0
        count = 0
        for source, pictures in mixed_set(full, smoke).items():
            sent = 0
            for encoded in pictures:
                result, ms = read(encoded)
                total_ms += ms
                count += 1
                if result is not None and not result.gated_out:
                    sent += 1
                    read_ms.append(ms)
                else:
                    gated.append(ms)
            report.add("ocr", f"gate_share_{source}", round(100 * sent / max(1, len(pictures)), 1), "%",
                       f"sent to recognition: {source} ({len(pictures)} pictures)")
        if gated:  # a set where the gate sent everything on has no gated-out time (and the reverse)
            report.add("ocr", "ms_gated_out", round(statistics.median(gated), 1), "ms",
                       f"ms per picture the gate sends away (median of {len(gated)}, decode included)")
        if read_ms:
            report.add("ocr", "ms_with_text", round(statistics.median(read_ms), 1), "ms",
                       f"ms per picture with text (median of {len(read_ms)}, gate + detect + recognise)")
        report.add("ocr", "s_per_1000_mixed", round(total_ms / max(1, count), 1), "s",
                   f"1,000 mixed pictures, extrapolated from the {count} measured (this set's mix)")
        bench_gate(report, worker, full, smoke)
        report.note("ocr", f"{threads} ONNX Runtime thread(s); timings on a shared machine are noisy")
    finally:
        worker.close()


def bench_line_recall(report: Report, worker: Any, smoke: bool) -> None:
    """Lines of rendered pages of known text (ocr_pages.py) that OCR read, as ocr_phase.read_file reads a
    picture (the gate on the small decode, then the full pass): a line is recalled when an OCR line
    matches it at a difflib ratio >= 0.8."""
    from desktop.core.common.ocr_confidence import HARD_TO_READ, reading_confidence
    from scripts.benchmarks.ocr_pages import MATCH, missed_lines, pages, read_as_indexed

    total = missed = 0
    confidences: list[float] = []
    for page in pages(smoke):
        lines = read_as_indexed(worker, page.data)
        lost = missed_lines(page.lines, [line.text for line in lines])
        confidences.append(reading_confidence(line.score for line in lines) or 0.0)
        total += len(page.lines)
        missed += len(lost)
        for line in lost:
            report.note("ocr", f"line missed ({page.label}): {line!r}")
    report.add("ocr", "line_recall", round(1 - missed / max(1, total), 4), "",
               f"lines of {len(confidences)} rendered pages read (difflib ratio >= {MATCH}; {total} lines; "
               "target >= 0.98)")
    report.add("ocr", "confidence_lowest_page", round(min(confidences), 3), "",
               f"the lowest page's mean line score (the preview flags a picture below {HARD_TO_READ})")


def bench_gate(report: Report, worker: Any, full: bool, smoke: bool) -> None:
    """The gate as ocr_phase.read_file runs it: decode at the gate's size, the gate, and only for a photo
    it keeps the 2000 px decode and the full pass."""
    from desktop.core.ocr.pictures import Picture, gate_picture, photo_picture
    from desktop.core.ocr.records import Reading
    from scripts.benchmarks.ocr_gate_set import gate_set

    size = (1000, 750) if smoke else (4000, 3000)
    photos = gate_set(per_kind=1 if smoke else 8 if full else 4, size=size, stamps=1 if smoke else 8)
    kept: dict[bool, list[bool]] = {True: [], False: []}
    no_text_ms: list[float] = []
    missed: list[str] = []
    passed: list[str] = []
    for photo in photos:
        t0 = time.perf_counter()
        small = gate_picture(photo.data, 180_000_000)
        assert isinstance(small, Picture), small
        seen = worker.read(small.image, "gate")
        keep = isinstance(seen, Reading) and not seen.gated_out
        if keep:
            big = photo_picture(photo.data, 180_000_000)
            if isinstance(big, Picture):
                worker.read(big.image, "read")
        ms = (time.perf_counter() - t0) * 1000
        kept[photo.has_text].append(keep)
        if not photo.has_text:
            no_text_ms.append(ms)
            if keep:
                passed.append(f"{photo.source}/{photo.name}")
        elif not keep:
            missed.append(f"{photo.source}/{photo.name}")
    away = 100 * (1 - sum(kept[False]) / max(1, len(kept[False])))
    keep_rate = 100 * sum(kept[True]) / max(1, len(kept[True]))
    report.add("ocr", "gate_sends_away_no_text", round(away, 1), "%",
               f"text-less camera-like photos the gate sends away ({len(kept[False])}; target >= 90%)")
    report.add("ocr", "gate_keeps_text", round(keep_rate, 1), "%",
               f"photos with text (signs, receipts, screenshots, slides) it keeps ({len(kept[True])}; target >= 95%)")
    report.add("ocr", "ms_no_text_photo", round(statistics.median(no_text_ms), 1), "ms",
               f"a {size[0] * size[1] / 1e6:.0f} MP photo without text: decode for the gate + the gate "
               "(+ the full pass when it is let through), median")
    report.add("ocr", "s_per_1000_no_text", round(sum(no_text_ms) / max(1, len(no_text_ms)), 1), "s",
               "1,000 such photos (their mean), one OCR thread")
    if passed:
        report.note("ocr", f"text-less photos the gate let through: {', '.join(passed)}")
    if missed:
        report.note("ocr", f"photos with text the gate missed: {', '.join(missed)}")
