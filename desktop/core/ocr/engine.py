"""The OCR engine: a cheap text detector as the gate, then the full detect -> orient -> recognise pass
only for pictures where the gate saw text. Runs inside the worker process (worker.py).

Gate: PP-OCRv4's detector on the picture shrunk to GATE_SIDE on its long side (pictures.gate_picture
decodes it no larger). Holiday photos mostly hold no text, and the gate costs a fraction of a full pass
(scripts/benchmarks/ocr.py). The detector also finds blobs in textures and round things (a cup, a
cell, a horse's body); a line of text is a box much wider than high, so only such boxes count.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from desktop.core.ocr.pictures import GATE_SIDE, GATE_SIDE_LOSSLESS
from desktop.core.ocr.records import Line, Reading
from desktop.core.ocr.spaces import restore_spaces

MIN_SIDE = 24  # pictures smaller than this (icons, spacers) hold no readable text
MIN_LONG_SIDE = 64
MIN_SCORE = 0.6  # recognised lines below this confidence are mostly noise in textures
# A gate box counts as text when it is at least this many times as wide as high (two letters or more);
# chosen by measurement on camera-like photos (scripts/benchmarks/ocr_gate_set.py, README's OCR section).
LINE_ASPECT = 2.0
STEPS = ("both", "gate", "read")  # gate then read; the gate alone; the full pass alone (the gate said yes)


def thread_count(cpus: int | None) -> int:
    """ONNX Runtime threads: leave one core to the window and the loaders, use at most four."""
    return max(1, min(4, (cpus or 1) - 1))


def too_small(width: int, height: int) -> bool:
    return min(width, height) < MIN_SIDE or max(width, height) < MIN_LONG_SIDE


class Engine:
    def __init__(self, threads: int = 1) -> None:
        from rapidocr_onnxruntime import RapidOCR  # lazy: onnxruntime and cv2
        from rapidocr_onnxruntime.ch_ppocr_det import TextDetector
        from rapidocr_onnxruntime.ch_ppocr_det.utils import DetPreProcess
        from rapidocr_onnxruntime.main import DEFAULT_CFG_PATH
        from rapidocr_onnxruntime.utils import read_yaml, update_model_path

        threads_kw = {"intra_op_num_threads": threads, "inter_op_num_threads": 1}
        # "max": rapidocr scales the long side to 960, 1500 or 2000 by the picture's size ("min", its
        # default, blows a small screenshot up to 736 px on its *short* side: 10x the work).
        self.ocr = RapidOCR(**threads_kw, det_limit_type="max")
        for part in (self.ocr.text_det, self.ocr.text_cls, self.ocr.text_rec):
            _check_threads(part, threads)
        det = dict(update_model_path(read_yaml(str(DEFAULT_CFG_PATH)))["Det"])
        det.update(threads_kw, limit_side_len=GATE_SIDE, limit_type="max")
        self.gate = TextDetector(det)
        # The detector picks its own size for "max" (never below 960); the gate must stay small. A picture
        # sent for the gate alone was decoded at the gate's size already (pictures.gate_picture): a lossless
        # one larger than a photo, so that a screenshot's print stays readable.
        self._gate_sizes = {side: DetPreProcess(side, "max", det["mean"], det["std"])
                            for side in (GATE_SIDE, GATE_SIDE_LOSSLESS)}

    def sees_text(self, image: np.ndarray, side: int = GATE_SIDE) -> bool:
        pre = self._gate_sizes[side]
        self.gate.get_preprocess = lambda _long_side: pre  # type: ignore[method-assign]
        boxes, _ = self.gate(image)
        return boxes is not None and any(is_line(box) for box in boxes)

    def read(self, image: np.ndarray, step: str = "both") -> Reading:
        """`image`: H x W x 3 uint8, BGR (OpenCV's order, which the models were trained on). `step`
        "gate" answers only whether the gate sees text (gated_out, no lines); "read" skips the gate."""
        started = time.perf_counter()
        height, width = image.shape[:2]
        side = GATE_SIDE_LOSSLESS if step == "gate" else GATE_SIDE  # "gate": the parent sized it already
        if too_small(width, height) or (step != "read" and not self.sees_text(image, side)):
            return Reading(gated_out=True, seconds=time.perf_counter() - started)
        gate_done = time.perf_counter()
        if step == "gate":
            return Reading(seconds=gate_done - started, timings={"gate": gate_done - started})
        lines = self._recognise(image)
        now = time.perf_counter()
        return Reading(
            lines=tuple(lines), seconds=now - started,
            timings={"gate": gate_done - started, "recognise": now - gate_done},
        )

    def _recognise(self, image: np.ndarray) -> list[Line]:
        ocr = self.ocr
        raw_h, raw_w = image.shape[:2]
        scaled, ratio_h, ratio_w = ocr.preprocess(image)
        record: dict[str, Any] = {"preprocess": {"ratio_h": ratio_h, "ratio_w": ratio_w}}
        scaled, record = ocr.maybe_add_letterbox(scaled, record)
        boxes, _ = ocr.auto_text_det(scaled)
        if boxes is None:
            return []
        crops, recognised = _read_crops(ocr, ocr.get_crop_img_list(scaled, boxes))
        corners = ocr._get_origin_points(boxes, record, raw_h, raw_w)
        lines: list[Line] = []
        for box, crop, (text, score, info) in zip(corners, crops, recognised, strict=True):
            text = " ".join(restore_spaces(text, info, crop).split())
            if float(score) < MIN_SCORE or not text:
                continue
            points = tuple((float(x) / raw_w, float(y) / raw_h) for x, y in box)
            lines.append(Line(text, points, float(score)))  # type: ignore[arg-type]
        return lines


def _read_crops(ocr: Any, upright: list[np.ndarray]) -> tuple[list[np.ndarray], list[Any]]:
    """Recognise each line's crop, turned over where the angle classifier says it is upside down --
    unless the crop as cut reads better. The classifier turns whole upright lines of plain print
    with 0.93-0.98 confidence (a rendered page lost 3 of 25 lines without a word: the recogniser
    read the turned crop as " " or ""), so a turned crop is read both ways and the higher score wins;
    text truly upside down still reads better turned. Costs one more recognition per turned line."""
    crops, angles, _ = ocr.text_cls(list(upright))
    crops = list(crops)
    recognised = list(ocr.text_rec(crops, True)[0])
    threshold = ocr.text_cls.cls_thresh  # rapidocr turns only a crop it is this sure of
    turned = [i for i, (label, score) in enumerate(angles) if label == "180" and float(score) > threshold]
    if turned:
        again, _ = ocr.text_rec([upright[i] for i in turned], True)
        for i, reading in zip(turned, again, strict=True):
            if float(reading[1]) > float(recognised[i][1]):
                crops[i], recognised[i] = upright[i], reading
    return crops, recognised


def is_line(box: np.ndarray) -> bool:
    """A detector box (4 corners, clockwise from top left) shaped like a line of text."""
    width = float(np.linalg.norm(box[1] - box[0]))
    height = float(np.linalg.norm(box[3] - box[0]))
    return width >= LINE_ASPECT * max(height, 1.0)


def _check_threads(part: Any, threads: int) -> None:
    """rapidocr ignores a thread count it dislikes; a session on every core would starve the window."""
    session = getattr(getattr(part, "infer", None) or getattr(part, "session", None), "session", None)
    if session is not None and session.get_session_options().intra_op_num_threads not in (0, threads):
        raise RuntimeError("OCR did not take its thread count")
