"""The torch-free text encoder: a sentence-transformers model's transformer as a saved OpenVINO
model (int8, fp32, or fp32 computed in bf16), with tokenising, pooling and normalising in
`hf_tokenize`. Searching and indexing import neither torch nor sentence-transformers.

The OpenVINO files are caches made once per model folder by `ov_prepare` (which does import
torch, in a child process, so this process stays small): the fp32 export and the int8 model.
A fine-tuned model's int8 copy lives in its own folder (made by the tuning wizard). Compiled
models go to OpenVINO's CACHE_DIR, so a second start reads a compiled blob instead of compiling.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.checksum import sha256_file
from desktop.core.common.errors import ModelUnavailable
from desktop.core.common.locations import cache_root
from desktop.core.embed.hf_tokenize import NotTorchFree, SentenceTokenizer, pool, read_layout, unit_rows
from desktop.core.embed.int8 import LOCAL_DIR, SHAPE_STEP, int8_cache_key, model_files_digest
from desktop.core.embed.prompts import NONE, read_prompts
from desktop.core.embed.trials import cache_lock, injected_fault, model_shape

log = logging.getLogger(__name__)

PRECISIONS = ("int8", "fp32", "bf16")
FP32_RECIPE = 1
_PREPARE_LOCK = threading.Lock()
_OFFSET_PIECE_CHARS = 100_000  # as text.py: tokenizing a whole book in one call is slow


def fp32_cache_key(source: str) -> str:
    from importlib.metadata import version

    return model_files_digest(source, f"fp32|{FP32_RECIPE}|{version('openvino')}")


def ir_folder(source: str, precision: str) -> Path:
    """Where the OpenVINO model of `source` at `precision` is kept (bf16 computes on the fp32 one)."""
    if precision == "int8":
        local = Path(source) / LOCAL_DIR
        if (local / "done.json").is_file():
            return local
        return cache_root() / "int8" / int8_cache_key(source)
    return cache_root() / "openvino-fp32" / fp32_cache_key(source)


def ir_ready(folder: Path) -> bool:
    """The model in `folder` is whole: its done.json was written last and its weights match it."""
    xml, weights, done = folder / "model.xml", folder / "model.bin", folder / "done.json"
    if not (xml.is_file() and weights.is_file() and done.is_file()):
        return False
    try:
        record = json.loads(done.read_text())
    except (OSError, ValueError):
        return False
    if "size" in record:  # a size check is instant; the checksum of 90 MB is not
        return bool(record["size"] == weights.stat().st_size)
    return bool(record.get("sha256") == sha256_file(weights))



def prepare_models(source: str, *, only: str | None = None, local: bool = False) -> None:
    """Make the missing OpenVINO models of `source` (once per model; `only`: just "fp32" or "int8";
    `local`: the int8 copy inside the model's folder, as a tuned model keeps it), each in a child
    process of its own: the conversion needs torch, which this process should never hold, and it runs
    native code that may crash or hang; a conversion that did is recorded (embed.conversions) and not
    started again here. Raises ModelUnavailable, with the reason."""
    wanted = (only,) if only else ("int8", "fp32")
    with _PREPARE_LOCK:
        for precision in wanted:
            folder = Path(source) / LOCAL_DIR if local and precision == "int8" else ir_folder(source, precision)
            if ir_ready(folder):
                continue
            # Across processes too (a window's warm-up and a command-line index on a first start): the second
            # waits, then finds the copy made; two conversions would each delete the other's finished folder.
            with cache_lock(_lock_name(folder)):
                if not ir_ready(folder):
                    _convert(source, precision, local)


def _convert(source: str, precision: str, local: bool) -> None:
    """One OpenVINO copy made in a child process (embed.conversions), or ModelUnavailable with the reason."""
    from desktop.core.embed.conversions import convert

    # Said on stderr (the last-resort handler prints warnings): the wait is once per model, not per start.
    log.warning("semdesk is preparing the fast text model (%s) for this computer (once per model; "
                "about a minute)", precision)
    kind = f"openvino-{precision}"
    args = ["desktop.core.embed.ov_prepare", source, "--only", precision, *(["--local"] if local else [])]
    reason = convert(kind, conversion_key(source, precision), source, args)
    if reason:
        raise ModelUnavailable(
            f"The fast copy of the text model in {source} could not be made ({kind}: {reason}). "
            "Choose the pytorch text encoder in Settings to run it as it is."
        )


def _lock_name(folder: Path) -> str:
    """The lock the processes that would make `folder` take turns on: in the cache, not in a model's folder."""
    return hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]


