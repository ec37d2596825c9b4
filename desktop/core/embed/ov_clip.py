"""CLIP without torch: both sides as saved OpenVINO models, open_clip's preprocessing in Pillow +
numpy and its BPE tokenizer in plain Python (its vocabulary file, read without importing
open_clip, whose package imports torch).

The models are converted once per CLIP model (architecture, weights file, tuned text tower) by a
child process (`python -m desktop.core.embed.ov_clip_prepare SPEC`, which imports torch and open_clip)
and kept in the user's cache with what preprocessing and tokenising need (meta.json), so a
process that searches or indexes photos imports neither. tests/core/test_torch_free_clip.py
checks the vectors against open_clip's (cosine >= 0.9999).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import importlib.util
import itertools
import json
import logging
import threading
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.locations import cache_root
from desktop.core.embed.trials import (
    environment,
    injected_fault,
    limit_seconds,
    one_at_a_time,
    run_trial,
    vector_problem,
)

log = logging.getLogger(__name__)

RECIPE = 1
_LOCK = threading.Lock()


class NotConvertible(Exception):
    """This CLIP model cannot run without torch; str() says why."""


# ---- where a model's files are ---------------------------------------------------------------


def _file_id(path: str | None) -> str:
    if not path:
        return ""
    p = Path(path).expanduser()
    try:
        stat = p.stat()
    except OSError:
        return f"{p}|missing"
    return f"{p.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"


def spec_key(spec: dict[str, Any]) -> str:
    """Changes with the architecture (or its config file), weights, tuned tower, open_clip, OpenVINO."""
    parts = [str(RECIPE), version("openvino"), version("open_clip_torch"), spec["model"], spec.get("pretrained") or ""]
    parts += [_file_id(spec.get(name)) for name in ("weights", "tower", "resolved_weights")]
    if str(spec["model"]).endswith(".json"):
        parts.append(_file_id(spec["model"]))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def folder_of(spec: dict[str, Any]) -> Path:
    return cache_root() / "openvino-clip" / spec_key(spec)


def ready(folder: Path) -> bool:
    done = folder / "done.json"
    if not done.is_file():
        return False
    try:
        sizes = json.loads(done.read_text())["sizes"]
        return all((folder / name).is_file() and (folder / name).stat().st_size == n for name, n in sizes.items())
    except (OSError, ValueError, KeyError, TypeError):
        return False


CONVERSION = "clip-openvino"  # what a failed conversion is recorded as (embed.conversions)


def convert_in_child(spec: dict[str, Any]) -> bool:
    """Make the models of `spec` in a child process; False (logged) when that failed. A conversion
    that crashed, hung or failed here is recorded and not started again (embed.conversions)."""
    from desktop.core.embed.conversions import convert

    if importlib.util.find_spec("openvino") is None:
        return False
    with _LOCK:
        if ready(folder_of(spec)):
            return True
        log.info("converting CLIP %s to OpenVINO (once per model)", spec["model"])
        reason = convert(CONVERSION, spec_key(spec), str(spec["model"]),
                         ["desktop.core.embed.ov_clip_prepare", json.dumps(spec)])
        if reason:
            log.warning("CLIP %s not converted to OpenVINO (%s); using PyTorch", spec["model"], reason)
            return False
        return ready(folder_of(spec))


def conversion_failure(spec: dict[str, Any]) -> str | None:
    """Why this CLIP model is not converted to OpenVINO on this computer, or None. Reads only."""
    from desktop.core.embed.conversions import failure

    return failure(CONVERSION, spec_key(spec))


# ---- open_clip's tokenizer, without torch -------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character table, which CLIP's vocabulary is written in."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    chars = keep[:]
    extra = 0
    for byte in range(256):
        if byte not in keep:
            keep.append(byte)
            chars.append(256 + extra)
            extra += 1
    return dict(zip(keep, (chr(c) for c in chars), strict=True))


def bpe_file() -> Path:
    """open_clip's vocabulary file, found without importing open_clip (its package imports torch)."""
    spec = importlib.util.find_spec("open_clip")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "bpe_simple_vocab_16e6.txt.gz"
        if path.is_file():
            return path
    raise NotConvertible("open_clip's BPE vocabulary file is not installed")


