"""Which text encoder is fastest on this CPU, by measurement, not by assumption.

int8 is 3-5x fp32 on CPUs with VNNI or AMX units and slower than fp32 on many AVX2-only ones,
so on first use (and again after the CPU changes: the record is keyed by the CPU's model name
and flags) the candidates encode the same fixed passages: OpenVINO int8, OpenVINO fp32, OpenVINO
bf16 where the CPU has bf16 units, and sentence-transformers (PyTorch) where it is installed.
The fastest one whose vectors stay within the quality bounds (cosine against fp32) is used. The
figures are kept in the user's cache folder, shown in Settings and printed by `scripts/bench`.

Two vector spaces: int8 vectors differ from fp32 ones (cosine ~0.997), so int8 is a model
version of its own; fp32, bf16 and PyTorch agree to a cosine of 0.9999 and share one space.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
import platform
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.locations import cache_root

log = logging.getLogger(__name__)

AUTO = "auto"
INT8, FP32, BF16, TORCH = "openvino-int8", "openvino-fp32", "openvino-bf16", "pytorch"
ENCODERS = (INT8, FP32, BF16, TORCH)
CHOICES = (AUTO, *ENCODERS)
# Pins what "auto" means without measuring (tests, benches): one of ENCODERS.
ENV_PIN = "SEMDESK_TEXT_ENCODER"
RECORD_FILE = "text-encoder-choice.json"
RECIPE = 1  # bump when the passages or the rule change: every CPU measures again
PASSAGES = 256
BATCH = 16
# Quality bounds against fp32. int8 is another space, so it only has to rank nearly alike; the
# encoders that share fp32's space must give its vectors.
INT8_MEAN_COSINE = 0.99
SAME_SPACE_MIN_COSINE = 0.9999
# int8 costs a little quality, so it must be clearly faster to be worth it.
INT8_MARGIN = 1.10
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


@functools.lru_cache(maxsize=1)  # asked on every query: read /proc/cpuinfo once per process
def cpu_fingerprint() -> tuple[str, str]:
    """(CPU model name, a short hash of its model name and feature flags)."""
    name, flags = platform.processor() or platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name in ("", platform.machine(), platform.processor()):
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = " ".join(sorted(value.split()))
    except OSError:  # not Linux: the name alone
        pass
    return name, hashlib.sha256(f"{name}|{flags}".encode()).hexdigest()[:16]


def _model_shape(source: str) -> str:
    """The transformer's shape: a fine-tuned copy runs at its base model's speed."""
    try:
        config = json.loads((Path(source) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Path(source).name
    keys = ("model_type", "hidden_size", "num_hidden_layers", "intermediate_size", "num_attention_heads")
    return "|".join(str(config.get(key)) for key in keys)


def record_key(source: str) -> str:
    _, cpu = cpu_fingerprint()
    return hashlib.sha256(f"{RECIPE}|{cpu}|{_model_shape(source)}".encode()).hexdigest()[:20]


def _record_path() -> Path:
    return cache_root() / RECORD_FILE


def _read_all() -> dict[str, Any]:
    from desktop.core.common.atomic import read_json_records

    return read_json_records(_record_path())


def read_record(source: str) -> dict[str, Any] | None:
    """The measurement for this CPU and this model's shape, or None."""
    key = record_key(source)
    if key in _MEMO:
        return _MEMO[key]
    record = _read_all().get(key)
    if isinstance(record, dict) and record.get("chosen") in ENCODERS:
        _MEMO[key] = record
        return record
    return None


def _write_record(source: str, record: dict[str, Any]) -> None:
    from desktop.core.common.atomic import write_text_atomically

    with _LOCK:
        records = _read_all()
        records[record_key(source)] = record
        path = _record_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, json.dumps(records, indent=1), durable=False)
        _MEMO.pop(record_key(source), None)