def conversion_key(source: str, precision: str) -> str:
    """What a failed conversion of `source` is recorded against: the transformer's shape (a tuned copy
    is converted by the same native code as its base, so it is not tried where its base crashed)."""
    return f"{precision}|{model_shape(source)}"


def make_int8_copy(folder: Path) -> None:
    """The int8 copy of the model saved in `folder` (a tuned model) made inside it, in a child process
    (not where the wizard runs); refused, without a child, where its shape's conversion crashed before."""
    prepare_models(str(folder), only="int8", local=True)


def conversion_failure(source: str, precision: str) -> str | None:
    """Why the OpenVINO copy of `source` at `precision` is not made on this computer, or None. Reads only."""
    from desktop.core.embed.conversions import failure

    return failure(f"openvino-{precision}", conversion_key(source, precision))


def _threads() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def compile_ir(xml: Path, precision: str, threads: int) -> Any:
    """The model compiled for this CPU, through OpenVINO's model cache (a second start compiles nothing)."""
    from desktop.core.embed._offline import go_offline

    go_offline()  # before the import: it keeps OpenVINO's usage reports (a forked sender) off
    import openvino as ov

    core = ov.Core()
    blobs = cache_root() / "openvino-compiled"
    blobs.mkdir(parents=True, exist_ok=True)
    core.set_property({"CACHE_DIR": str(blobs)})
    config: dict[str, Any] = {"PERFORMANCE_HINT": "LATENCY", "INFERENCE_NUM_THREADS": threads}
    if precision == "fp32":  # OpenVINO computes fp32 models in bf16 on CPUs with bf16 units
        config["INFERENCE_PRECISION_HINT"] = "f32"
    elif precision == "bf16":
        config["INFERENCE_PRECISION_HINT"] = "bf16"
    return core.compile_model(str(xml), "CPU", config)


def bf16_supported() -> bool:
    from desktop.core.embed._offline import go_offline

    go_offline()  # before the import, as in compile_ir
    import openvino as ov

    return "BF16" in ov.Core().get_property("CPU", "OPTIMIZATION_CAPABILITIES")


