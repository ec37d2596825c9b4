"""The one-time conversion of a text model to OpenVINO (fp32 export and int8 quantisation), and
(`--measure`) the measurement that picks the fastest encoder for this CPU, each encoder in a child
of its own. This (and trial_child's PyTorch trial) is the only runtime code that imports torch; it runs
as a child process (`python -m desktop.core.embed.ov_prepare MODEL --only fp32|int8 [--local]`, one
per conversion, started by embed.conversions, which records one that crashes or hangs), so the
searching or indexing process never loads torch itself, and a native crash costs one conversion.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from desktop.core.common.errors import ModelUnavailable
from desktop.core.embed.conversions import TRY_AGAIN_EXIT, fault_name
from desktop.core.embed.int8 import LOCAL_DIR, _make, _transformers_quiet
from desktop.core.embed.ov_text import fp32_cache_key, ir_folder, ir_ready
from desktop.core.embed.trials import injected_fault

log = logging.getLogger(__name__)


def load_sentence_transformer(source: str) -> Any:
    from desktop.core.embed.text import TextEncoder

    encoder = TextEncoder(source)
    encoder.load()
    return encoder._model


def export_fp32(model: Any, source: str, folder: Path) -> None:
    """The transformer of `model` (a SentenceTransformer) saved as an fp32 OpenVINO model."""
    import openvino as ov
    import torch

    first = model[0]
    hf_model = getattr(first, "model", None) or getattr(first, "auto_model", None)
    example = dict(model.tokenizer(["a passage", "another, longer passage"], padding=True, return_tensors="pt"))
    example = {k: v for k, v in example.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    try:
        with torch.no_grad(), warnings.catch_warnings(), _transformers_quiet():
            warnings.simplefilter("ignore")  # tracer notices about Python branches on shapes
            ov_model = ov.convert_model(hf_model.eval(), example_input=example)
        ov.save_model(ov_model, str(work / "model.xml"), compress_to_fp16=False)
        weights = work / "model.bin"
        done = {"source": source, "key": fp32_cache_key(source), "size": weights.stat().st_size}
        (work / "done.json").write_text(json.dumps(done))  # written last: marks the model whole
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def prepare(source: str, only: str | None = None, *, local: bool = False) -> Any:
    """The OpenVINO models of `source` (both, or `only` one) made if missing, in this process; the
    loaded SentenceTransformer. `local`: the int8 copy goes inside the model's folder (a tuned model's)."""
    model = load_sentence_transformer(source)
    fp32 = ir_folder(source, "fp32")
    if only != "int8" and not ir_ready(fp32):
        injected_fault(fault_name("openvino-fp32"))  # tests only: a real crash or hang where converting runs
        export_fp32(model, source, fp32)
    int8 = Path(source) / LOCAL_DIR if local else ir_folder(source, "int8")
    if only != "fp32" and not ir_ready(int8):
        injected_fault(fault_name("openvino-int8"))
        first = model[0]
        hf_model = getattr(first, "model", None) or getattr(first, "auto_model", None)
        _make(hf_model, model.tokenizer, source, int8)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", help="a sentence-transformers model folder")
    parser.add_argument("--measure", action="store_true", help="then time the encoders on this CPU")
    parser.add_argument("--only", choices=("fp32", "int8"), help="make just this one, in this process")
    parser.add_argument("--local", action="store_true", help="the int8 copy inside the model's folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        if args.measure:  # a person's command: each conversion and each encoder in a child of its own
            from desktop.core.embed.encoder_choice import measured_choice

            return 0 if measured_choice(args.source, again=True) else 1
        prepare(args.source, args.only, local=args.local)
    except (ModelUnavailable, OSError) as error:
        print(str(error), file=sys.stderr)
        # The converter's own error (int8._make words it) lasts: recorded by the parent. A full disk or
        # a missing package is of the moment: said, and tried again next time.
        cause = error.__cause__
        lasting = isinstance(error, ModelUnavailable) and cause is not None and not isinstance(cause, OSError)
        return 1 if lasting else TRY_AGAIN_EXIT
    return 0


if __name__ == "__main__":
    sys.exit(main())
