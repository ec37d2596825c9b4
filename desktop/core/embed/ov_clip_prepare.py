"""The one-time conversion of a CLIP model to OpenVINO for ov_clip: both sides traced from open_clip
and saved, with meta.json (what preprocessing and tokenising need). Runs as a child process
(`python -m desktop.core.embed.ov_clip_prepare SPEC`): it imports torch and open_clip, and the
searching or indexing process should hold neither.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any

from desktop.core.embed.conversions import TRY_AGAIN_EXIT, fault_name
from desktop.core.embed.ov_clip import CONVERSION, NotConvertible, folder_of
from desktop.core.embed.trials import injected_fault


def _describe(encoder: Any) -> dict[str, Any]:
    """What preprocessing and tokenising need, read off open_clip's objects; NotConvertible if unusual."""
    from open_clip.tokenizer import SimpleTokenizer, _clean_lower, _clean_whitespace
    from torchvision import transforms as T

    tokenizer = encoder._tokenizer
    if type(tokenizer) is not SimpleTokenizer or tokenizer.reduction_fn is not None:
        raise NotConvertible(f"its tokenizer is {type(tokenizer).__name__}")
    clean = {_clean_lower: "lower", _clean_whitespace: "whitespace"}.get(tokenizer.clean_fn)
    if clean is None or len(tokenizer.all_special_ids) != 2:
        raise NotConvertible("its tokenizer is configured in a way not reproduced here")
    steps = list(encoder._preprocess.transforms)
    names = [type(step).__name__ for step in steps]
    if names != ["Resize", "CenterCrop", "MaybeConvertMode", "MaybeToTensor", "Normalize"]:
        raise NotConvertible(f"its preprocessing is {', '.join(names)}")
    resize, crop, normalize = steps[0], steps[1], steps[4]
    size = crop.size[0] if isinstance(crop.size, list | tuple) else crop.size
    squash = isinstance(resize.size, list | tuple) and len(resize.size) == 2
    if squash and tuple(resize.size) != (size, size):
        raise NotConvertible("its preprocessing is not square")
    interpolation = "bilinear" if resize.interpolation == T.InterpolationMode.BILINEAR else "bicubic"
    return {
        "embed_dim": int(encoder.dim), "image_size": int(size), "resize_mode": "squash" if squash else "shortest",
        "interpolation": interpolation, "mean": [float(v) for v in normalize.mean],
        "std": [float(v) for v in normalize.std], "context_length": int(tokenizer.context_length), "clean": clean,
    }


def convert(spec: dict[str, Any], folder: Path) -> None:
    """Load the CLIP model of `spec` with open_clip, save both sides and meta.json into `folder`."""
    import openvino as ov
    import torch

    from desktop.core.embed.tuned_clip import make_clip_encoder

    settings = {"clip_model": spec["model"], "clip_pretrained": spec.get("pretrained") or "",
                "clip_weights": spec.get("weights") or "", "clip_openvino": False}
    encoder = make_clip_encoder(settings, spec.get("tower"))
    encoder.load()
    meta = _describe(encoder)
    model = encoder._model

    class TextSide(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.clip = model

        def forward(self, tokens: Any) -> Any:
            return self.clip.encode_text(tokens)

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".making-", dir=folder.parent))
    try:
        sides = {
            "image": (model.visual, torch.zeros(1, 3, meta["image_size"], meta["image_size"])),
            "text": (TextSide(), torch.zeros(1, meta["context_length"], dtype=torch.long)),
        }
        for name, (module, example) in sides.items():
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")  # tracer notices about Python branches on shapes
                # Traced without the trace check: open_clip's modules re-trace to renamed classes.
                traced = torch.jit.trace(module.eval(), example, check_trace=False)
                ov_model = ov.convert_model(traced)
            ov_model.reshape({0: [-1, *example.shape[1:]]})  # any batch size
            ov.save_model(ov_model, str(work / f"{name}.xml"), compress_to_fp16=False)
        (work / "meta.json").write_text(json.dumps(meta))
        sizes = {p.name: p.stat().st_size for p in work.iterdir()}
        (work / "done.json").write_text(json.dumps({"spec": spec, "sizes": sizes}))  # last: the models are whole
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(work, folder)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    spec = json.loads((argv or sys.argv[1:])[0])
    try:
        injected_fault(fault_name(CONVERSION))  # tests only: a real crash or hang where converting runs
        convert(spec, folder_of(spec))
    except OSError as error:  # a full disk: said, tried again next time
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return TRY_AGAIN_EXIT
    except Exception as error:  # the parent records it, falls back to PyTorch and logs this line
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