class ClipTokenizer:
    """open_clip's SimpleTokenizer (clean: lower / whitespace), giving int64 numpy arrays."""

    def __init__(self, context_length: int = 77, clean: str = "lower") -> None:
        import regex

        if clean not in ("lower", "whitespace"):
            raise NotConvertible(f"the tokenizer's {clean!r} cleaning is not reproduced without torch")
        with gzip.open(bpe_file()) as file:
            merges = file.read().decode("utf-8").split("\n")[1 : 49152 - 256 - 2 + 1]
        pairs = [tuple(merge.split()) for merge in merges]
        vocab = list(_bytes_to_unicode().values())
        vocab += [v + "</w>" for v in vocab] + ["".join(pair) for pair in pairs]
        vocab += ["<start_of_text>", "<end_of_text>"]
        self.encoder = {token: i for i, token in enumerate(vocab)}
        self.ranks = {pair: i for i, pair in enumerate(pairs)}
        self.sot, self.eot = self.encoder["<start_of_text>"], self.encoder["<end_of_text>"]
        self.context_length = context_length
        self.lower = clean == "lower"
        self._pattern = regex.compile(
            r"""<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
            regex.IGNORECASE,
        )
        self._cache: dict[str, list[str]] = {}
        self._bytes = _bytes_to_unicode()

    def _clean(self, text: str) -> str:
        import ftfy

        text = html.unescape(html.unescape(ftfy.fix_text(text))).strip()
        text = " ".join(text.split()).strip()
        return text.lower() if self.lower else text

    def _bpe(self, token: str) -> list[str]:
        if token in self._cache:
            return self._cache[token]
        word = [*token[:-1], token[-1] + "</w>"]
        while len(word) > 1:
            ranked = [(self.ranks.get(pair, 1 << 30), i) for i, pair in enumerate(itertools.pairwise(word))]
            rank, _ = min(ranked)
            if rank == 1 << 30:
                break
            first, second = word[min(ranked)[1]], word[min(ranked)[1] + 1]
            merged: list[str] = []
            i = 0
            while i < len(word):  # every occurrence of the pair, left to right, as CLIP's loop does
                if i < len(word) - 1 and word[i] == first and word[i + 1] == second:
                    merged.append(first + second)
                    i += 2
                else:
                    merged.append(word[i])
                    i += 1
            word = merged
        self._cache[token] = word
        return word

    def encode(self, text: str) -> list[int]:
        ids: list[int] = []
        for token in self._pattern.findall(self._clean(text)):
            if token in ("<start_of_text>", "<end_of_text>"):
                ids.append(self.encoder[token])
                continue
            token = "".join(self._bytes[b] for b in token.encode("utf-8"))
            ids.extend(self.encoder[piece] for piece in self._bpe(token))
        return ids

    def __call__(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.context_length), dtype=np.int64)
        for row, text in enumerate(texts):
            tokens = [self.sot, *self.encode(text), self.eot]
            if len(tokens) > self.context_length:
                tokens = tokens[: self.context_length]
                tokens[-1] = self.eot
            out[row, : len(tokens)] = tokens
        return out


# ---- open_clip's preprocessing, without torch -----------------------------------------------------


class ClipPreprocess:
    """Resize (shortest side, or squash), centre-crop, RGB, scale to [0, 1], normalise: (3, h, w) float32."""

    def __init__(self, meta: dict[str, Any]) -> None:
        self.size = int(meta["image_size"])
        self.mode = meta["resize_mode"]
        self.bicubic = meta["interpolation"] != "bilinear"
        self.mean = np.array(meta["mean"], dtype=np.float32).reshape(3, 1, 1)
        self.std = np.array(meta["std"], dtype=np.float32).reshape(3, 1, 1)

    def __call__(self, image: Any) -> np.ndarray:
        from PIL import Image

        method = Image.Resampling.BICUBIC if self.bicubic else Image.Resampling.BILINEAR
        size = self.size
        width, height = image.size
        if self.mode == "squash":
            image = image.resize((size, size), method)
        else:  # torchvision's Resize(int): the short side to `size`, the long side truncated
            new = (size, int(size * height / width)) if width <= height else (int(size * width / height), size)
            if new != (width, height):
                image = image.resize(new, method)
        image = _center_crop(image, size)
        if image.mode != "RGB":
            image = image.convert("RGB")
        pixels = np.asarray(image, dtype=np.float32).transpose(2, 0, 1) / 255.0
        return np.ascontiguousarray((pixels - self.mean) / self.std, dtype=np.float32)


def _center_crop(image: Any, size: int) -> Any:
    """torchvision's center_crop on a PIL image: pad with black when smaller, then crop."""
    from PIL import Image

    width, height = image.size
    if width < size or height < size:
        padded = Image.new(image.mode, (max(width, size), max(height, size)))
        left, top = (max(size - width, 0)) // 2, (max(size - height, 0)) // 2
        padded.paste(image, (left, top))
        image = padded
        width, height = image.size
    top = round((height - size) / 2.0)
    left = round((width - size) / 2.0)
    return image.crop((left, top, left + size, top + size))


# ---- the runtime -----------------------------------------------------------------------------------


class OvClip:
    """Both CLIP sides compiled by OpenVINO from the cached models, with their meta.json, at
    `precision` ("bf16" or "fp32": the one that passed its trial on this CPU, see usable_precision)."""

    def __init__(self, folder: Path, threads: int, precision: str = "fp32") -> None:
        from desktop.core.embed.ov_text import compile_ir

        self.precision = precision
        self.meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        self.dim = int(self.meta["embed_dim"])
        self.input_size = int(self.meta["image_size"])
        self.preprocess = ClipPreprocess(self.meta)
        self.tokenizer = ClipTokenizer(int(self.meta["context_length"]), self.meta["clean"])
        self._image = compile_ir(folder / "image.xml", precision, threads)
        self._text = compile_ir(folder / "text.xml", precision, 1)
        self._locks = (threading.Lock(), threading.Lock())  # one infer request each

    def images(self, batch: np.ndarray) -> np.ndarray:
        injected_fault(f"clip-openvino-{self.precision}")  # tests only: a real crash or hang where infer runs
        with self._locks[0]:
            return np.array(self._image(np.ascontiguousarray(batch, dtype=np.float32))[self._image.outputs[0]])

    def texts(self, texts: list[str]) -> np.ndarray:
        injected_fault(f"clip-openvino-{self.precision}")
        tokens = self.tokenizer(texts)
        with self._locks[1]:
            return np.array(self._text(tokens)[self._text.outputs[0]], dtype=np.float32)


# ---- which precision runs here: each tried once in a child (embed.trials, as the text encoders) ----

RECORD_FILE = "clip-encoder-choice.json"
# bf16 against fp32 on the trial's pictures and captions (0.9999 on real photos with ViT-B-32).
BF16_MIN_COSINE = 0.995
_CHOICE_LOCK = threading.Lock()
_CHOICES: dict[str, dict[str, Any]] = {}


def _choice_key(spec: dict[str, Any]) -> str:
    env = environment()  # spec_key holds OpenVINO's version, the weights and the tuned text side
    return hashlib.sha256(f"{spec_key(spec)}|{env['cpu_hash']}|{env['semdesk']}".encode()).hexdigest()[:20]


def read_choice(spec: dict[str, Any]) -> dict[str, Any] | None:
    """The recorded trial of this CLIP model (and tuned text side) on this CPU, or None. Never tries."""
    from desktop.core.common.atomic import read_json_records

    key = _choice_key(spec)
    if key not in _CHOICES:
        record = read_json_records(cache_root() / RECORD_FILE).get(key)
        if not isinstance(record, dict) or "chosen" not in record:
            return None
        _CHOICES[key] = record
    return _CHOICES[key]


def set_aside_lines(spec: dict[str, Any]) -> list[str]:
    """ "clip-openvino-bf16: crashed while measuring on this CPU (signal 11, SIGSEGV)", one per precision."""
    converting = conversion_failure(spec)
    if converting:
        return [f"{CONVERSION}: {converting}"]
    return [f"{name}: {why}" for name, why in sorted((read_choice(spec) or {}).get("set_aside", {}).items())]


def usable_precision(spec: dict[str, Any]) -> str | None:
    """The OpenVINO precision CLIP runs at here: bf16 where the CPU has bf16 units and it passed its
    trial, else fp32 if that did; None when neither did (PyTorch then). Tried once per model and
    CPU, each precision in a child process of its own, and recorded with what was set aside."""
    record = read_choice(spec)
    if record is not None:
        return record["chosen"]
    with _CHOICE_LOCK, one_at_a_time(cache_root() / f"{RECORD_FILE}.lock"):
        record = read_choice(spec)
        if record is None:
            record = _try_precisions(spec)
    return record["chosen"]


def _try_precisions(spec: dict[str, Any]) -> dict[str, Any]:
    from desktop.core.common.atomic import read_json_records, write_text_atomically
    from desktop.core.embed.ov_text import bf16_supported

    folder = str(folder_of(spec))
    reference: np.ndarray | None = None
    limit = 600.0
    set_aside: dict[str, str] = {}
    passed: list[str] = []
    for precision in ("fp32", *(("bf16",) if bf16_supported() else ())):
        name = f"clip-openvino-{precision}"
        trial = run_trial(["clip", folder, precision], limit_seconds(limit))
        if trial.vectors is None:
            set_aside[name] = trial.failure or trial.unavailable
        elif precision != "fp32" and reference is None:
            set_aside[name] = "not checked: the fp32 model, its reference, did not work"
        else:
            problem, _, _ = vector_problem(trial.vectors, reference, unit=False, min_cosine=BF16_MIN_COSINE)
            if problem:
                set_aside[name] = problem
            else:
                passed.append(precision)
                if reference is None:
                    reference, limit = trial.vectors, max(180.0, 6.0 * trial.longest_wait)
        if name in set_aside:
            log.warning("CLIP %s in OpenVINO %s set aside: %s", spec["model"], precision, set_aside[name])
    chosen = "bf16" if "bf16" in passed else ("fp32" if passed else None)
    record = {"chosen": chosen, "set_aside": set_aside, "model": spec["model"], "tower": spec.get("tower"),
              "measured_at": time.strftime("%Y-%m-%d %H:%M:%S"), **environment()}
    path = cache_root() / RECORD_FILE
    records = read_json_records(path)
    records[_choice_key(spec)] = record
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(path, json.dumps(records, indent=1), durable=False)
    _CHOICES[_choice_key(spec)] = record
    return record
