"""Bench section "ocr": reading the words in pictures (core/ocr), as the indexing phase runs it.

* character error rate on generated pictures: known sentences rendered with DejaVu Sans at several
  sizes, as PNG and JPEG, straight and tilted 3 degrees (edit distance / reference length);
* ms per picture on the app's thread count (one ONNX Runtime thread on 2 cores: the window keeps a
  core), through the worker process the app uses, decode included: pictures the gate sends away
  and pictures with text, medians;
* the share of a mixed set (scikit-image's pictures, Tux Paint stamps, generated text pictures) the
  gate sends to recognition, per source;
* total for 1,000 mixed photos: extrapolated from the measured sample (the set's own mix), said so.
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


def mixed_set(full: bool) -> dict[str, list[bytes]]:
    from PIL import Image
    from skimage import data

    photos = []
    for name in SKIMAGE:
        array = getattr(data, name)()
        photos.append(_encoded(Image.fromarray(array).convert("RGB"), "jpg"))
    stamps = sorted(STAMPS.rglob("*.png")) if STAMPS.is_dir() else []
    random.Random(7).shuffle(stamps)
    sampled = [p.read_bytes() for p in stamps[: 200 if full else 40]]
    texts = [encoded for _, encoded, _ in generated_set()[:: 1 if full else 2]]
    return {"scikit-image": photos, "tux paint stamps": sampled, "generated text": texts}


def bench_ocr(report: Report, work: Path, full: bool) -> None:
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
        for label, encoded, sentence in generated_set():
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

        gated: list[float] = []
        read_ms: list[float] = []
        total_ms = 0.0
        count = 0
        for source, pictures in mixed_set(full).items():
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
        report.add("ocr", "ms_gated_out", round(statistics.median(gated), 1), "ms",
                   f"ms per picture the gate sends away (median of {len(gated)}, decode included)")
        report.add("ocr", "ms_with_text", round(statistics.median(read_ms), 1), "ms",
                   f"ms per picture with text (median of {len(read_ms)}, gate + detect + recognise)")
        report.add("ocr", "s_per_1000_mixed", round(total_ms / count, 1), "s",
                   f"1,000 mixed pictures, extrapolated from the {count} measured (this set's mix)")
        report.note("ocr", f"{threads} ONNX Runtime thread(s); timings on a shared machine are noisy")
    finally:
        worker.close()
