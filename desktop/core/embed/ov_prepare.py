"""The one-time conversion of a text model to OpenVINO (fp32 export and int8 quantisation), and
(`--measure`) the measurement that picks the fastest encoder for this CPU, each encoder in a child
of its own. This (and trial_child's PyTorch trial) is the only runtime code that imports torch; it runs
as a child process (`python -m desktop.core.embed.ov_prepare MODEL`), so the searching or indexing
process never loads torch itself.
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
from desktop.core.embed.int8 import _make, _transformers_quiet
from desktop.core.embed.ov_text import fp32_cache_key, ir_folder, ir_ready

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


def prepare(source: str, only: str | None = None) -> Any:
    """The OpenVINO models of `source` (both, or `only` one) made if missing; the loaded
    SentenceTransformer."""
    model = load_sentence_transformer(source)
    fp32 = ir_folder(source, "fp32")
    if only != "int8" and not ir_ready(fp32):
        export_fp32(model, source, fp32)
    int8 = ir_folder(source, "int8")
    if only != "fp32" and not ir_ready(int8):
        first = model[0]
        hf_model = getattr(first, "model", None) or getattr(first, "auto_model", None)
        _make(hf_model, model.tokenizer, source, int8)
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("source", help="a sentence-transformers model folder")
    parser.add_argument("--measure", action="store_true", help="then time the encoders on this CPU")
    parser.add_argument("--only", choices=("fp32", "int8"), help="make just this one")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    try:
        model = prepare(args.source, None if args.measure else args.only)
        if args.measure:
            from desktop.core.embed.encoder_choice import measure_and_record

            del model  # each encoder is measured in a child of its own (embed.trials)
            measure_and_record(args.source)
    except ModelUnavailable as error:
        print(str(error), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
