"""Which text encoder is fastest on this CPU, by measurement, not by assumption.

int8 is 3-5x fp32 on CPUs with VNNI or AMX units and slower than fp32 on many AVX2-only ones,
so on first use (and again after the CPU changes: the record is keyed by the CPU's model name
and flags) the candidates encode the same fixed passages: OpenVINO int8, OpenVINO fp32, OpenVINO
bf16 where the CPU has bf16 units, and sentence-transformers (PyTorch) where it is installed.
The fastest one whose vectors stay within the quality bounds (cosine against fp32) is used. The
figures are kept in the user's cache folder, shown in Settings and printed by `scripts/bench`.

Each candidate runs in a child process of its own with a time limit (embed.trials): one that
crashes (a native kernel's SIGSEGV), hangs or gives vectors outside the bounds is *set aside* with
the reason, in the same record, so it costs one measurement per model shape and CPU; no later
process tries it again until semdesk or OpenVINO changes, and a text_encoder setting naming it is
refused with that reason (issue 32).

Two vector spaces: int8 vectors differ from fp32 ones (cosine ~0.997), so int8 is a model
version of its own; fp32, bf16 and PyTorch agree to a cosine of 0.9999 and share one space.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.locations import cache_root
from desktop.core.embed.trials import (
    cpu_fingerprint,
    environment,
    limit_seconds,
    model_shape,
    one_at_a_time,
    run_trial,
    vector_problem,
)

log = logging.getLogger(__name__)

AUTO = "auto"
INT8, FP32, BF16, TORCH = "openvino-int8", "openvino-fp32", "openvino-bf16", "pytorch"
ENCODERS = (INT8, FP32, BF16, TORCH)
CHOICES = (AUTO, *ENCODERS)
# Pins what "auto" means without measuring (tests, benches): one of ENCODERS.
ENV_PIN = "SEMDESK_TEXT_ENCODER"
RECORD_FILE = "text-encoder-choice.json"
RECIPE = 1  # the record key's: bump when the passages change (tuning.rates' speeds are kept under it too)
CHOICE_RECIPE = 2  # 2: every candidate in a child of its own, failures recorded (issue 32)
PASSAGES = 256
BATCH = 16
# The first candidate (the reference) encodes chunks of the passages until about this many seconds
# have gone; the others are timed on the same passages. So a 110M-parameter model on two busy cores
# is timed on one chunk (all-mpnet-base-v2 on a shared 2-core EPYC: 4 min for the four candidates,
# start-up included, where 256 passages each would take about 16), and a small model on a fast CPU
# on all of them. At least one chunk, for the quality check.
SAMPLE_SECONDS = 10.0
CHUNK = 32
# Quality bounds against fp32. int8 is another space, so it only has to rank nearly alike; the
# encoders that share fp32's space must give its vectors.
INT8_MEAN_COSINE = 0.99
SAME_SPACE_MIN_COSINE = 0.9999
# int8 costs a little quality, so it must be clearly faster to be worth it.
INT8_MARGIN = 1.10
# How long a candidate may go without finishing a batch (loading and compiling included) before it
# counts as hung: the first (the reference) has no figure to go by yet; the others get several
# times the reference's longest wait. Slow but working encoders on a busy machine keep going.
FIRST_LIMIT = 600.0
MIN_LIMIT = 180.0
LIMIT_FACTOR = 6.0
_LOCK = threading.Lock()
_MEASURE_LOCK = threading.Lock()
_MEMO: dict[str, dict[str, Any]] = {}


@dataclass(frozen=True)
class Figure:
    encoder: str
    passages_per_second: float
    mean_cosine: float
    min_cosine: float
    within_bounds: bool
    note: str = ""
    passages: int = 0  # how many of the fixed passages it was timed on


def _model_shape(source: str) -> str:
    return model_shape(source)


def record_key(source: str) -> str:
    """This CPU and this model shape (tuning.rates keeps its speeds under it too)."""
    _, cpu = cpu_fingerprint()
    return hashlib.sha256(f"{RECIPE}|{cpu}|{_model_shape(source)}".encode()).hexdigest()[:20]


def choice_key(source: str) -> str:
    """The measurement's key: the CPU and model shape, and semdesk's and OpenVINO's versions, so an
    encoder set aside as crashing is tried again once one of them changes, and never before."""
    env = environment()
    return hashlib.sha256(f"{record_key(source)}|{CHOICE_RECIPE}|{env['semdesk']}|{env['openvino']}".encode()
                          ).hexdigest()[:20]


def _record_path() -> Path:
    return cache_root() / RECORD_FILE


def _read_all() -> dict[str, Any]:
    from desktop.core.common.atomic import read_json_records

    return read_json_records(_record_path())


def read_record(source: str) -> dict[str, Any] | None:
    """The measurement for this CPU, model shape, semdesk and OpenVINO, or None. Never measures."""
    key = choice_key(source)
    if key in _MEMO:
        return _MEMO[key]
    record = _read_all().get(key)
    if isinstance(record, dict) and record.get("chosen") in ENCODERS:
        record.setdefault("set_aside", {})
        _MEMO[key] = record
        return record
    return None


def _write_record(source: str, record: dict[str, Any]) -> None:
    from desktop.core.common.atomic import write_text_atomically

    with _LOCK:
        records = _read_all()
        records[choice_key(source)] = record
        path = _record_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, json.dumps(records, indent=1), durable=False)
        _MEMO.pop(choice_key(source), None)


def passages() -> list[str]:
    """The fixed passages: stdlib docstrings (on every installation), 20 to 180 words long."""
    from desktop.core.embed.calibration import _docstrings

    words = " ".join(_docstrings()).split()
    step = max(1, len(words) // PASSAGES)
    texts = [" ".join(words[i : i + 20 + (i * 7) % 161]) for i in range(0, step * PASSAGES, step)]
    return [text for text in texts if text][:PASSAGES]


def candidates() -> tuple[str, ...]:
    """What is tried, in order: the references first (fp32, then PyTorch, which share one space),
    then int8 and, where the CPU has bf16 units, bf16."""
    from desktop.core.embed.ov_text import bf16_supported

    return (FP32, TORCH, INT8, *((BF16,) if bf16_supported() else ()))


def measure(source: str, *, count: int = PASSAGES, budget: float = SAMPLE_SECONDS,
            known: dict[str, str] | None = None) -> tuple[list[Figure], dict[str, str]]:
    """Every candidate timed on the first `count` fixed passages (fewer: as many as the first one
    that gives vectors encodes in about `budget` seconds), each in a child process of its own
    (embed.trials): (figures of those that gave vectors, {encoder: why it was set aside} for those
    that crashed, hung or gave vectors outside the bounds against fp32, and the `known` ones: their
    OpenVINO copy could not be made, so they are not run)."""
    figures: list[Figure] = []
    set_aside: dict[str, str] = dict(known or {})
    reference: np.ndarray | None = None
    reference_wait = 0.0
    for encoder in candidates():
        if encoder in set_aside:
            continue
        default = FIRST_LIMIT if reference is None else max(MIN_LIMIT, LIMIT_FACTOR * reference_wait)
        # Until a reference gave vectors, a candidate sets the sample by the budget; then it is fixed.
        sample = ["text", source, encoder, str(count), str(budget if reference is None else 0)]
        trial = run_trial(sample, limit_seconds(default))
        if trial.unavailable:
            log.info("%s not measured: %s", encoder, trial.unavailable)
            continue
        if trial.vectors is None:
            set_aside[encoder] = trial.failure
            log.warning("text encoder %s set aside: %s", encoder, trial.failure)
            continue
        if reference is None and encoder not in (FP32, TORCH):
            set_aside[encoder] = "not checked: no full-precision encoder worked to compare it with"
            continue
        bounds = {"mean_cosine": INT8_MEAN_COSINE, "min_cosine": 0.0} if encoder == INT8 else \
            {"min_cosine": SAME_SPACE_MIN_COSINE}
        problem, mean, low = vector_problem(trial.vectors, reference, unit=True, **bounds)
        if problem:
            set_aside[encoder] = problem
        elif reference is None:
            reference, reference_wait = trial.vectors, trial.longest_wait
            count = len(trial.vectors)
        figures.append(Figure(encoder, len(trial.vectors) / max(trial.seconds, 1e-9), mean, low, not problem,
                              passages=len(trial.vectors)))
    return figures, set_aside


def choose(figures: list[Figure]) -> str:
    """The fastest encoder within bounds; int8 only when clearly faster than full precision."""
    usable = [f for f in figures if f.within_bounds]
    full = max((f for f in usable if f.encoder != INT8), key=lambda f: f.passages_per_second, default=None)
    int8 = next((f for f in usable if f.encoder == INT8), None)
    if int8 is not None and (full is None or int8.passages_per_second >= INT8_MARGIN * full.passages_per_second):
        return INT8
    return full.encoder if full is not None else FP32


def measure_and_record(source: str, *, count: int = PASSAGES, budget: float = SAMPLE_SECONDS,
                       known: dict[str, str] | None = None) -> dict[str, Any]:
    """Measure (in children) and keep the record, failures included: later processes read it."""
    from desktop.core.embed.int8 import model_files_digest

    figures, set_aside = measure(source, count=count, budget=budget, known=known)
    cpu, _ = cpu_fingerprint()
    usable = [f for f in figures if f.within_bounds]
    sample = next((f.passages for f in figures if f.passages), count)
    record = {
        "cpu": cpu, "chosen": choose(figures) if usable else TORCH, "passages": sample, "batch": BATCH,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "figures": [asdict(f) for f in figures],
        "set_aside": set_aside, "model_shape": _model_shape(source), "model": model_files_digest(source, ""),
        **environment(),
    }
    _write_record(source, record)
    log.info("text encoder for %s on %s: %s", source, cpu, record["chosen"])
    return record


def measured_choice(source: str, *, again: bool = False) -> dict[str, Any] | None:
    """The record for this CPU, measuring first when there is none (once per model shape, CPU,
    semdesk and OpenVINO: about a minute, each conversion and each encoder in a child process;
    `again`: measure even so). None when the models could not be prepared for a reason of the moment."""
    record = None if again else read_record(source)
    if record is not None:
        return record
    # The window's warm-up, its status view and an index run all ask at once on a first start, in
    # one process or several: the one that measures first answers the others.
    with _MEASURE_LOCK, one_at_a_time(cache_root() / f"{RECORD_FILE}.lock"):
        record = None if again else read_record(source)
        if record is not None:
            return record
        known = _unconvertible(source)
        if known is None:
            return None
        log.warning("semdesk is measuring which text encoder is fastest on this computer "
                    "(once per model and CPU; about a minute)")
        return measure_and_record(source, known=known)


def _unconvertible(source: str) -> dict[str, str] | None:
    """Each OpenVINO copy of `source` made (a child each); {encoder: why not} for the encoders whose
    copy crashed, hung or failed converting here (recorded: they are set aside, not measured), or
    None when a copy could not be made for a reason of the moment (a full disk: measured later)."""
    from desktop.core.common.errors import ModelUnavailable
    from desktop.core.embed import ov_text

    known: dict[str, str] = {}
    for precision, encoders in (("fp32", (FP32, BF16)), ("int8", (INT8,))):
        try:
            ov_text.prepare_models(source, only=precision)
        except ModelUnavailable as error:
            reason = ov_text.conversion_failure(source, precision)
            if reason is None:
                log.warning("could not measure the text encoders (%s)", error)
                return None
            known.update({encoder: f"its OpenVINO copy {reason}" for encoder in encoders})
    return known


def _refuse_all(source: str, record: dict[str, Any]) -> None:
    from desktop.core.common.errors import ModelUnavailable

    raise ModelUnavailable(
        f"No text encoder works with the text model in {source} on this CPU ({'; '.join(set_aside_lines(record))}). "
        "Choose another text model in Settings."
    )


def set_aside_reason(source: str, encoder: str) -> str | None:
    """Why `encoder` is not used with this model on this CPU (it crashed, hung or gave wrong vectors
    when measured), or None. Reads the record only."""
    record = read_record(source)
    return record["set_aside"].get(encoder) if record else None


def refuse_set_aside(source: str, encoder: str) -> None:
    """Raise ModelUnavailable, in plain words, when `encoder` was set aside for this model and CPU."""
    from desktop.core.common.errors import ModelUnavailable

    reason = set_aside_reason(source, encoder)
    if reason:
        raise ModelUnavailable(
            f"The text encoder {encoder} is not used with the text model in {source}: {encoder}: {reason}. "
            "Set Text encoder to auto (or another encoder) in Settings."
        )


_TORCH_FREE: set[str] = set()  # asked on every query: a folder that qualified once stays qualified


def torch_free_possible(source: str) -> bool:
    from desktop.core.embed.hf_tokenize import NotTorchFree, read_layout

    if source in _TORCH_FREE:
        return True
    if not _openvino_installed():
        return False
    try:
        read_layout(source)
    except NotTorchFree:
        return False
    _TORCH_FREE.add(source)
    return True


def _openvino_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("openvino") is not None


def resolve(source: str, setting: str, *, allow_int8: bool = True) -> str:
    """The encoder to run: the setting when it names one, else the measured choice (or the pin).
    Without int8 allowed, auto means the fastest full-precision encoder."""
    if setting in ENCODERS and setting != AUTO:
        refuse_set_aside(source, setting)  # known to crash (or worse) here: refused, not run
        chosen = setting
    elif not torch_free_possible(source):
        return TORCH
    else:
        pin = os.environ.get(ENV_PIN, "")
        record = None if pin in ENCODERS else measured_choice(source)
        chosen = pin if pin in ENCODERS else (record["chosen"] if record else FP32)
        if record and chosen in record["set_aside"] and pin not in ENCODERS:
            _refuse_all(source, record)
        if chosen == INT8 and not allow_int8:
            figures = [Figure(**f) for f in record["figures"]] if record else []
            chosen = choose([f for f in figures if f.encoder != INT8])
    if chosen != TORCH and not torch_free_possible(source):
        return TORCH
    return chosen


def preparation_needed(source: str, setting: str, runtime: str | None = None) -> bool:
    """True when starting the text encoder must first run the one-time preparation for this
    computer (the child process of `ov_text.prepare_models`, about a minute): the encoders were
    never measured on this CPU (auto, no pin), or the OpenVINO files of `runtime` (default: the
    one `setting` names) are missing from the user cache. Reads files only; never prepares."""
    from desktop.core.embed.ov_text import conversion_failure, ir_folder, ir_ready

    if not torch_free_possible(source):
        return False  # PyTorch runs the model as it is: nothing to convert
    if runtime is None:
        pin = os.environ.get(ENV_PIN, "")
        named = setting if setting in ENCODERS else pin if pin in ENCODERS else None
        record = None if named else read_record(source)
        if named is None and record is None:
            return True
        runtime = named or str(record["chosen"] if record else FP32)
    if not runtime.startswith("openvino-"):
        return False
    precision = "int8" if runtime == INT8 else "fp32"  # bf16 runs the fp32 files
    # A copy whose conversion failed here is not tried again: nothing to wait for (it is refused in words).
    return not ir_ready(ir_folder(source, precision)) and conversion_failure(source, precision) is None


def describe_record(record: dict[str, Any] | None) -> str:
    """The figures as lines of plain text, for Settings and `semdesk config`."""
    if record is None:
        return "Not measured on this computer yet: semdesk measures the text encoders on first use."
    lines = [f"Measured on {record['cpu']} ({record['measured_at']}), {record['passages']} passages:"]
    for f in record["figures"]:
        mark = "<- used" if f["encoder"] == record["chosen"] else ("" if f["within_bounds"] else "(quality too low)")
        lines.append(
            f"  {f['encoder']:<14} {f['passages_per_second']:7.1f} passages/s   cosine {f['mean_cosine']:.4f}  {mark}"
        )
    lines += [f"Set aside: {line}" for line in set_aside_lines(record)]
    return "\n".join(lines)


def set_aside_lines(record: dict[str, Any] | None) -> list[str]:
    """ "openvino-bf16: crashed while measuring on this CPU (signal 11, SIGSEGV)", one per encoder set aside."""
    return [f"{encoder}: {reason}" for encoder, reason in sorted((record or {}).get("set_aside", {}).items())]



def runtime_for(source: str, setting: str, *, int8_version: bool, allow_int8: bool) -> str:
    """What runs a model version: an int8 version runs in int8 (torch-free when the model allows,
    else sentence-transformers around the int8 transformer: "pytorch-int8"); a full-precision one
    runs on the fastest full-precision encoder, or the one the setting names."""
    if int8_version:
        if torch_free_possible(source):
            refuse_set_aside(source, INT8)  # int8 vectors need the int8 encoder: no other can stand in
        return INT8 if torch_free_possible(source) else "pytorch-int8"
    chosen = resolve(source, setting, allow_int8=allow_int8)
    if chosen == INT8:  # the setting asks for int8, but this version is another space
        record = read_record(source)
        figures = [Figure(**f) for f in record["figures"]] if record else []
        chosen = choose([f for f in figures if f.encoder != INT8]) if figures else FP32
    return chosen


__all__ = [
    "AUTO",
    "BF16",
    "CHOICES",
    "ENCODERS",
    "ENV_PIN",
    "FP32",
    "INT8",
    "TORCH",
    "Figure",
    "candidates",
    "choice_key",
    "choose",
    "cpu_fingerprint",
    "describe_record",
    "measure",
    "measure_and_record",
    "measured_choice",
    "preparation_needed",
    "read_record",
    "refuse_set_aside",
    "resolve",
    "runtime_for",
    "set_aside_lines",
    "set_aside_reason",
    "torch_free_possible",
]