def passages() -> list[str]:
    """The fixed passages: stdlib docstrings (on every installation), 20 to 180 words long."""
    from desktop.core.embed.calibration import _docstrings

    words = " ".join(_docstrings()).split()
    step = max(1, len(words) // PASSAGES)
    texts = [" ".join(words[i : i + 20 + (i * 7) % 161]) for i in range(0, step * PASSAGES, step)]
    return [text for text in texts if text][:PASSAGES]


def _time(encode: Any, texts: list[str]) -> tuple[float, np.ndarray]:
    encode(texts[:BATCH])  # warm: the first call prepares kernels for its shapes
    started = time.perf_counter()
    vectors = encode(texts)
    return time.perf_counter() - started, vectors


def measure(source: str, *, texts: list[str] | None = None, torch_model: Any = None) -> list[Figure]:
    """Time every candidate on `texts` (default: the fixed passages); cosine against fp32."""
    from desktop.core.embed.ov_text import OvTextEncoder, bf16_supported

    texts = texts or passages()
    runs: dict[str, tuple[float, np.ndarray]] = {}
    notes: dict[str, str] = {}
    for encoder in (FP32, INT8, BF16):
        if encoder == BF16 and not bf16_supported():
            continue
        model = OvTextEncoder(source, encoder.removeprefix("openvino-"))
        runs[encoder] = _time(lambda batch, m=model: m.encode(batch, batch_size=BATCH), texts)
    if torch_model is not None:
        def encode_torch(batch: list[str]) -> np.ndarray:
            return np.asarray(torch_model.encode(batch, batch_size=BATCH, normalize_embeddings=True,
                                                 convert_to_numpy=True, show_progress_bar=False))

        runs[TORCH] = _time(encode_torch, texts)
    else:
        notes[TORCH] = "not measured"
    reference = runs[FP32][1]
    figures = []
    for encoder, (seconds, vectors) in runs.items():
        cosines = (vectors * reference).sum(axis=1)
        mean, low = float(cosines.mean()), float(cosines.min())
        ok = mean >= INT8_MEAN_COSINE if encoder == INT8 else low >= SAME_SPACE_MIN_COSINE
        figures.append(Figure(encoder, len(texts) / seconds, mean, low, ok, notes.get(encoder, "")))
    return figures


def choose(figures: list[Figure]) -> str:
    """The fastest encoder within bounds; int8 only when clearly faster than full precision."""
    usable = [f for f in figures if f.within_bounds]
    full = max((f for f in usable if f.encoder != INT8), key=lambda f: f.passages_per_second, default=None)
    int8 = next((f for f in usable if f.encoder == INT8), None)
    if int8 is not None and (full is None or int8.passages_per_second >= INT8_MARGIN * full.passages_per_second):
        return INT8
    return full.encoder if full is not None else FP32


def measure_and_record(source: str, *, torch_model: Any = None) -> dict[str, Any]:
    figures = measure(source, torch_model=torch_model)
    cpu, _ = cpu_fingerprint()
    record = {
        "cpu": cpu, "chosen": choose(figures), "passages": len(passages()), "batch": BATCH,
        "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), "figures": [asdict(f) for f in figures],
    }
    _write_record(source, record)
    log.info("text encoder for %s on %s: %s", source, cpu, record["chosen"])
    return record


def measured_choice(source: str) -> dict[str, Any] | None:
    """The record for this CPU, measuring first when there is none (once: about a minute, in a
    child process that also makes the OpenVINO models). None when that could not be done."""
    record = read_record(source)
    if record is not None:
        return record
    from desktop.core.common.errors import ModelUnavailable
    from desktop.core.embed.ov_text import prepare_models

    # The window's warm-up, its status view and an index run all ask at once on a first start:
    # the one that measures first answers the others, who would each measure again (a minute each).
    with _MEASURE_LOCK:
        record = read_record(source)
        if record is not None:
            return record
        try:
            prepare_models(source, measure=True)
        except ModelUnavailable as error:
            log.warning("could not measure the text encoders (%s)", error)
            return None
        return read_record(source)


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
        chosen = setting
    elif not torch_free_possible(source):
        return TORCH
    else:
        pin = os.environ.get(ENV_PIN, "")
        record = None if pin in ENCODERS else measured_choice(source)
        chosen = pin if pin in ENCODERS else (record["chosen"] if record else FP32)
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
    from desktop.core.embed.ov_text import ir_folder, ir_ready

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
    return not ir_ready(ir_folder(source, runtime.removeprefix("openvino-")))  # bf16 runs the fp32 files


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
    return "\n".join(lines)




def runtime_for(source: str, setting: str, *, int8_version: bool, allow_int8: bool) -> str:
    """What runs a model version: an int8 version runs in int8 (torch-free when the model allows,
    else sentence-transformers around the int8 transformer: "pytorch-int8"); a full-precision one
    runs on the fastest full-precision encoder, or the one the setting names."""
    if int8_version:
        return INT8 if torch_free_possible(source) else "pytorch-int8"
    chosen = resolve(source, setting, allow_int8=allow_int8)
    if chosen == INT8:  # the setting asks for int8, but this version is another space
        record = read_record(source)
        figures = [Figure(**f) for f in record["figures"]] if record else []
        chosen = choose([f for f in figures if f.encoder != INT8]) if figures else FP32
    return chosen


__all__ = [
    "AUTO", "BF16", "CHOICES", "ENCODERS", "ENV_PIN", "FP32", "INT8", "TORCH", "Figure", "choose",
    "cpu_fingerprint", "describe_record", "measure", "measure_and_record", "measured_choice", "preparation_needed",
    "read_record", "resolve", "runtime_for", "torch_free_possible",
]
