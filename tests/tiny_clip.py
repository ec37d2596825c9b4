"""A tiny random open_clip model for tests: builds in well under a second, needs no download.

Usage: config, weights = make_tiny_clip(tmp_path); ClipEncoder(str(config), pretrained=None,
weights=str(weights)). Vectors are meaningless but shaped and normalised like real ones.
"""

from __future__ import annotations

import json
from pathlib import Path

TINY_CLIP_NAME = "tiny-clip-test"
TINY_CLIP_DIM = 32

TINY_CLIP_CONFIG = {
    "embed_dim": TINY_CLIP_DIM,
    # open_clip's vision tower takes head_width, not heads: 32 / 16 = 2 heads.
    "vision_cfg": {"image_size": 32, "patch_size": 8, "width": 32, "head_width": 16, "layers": 1},
    # vocab 49408 matches the BPE vocabulary bundled with open_clip, so the tokenizer works offline.
    "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 32, "heads": 2, "layers": 1},
}


def write_tiny_clip_config(tmp_dir: Path) -> Path:
    config_path = Path(tmp_dir) / f"{TINY_CLIP_NAME}.json"
    config_path.write_text(json.dumps(TINY_CLIP_CONFIG, indent=2), encoding="utf-8")
    return config_path


def tiny_clip_state_dict(config_path: Path) -> dict:
    """Random weights (seed 0) for the config, as a plain state dict of tensors."""
    import open_clip
    import torch

    open_clip.add_model_config(config_path)
    torch.manual_seed(0)
    model = open_clip.create_model(config_path.stem, pretrained=None, device="cpu")
    return {k: v.detach().clone().contiguous() for k, v in model.state_dict().items()}


def make_tiny_clip(tmp_dir: Path) -> tuple[Path, Path]:
    """Write the config JSON and .safetensors weights into tmp_dir; return (config, weights)."""
    from safetensors.torch import save_file

    config_path = write_tiny_clip_config(tmp_dir)
    weights_path = Path(tmp_dir) / f"{TINY_CLIP_NAME}.safetensors"
    save_file(tiny_clip_state_dict(config_path), str(weights_path))
    return config_path, weights_path