class OvTextEncoder:
    """The TextEncoder interface (encode, encode_query, token offsets, facts) without torch."""

    def __init__(self, model: str, precision: str = "int8") -> None:
        if precision not in PRECISIONS:
            raise ValueError(f"precision is one of {PRECISIONS}, not {precision!r}")
        self.name = model
        self.precision = precision
        self.int8 = precision == "int8"
        self.device = "cpu"
        self._lock = threading.RLock()
        self._tokenizer: SentenceTokenizer | None = None
        self._compiled: dict[int, Any] = {}
        self._source: str | None = None
        self._prompts = NONE
        self._special: int | None = None

    # -- loading -------------------------------------------------------------------------

    def source(self) -> str:
        from desktop.core.embed.text import resolve_source

        if self._source is None:
            self._source = resolve_source(self.name)
        return self._source

    def load(self) -> None:
        with self._lock:
            if self._tokenizer is not None:
                return
            source = self.source()
            try:
                layout = read_layout(source)
            except NotTorchFree as error:
                raise ModelUnavailable(
                    f"The text model in {source} cannot run without PyTorch ({error}). Choose the pytorch "
                    "text encoder in Settings."
                ) from error
            if not ir_ready(ir_folder(source, self.precision)):
                prepare_models(source, only="int8" if self.int8 else "fp32")
            self._prompts = read_prompts(source)
            self._tokenizer = SentenceTokenizer(layout)
            self._model(1)  # the query model: the one every process needs first

    def _model(self, threads: int) -> Any:
        with self._lock:
            if threads not in self._compiled:
                folder = ir_folder(self.source(), self.precision)
                if not ir_ready(folder):
                    raise ModelUnavailable(f"The fast copy of the text model in {self.source()} is incomplete.")
                self._compiled[threads] = compile_ir(folder / "model.xml", self.precision, threads)
            return self._compiled[threads]

    @property
    def loaded(self) -> bool:
        return self._tokenizer is not None

    def _ready(self) -> SentenceTokenizer:
        if self._tokenizer is None:
            self.load()
        assert self._tokenizer is not None
        return self._tokenizer

    # -- facts the chunker and indexes need ---------------------------------------------

    @property
    def dim(self) -> int:
        return self._ready().layout.dim

    @property
    def max_tokens(self) -> int:
        return int(min(self._ready().layout.max_seq_length, 8192))

    @property
    def special_tokens_count(self) -> int:
        """The tokens around every passage: the model's own and its passage prompt's (embed/prompts.py)."""
        tokenizer = self._ready()
        if self._special is None:
            prompt = self._prompts.passage.strip()
            self._special = tokenizer.special_tokens_count + (len(tokenizer.offsets(prompt)) if prompt else 0)
        return self._special

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        from desktop.core.embed.text import pieces

        tokenizer = self._ready()
        offsets: list[tuple[int, int]] = []
        for start, piece in pieces(text, _OFFSET_PIECE_CHARS):
            offsets.extend((start + a, start + b) for a, b in tokenizer.offsets(piece))
        return offsets

    def count_tokens(self, text: str) -> int:
        return len(self.token_offsets(text))

    # -- vectors -------------------------------------------------------------------------

    def encode(self, texts: list[str], *, batch_size: int = 16, queries: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, in the order given; batches of similar length (`queries`:
        they are queries, for a model that prefixes queries and passages differently)."""
        tokenizer = self._ready()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        texts = self._prompts.apply(list(texts), queries=queries)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        model = self._model(1 if len(texts) == 1 else _threads())
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        size = max(1, int(batch_size))
        for start in range(0, len(order), size):
            chosen = order[start : start + size]
            out[chosen] = self._run(model, tokenizer, [texts[i] for i in chosen])
        return out

    def _run(self, model: Any, tokenizer: SentenceTokenizer, texts: list[str]) -> np.ndarray:
        features = tokenizer.batch(texts)
        length = features["input_ids"].shape[1]
        # Lengths rounded up to a multiple of 16: OpenVINO prepares kernels per input shape,
        # and every batch of length-sorted passages would otherwise bring a new one.
        padded = -(-length // SHAPE_STEP) * SHAPE_STEP
        names = {port.get_any_name() for port in model.inputs}
        feed = {k: np.pad(v, ((0, 0), (0, padded - length))) for k, v in features.items() if k in names}
        injected_fault(f"openvino-{self.precision}")  # tests only: a real crash or hang where infer runs
        with self._lock:  # one infer request per compiled model
            hidden = model(feed)[model.outputs[0]]
        hidden = np.asarray(hidden[:, :length], dtype=np.float32)
        return unit_rows(pool(hidden, features["attention_mask"], tokenizer.layout.pooling))

    def encode_query(self, text: str) -> np.ndarray:
        # One short input: the one-thread model (a second thread only adds its wake-up cost).
        return self.encode([text], queries=True)[0]


__all__ = ["PRECISIONS", "OvTextEncoder", "bf16_supported", "conversion_failure", "conversion_key", "ir_folder",
           "ir_ready", "make_int8_copy", "prepare_models"]
