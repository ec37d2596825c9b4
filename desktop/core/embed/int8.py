"""The int8 text encoder: the transformer of a sentence-transformers model compiled by OpenVINO
with int8 weights and activations (NNCF post-training quantisation).

Why this route: torch's dynamic quantisation reached only 1.4x fp32 here and moved vectors to
cosine 0.98; a statically quantised OpenVINO model runs the matrix maths on the CPU's int8
units (VNNI / AMX) at 3-4x fp32 and keeps vectors at cosine 0.996 (scripts/bench, section int8).

The quantised model is a cache: it is made once per model folder (about 15 s, calibrated on a
fixed set of texts, so remaking it gives the same model) and kept in the user's cache folder.
Only the transformer runs in OpenVINO; tokenising, pooling and normalising stay the
sentence-transformers modules, so every model they describe keeps its own pooling.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import os
import shutil
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.checksum import sha256_file
from desktop.core.common.errors import ModelUnavailable
from desktop.core.common.locations import cache_root

log = logging.getLogger(__name__)

# Bump when the recipe (calibration texts, quantisation options) changes: a new cache key.
RECIPE = 1
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
SHAPE_STEP = 16
_MAKE_LOCK = threading.Lock()  # two encoders of one model (indexing, queries) quantise it once
# A fine-tuned model keeps its int8 copy in its own folder: made while the tuning wizard measures
# it, it is ready for the first query after Keep, and it goes when the model's folder goes.
LOCAL_DIR = "openvino-int8"


def use_int8_transformer(model: Any, source: str) -> None:
    """Swap the torch transformer inside `model` (a SentenceTransformer) for the int8 one, in place."""
    first = model[0]
    hf_model = getattr(first, "model", None) or getattr(first, "auto_model", None)
    if hf_model is None or not hasattr(hf_model, "config"):
        raise ModelUnavailable(_cannot(source, "its first module is not a transformer"))
    compiled = _compiled(hf_model, model.tokenizer, source)
    runner = _int8_transformer(hf_model.config, compiled)
    if hasattr(first, "model"):
        first.model = runner
    else:
        first.auto_model = runner


def make_int8_copy(model: Any, folder: Path) -> None:
    """Make the int8 copy of `model` (a SentenceTransformer saved in `folder`) inside `folder`."""
    first = model[0]
    hf_model = getattr(first, "model", None) or getattr(first, "auto_model", None)
    with _MAKE_LOCK:
        _make(hf_model, model.tokenizer, str(folder), folder / LOCAL_DIR)


def _cannot(source: str, why: str) -> str:
    return (
        f"The fast int8 copy of the text model in {source} could not be made ({why}). "
        "Turn off the text_int8 setting to run it at full precision."
    )


# ---- the cached OpenVINO model -------------------------------------------------------------


def model_files_digest(source: str, prefix: str) -> str:
    """A key that changes when any file of the model folder (or `prefix`) changes."""
    digest = hashlib.sha256(prefix.encode())
    folder = Path(source)
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and LOCAL_DIR not in p.relative_to(folder).parts):
        stat = path.stat()
        digest.update(f"{path.relative_to(folder)}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:20]


def int8_cache_key(source: str) -> str:
    """Changes when the model files, OpenVINO, NNCF or the recipe change."""
    from importlib.metadata import version

    # Versions read without importing NNCF (seconds).
    return model_files_digest(source, f"{RECIPE}|{version('openvino')}|{version('nncf')}")


_cache_key = int8_cache_key


def _compiled(hf_model: Any, tokenizer: Any, source: str) -> dict[int, Any]:
    """{threads: compiled model}: as many threads as torch uses for batches, one for queries."""
    import openvino as ov

    folder = cache_root() / "int8" / _cache_key(source)
    core = ov.Core()
    import torch

    threads = sorted({1, max(1, torch.get_num_threads())})
    with _MAKE_LOCK:
        # A fine-tuned model's own copy first; _load answers None when a folder has no whole model.
        compiled = _load(core, Path(source) / LOCAL_DIR, threads) or _load(core, folder, threads)
        if compiled is None:
            _make(hf_model, tokenizer, source, folder)
            compiled = _load(core, folder, threads)
            if compiled is None:
                raise ModelUnavailable(_cannot(source, "the quantised model could not be read back"))
    return compiled


def _load(core: Any, folder: Path, threads: list[int]) -> dict[int, Any] | None:
    """The cached model compiled, or None when it is missing, unfinished or damaged (remade then)."""
    xml, weights, done = folder / "model.xml", folder / "model.bin", folder / "done.json"
    if not (xml.is_file() and weights.is_file() and done.is_file()):
        return None
    try:
        if json.loads(done.read_text())["sha256"] != sha256_file(weights):
            raise ValueError("its weights do not match their checksum")
        model = core.read_model(str(xml))
        options = {"PERFORMANCE_HINT": "LATENCY"}
        return {n: core.compile_model(model, "CPU", {**options, "INFERENCE_NUM_THREADS": n}) for n in threads}
    except Exception as error:  # truncated, garbled, or from an OpenVINO that reads it differently
        log.warning("int8 model cache %s is unusable (%s); making it again", folder, error)
        return None



def _make(hf_model: Any, tokenizer: Any, source: str, folder: Path) -> None:
    """Convert and quantise into a temp folder, then rename: a crash leaves no half model."""
    import openvino as ov
    import torch

    from desktop.core.embed.calibration import calibration_texts

    nncf = _quiet_nncf()
    log.info("making the int8 text model for %s in %s", source, folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    try:
        batches = [_features(tokenizer, texts, "pt") for texts in calibration_texts()]
        example = {name: batches[0][name] for name in _INPUTS if name in batches[0]}
        with torch.no_grad(), warnings.catch_warnings(), _transformers_quiet():
            warnings.simplefilter("ignore")  # tracer warnings about Python branches on shapes
            ov_model = ov.convert_model(hf_model.eval(), example_input=example)
        data = nncf.Dataset([{name: batch[name].numpy() for name in example} for batch in batches])
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            # NNCF draws progress bars with rich and has no switch for them.
            quantised = nncf.quantize(ov_model, data, model_type=nncf.ModelType.TRANSFORMER, subset_size=len(batches))
        ov.save_model(quantised, str(work / "model.xml"))
        weights = work / "model.bin"
        done = {"source": source, "recipe": RECIPE, "sha256": sha256_file(weights), "size": weights.stat().st_size}
        (work / "done.json").write_text(json.dumps(done))  # written last: marks the model whole
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    except ModelUnavailable:
        raise
    except Exception as error:
        log.exception("int8 conversion of %s failed", source)
        raise ModelUnavailable(_cannot(source, f"{type(error).__name__}: {error}")) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)


@contextlib.contextmanager
def _transformers_quiet() -> Iterator[None]:
    """Tracing the model makes transformers log notices meant for training code."""
    from transformers.utils import logging as hf_logging

    before = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(before)


def _quiet_nncf() -> Any:
    """NNCF, without its progress bars and notices on the CLI's and GUI's stderr."""
    # Importing it imports torch's C++ extension helper, which warns that there is no CUDA.
    logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import nncf
    nncf.set_log_level(logging.ERROR)
    return nncf


def _features(tokenizer: Any, texts: list[str], tensors: str) -> dict[str, Any]:
    return dict(tokenizer(texts, padding=True, truncation=True, max_length=256, return_tensors=tensors))


# ---- the stand-in for the torch transformer ------------------------------------------------


def _int8_transformer(config: Any, compiled: dict[int, Any]) -> Any:
    """A torch module taking the transformer's place: same inputs, `last_hidden_state` out.
    (Defined on first use: this file is imported at start-up, torch is not.)"""
    import torch

    batches, single = compiled[max(compiled)], compiled[1]
    names = {port.get_any_name() for port in batches.inputs}  # the same model compiled twice

    class Int8Transformer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.config = config
            self.device = torch.device("cpu")
            self._lock = threading.Lock()  # each compiled model has one infer request

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any = None, **_: Any) -> Any:
            length = input_ids.shape[1]
            # Lengths rounded up to a multiple of 16: OpenVINO prepares kernels per input shape,
            # and every batch of length-sorted passages would otherwise bring a new one (8% slower).
            padded = -(-length // SHAPE_STEP) * SHAPE_STEP
            inputs = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            # A query is one short text: a second thread only adds its wake-up cost.
            model = single if len(input_ids) == 1 else batches
            feed = {
                name: np.pad(value.numpy(), ((0, 0), (0, padded - length)))  # pads with 0: masked out
                for name, value in inputs.items()
                if name in names and value is not None
            }
            with self._lock:
                hidden = model(feed)[model.outputs[0]]
            return {"last_hidden_state": torch.from_numpy(np.ascontiguousarray(hidden[:, :length]))}

    return Int8Transformer()


__all__ = ["LOCAL_DIR", "make_int8_copy", "use_int8_transformer"]
