"""Photo encoder: an open_clip model whose weights come only from files already on this computer."""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np

from desktop.core.common.errors import ClipUnavailable
from desktop.core.common.settings import DEFAULT_CLIP_MODEL, DEFAULT_CLIP_PRETRAINED
from desktop.core.embed._offline import go_offline, network_allowed
from desktop.core.embed.clip_weights import (
    Unusable,
    Weights,
    check_fits,
    check_reachable,
    format_problem,
    offline_message,
    read_state_dict,
)

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    import torch
    from PIL import Image

# Where the default weights live on the Hub, so the status banner can check the cache without
# importing torch/open_clip (seconds). tests/core/test_embed.py checks it against open_clip's table.
KNOWN_HF_HUB = {(DEFAULT_CLIP_MODEL, DEFAULT_CLIP_PRETRAINED): "laion/CLIP-ViT-B-32-laion2B-s34B-b79K/"}
# open_clip's own file names on the Hub; safetensors first because it cannot carry code.
HF_FILES = ("open_clip_model.safetensors", "open_clip_pytorch_model.bin")
_PREPROCESS_KEYS = ("mean", "std", "interpolation", "resize_mode")


class ClipEncoder:
    """Images and texts into one CLIP space, L2-normalised float32.

    `model` is an open_clip architecture name or a path to a model config .json (its file
    stem becomes the architecture name). Construction is free; weights load on first use.
    """

    def __init__(
        self,
        model: str = DEFAULT_CLIP_MODEL,
        *,
        pretrained: str | None = DEFAULT_CLIP_PRETRAINED,
        weights: str | None = None,
        cache_dir: str | None = None,
        openvino: bool = False,
    ) -> None:
        self.model = model
        self.openvino = openvino  # run through OpenVINO (same space, faster; see fast_clip)
        self.pretrained = pretrained or None
        self.weights = weights or None  # the settings store "" for "none chosen"
        self.cache_dir = cache_dir or None  # a Hugging Face hub cache dir; None = the default one
        self._config_path = Path(model).expanduser() if model.endswith(".json") else None
        self.arch = self._config_path.stem if self._config_path else model
        self.name = self.arch if not self.pretrained else f"{self.arch}/{self.pretrained}"
        self._lock = threading.RLock()
        self._model: Any = None
        self._preprocess: Any = None
        self._tokenizer: Any = None
        # OpenVINO sides, when asked for and possible: (n, 3, h, w) floats -> features, texts -> features
        self._fast_images: Any = None
        self._fast_texts: Any = None
        self._ov: Any = None  # the torch-free CLIP (ov_clip.OvClip); then no open_clip model at all
        self._error: ClipUnavailable | None = None  # remembered so a bad file is not re-read per batch

    # -- where the weights are -----------------------------------------------------------

    def _hf_hub(self) -> str:
        """'org/repo/' or 'org/repo/file' from open_clip's pretrained table, or ''."""
        if not self.pretrained:
            return ""
        known = KNOWN_HF_HUB.get((self.arch, self.pretrained))
        if known is not None:
            return known
        self._register()
        import open_clip

        return str(open_clip.get_pretrained_cfg(self.arch, self.pretrained).get("hf_hub", ""))

    def _split_hub(self) -> tuple[str, list[str]]:
        hub = self._hf_hub()
        if not hub:
            return "", []
        repo, filename = os.path.split(hub)
        if not filename:
            return repo, list(HF_FILES)
        if filename.endswith((".bin", ".pth", ".pt")):
            return repo, [filename.rsplit(".", 1)[0] + ".safetensors", filename]
        return repo, [filename]

    def _resolve(self) -> Weights:
        """The weights file to load, or ClipUnavailable. Touches only the local disk."""
        if self.weights:
            path = Path(self.weights).expanduser()
            if not path.is_file():
                raise ClipUnavailable(self._file_message(path, "the file does not exist"))
            if reason := format_problem(path):
                raise ClipUnavailable(self._file_message(path, reason))
            return Weights(path, from_cache=False)
        repo, filenames = self._split_hub()
        if repo and self._repo_cached(repo):
            from huggingface_hub import try_to_load_from_cache  # ~0.15 s of imports: only when worth asking

            for filename in filenames:
                found = try_to_load_from_cache(repo, filename, cache_dir=self.cache_dir)
                if isinstance(found, str) and Path(found).is_file():
                    return Weights(Path(found), from_cache=True)
        raise ClipUnavailable(
            f"Photo search needs CLIP weights for {self.arch}, and none are on this computer. Choose a "
            "weights file in Settings (clip_weights), or download them with `semdesk download-clip` "
            "when online. Text search keeps working."
        )

    def _repo_cached(self, repo: str) -> bool:
        """The hub cache has a folder for `repo` (huggingface_hub's layout: models--ORG--NAME). Without
        one, try_to_load_from_cache answers None for every file, so a search need not import it."""
        from huggingface_hub import constants  # cheap, unlike huggingface_hub's download modules

        cache = self.cache_dir or constants.HF_HUB_CACHE
        return os.path.isdir(os.path.join(cache, "models--" + "--".join(repo.split("/"))))

    def _file_message(self, path: Path, reason: str) -> str:
        return (
            f"The CLIP weights file {path} could not be used: {reason}. Photo search needs matching "
            f"weights for {self.arch}; text search keeps working."
        )

    def problem(self) -> str | None:
        """Why photo search cannot work, in plain words, or None. Cheap: loads no model."""
        if self._error is not None:
            return str(self._error)
        if self._model is not None or self._ov is not None:
            return None
        try:
            if self._config_path is not None and not self._config_path.is_file():
                return f"The CLIP model config {self._config_path} does not exist. Text search keeps working."
            self._resolve()
        except ClipUnavailable as error:
            return str(error)
        return None

    @property
    def available(self) -> bool:
        return self.problem() is None

    def download(self) -> Path:
        """Fetch the weights from the Hugging Face Hub. Only ever on the user's explicit request."""
        repo, filenames = self._split_hub()
        if not repo:
            raise ClipUnavailable(
                f"There are no known downloadable weights for {self.arch} "
                f"(pretrained tag {self.pretrained!r}). Choose a weights file in Settings instead."
            )
        from huggingface_hub import constants, hf_hub_download
        from huggingface_hub.errors import EntryNotFoundError, LocalEntryNotFoundError

        host = urlsplit(constants.ENDPOINT).hostname or "huggingface.co"
        check_reachable(host)
        last: Exception | None = None
        with network_allowed():
            for filename in filenames:
                try:
                    path = Path(hf_hub_download(repo, filename, cache_dir=self.cache_dir))
                except LocalEntryNotFoundError as error:  # no connection and nothing cached
                    raise ClipUnavailable(offline_message(f"could not reach {host}")) from error
                except EntryNotFoundError as error:  # this repo has the other file format
                    last = error
                    continue
                except OSError as error:  # connection errors, a full disk
                    raise ClipUnavailable(offline_message(str(error) or type(error).__name__)) from error
                with self._lock:
                    self._error = None
                return path
        raise ClipUnavailable(f"Could not download the CLIP weights from {repo}: {last}")

    # -- loading -------------------------------------------------------------------------

    def _register(self) -> None:
        if self._config_path is None:
            return
        if not self._config_path.is_file():
            raise ClipUnavailable(f"The CLIP model config {self._config_path} does not exist.")
        go_offline()
        import open_clip

        if self.arch not in open_clip.list_models():
            open_clip.add_model_config(self._config_path)

    def load(self) -> None:
        with self._lock:
            if self._model is not None or self._ov is not None:
                return
            if self._error is not None:
                raise self._error
            try:
                if self.openvino and self._load_openvino():
                    return
                self._load()
            except ClipUnavailable as error:
                self._error = error
                raise

    def spec(self) -> dict[str, Any]:
        """What makes this model's OpenVINO copy (ov_clip's cache key); checks the weights exist."""
        weights = self._resolve()
        return {"model": self.model, "pretrained": self.pretrained, "weights": self.weights,
                "tower": getattr(self, "tower", None), "resolved_weights": str(weights.path)}

    def _ov_folder(self) -> Path | None:
        from desktop.core.embed import ov_clip

        try:
            folder = ov_clip.folder_of(self.spec())
        except ClipUnavailable:
            return None
        return folder if ov_clip.ready(folder) else None

    def _load_openvino(self) -> bool:
        """Both sides from the cached OpenVINO models (converted first, once, in a child process);
        False when that cannot be done, and PyTorch does the work."""
        from desktop.core.embed import ov_clip
        from desktop.core.embed.ov_text import _threads

        spec = self.spec()
        if not ov_clip.ready(ov_clip.folder_of(spec)) and not ov_clip.convert_in_child(spec):
            return False
        # Tried in a child first (once per model and CPU): a precision whose native kernels crash or
        # hang here costs that trial, not this process (issue 32).
        precision = ov_clip.usable_precision(spec)
        if precision is None:
            log.warning("CLIP %s not run in OpenVINO on this CPU (%s); using PyTorch", self.name,
                        "; ".join(ov_clip.set_aside_lines(spec)))
            return False
        try:
            self._ov = ov_clip.OvClip(ov_clip.folder_of(spec), _threads(), precision)
        except Exception as error:  # a damaged cache or an unusual model: PyTorch instead
            log.warning("CLIP %s not run in OpenVINO (%s); using PyTorch", self.name, error)
            return False
        self._fast_images, self._fast_texts = self._ov.images, self._ov.texts
        return True

    def runtime_name(self) -> str:
        """What encodes photos: "openvino-<precision>" or "pytorch" as loaded, else as the records say
        it will be ("not chosen yet" before the first use tries it). Never converts or tries."""
        import importlib.util

        from desktop.core.embed import ov_clip

        if self._ov is not None:
            return f"openvino-{self._ov.precision}"
        if not self.openvino or self._model is not None or importlib.util.find_spec("openvino") is None:
            return "pytorch"
        try:
            spec = self.spec()
        except (ClipUnavailable, OSError, ValueError):
            return "pytorch"
        if ov_clip.conversion_failure(spec):
            return "pytorch"
        record = ov_clip.read_choice(spec)
        if record is None:
            return "not chosen yet"
        return f"openvino-{record['chosen']}" if record["chosen"] else "pytorch"

    def set_aside(self) -> list[str]:
        """The OpenVINO precisions of this model set aside on this CPU, with why (read, never tried)."""
        from desktop.core.embed import ov_clip

        if not self.openvino:
            return []
        try:
            return ov_clip.set_aside_lines(self.spec())
        except (ClipUnavailable, OSError, ValueError):
            return []

    def _load(self) -> None:
        self._register()
        weights = self._resolve()
        go_offline()
        import open_clip
        import torch

        pcfg = open_clip.get_pretrained_cfg(self.arch, self.pretrained) if self.pretrained else {}
        quiet = _DropRandomInitWarning()
        logging.getLogger().addFilter(quiet)
        try:
            model, _, preprocess = open_clip.create_model_and_transforms(
                self.arch,
                pretrained=None,
                device="cpu",
                force_quick_gelu=bool(pcfg.get("quick_gelu", False)),
                pretrained_text=False,  # HF text towers would otherwise fetch base weights
                pretrained_image=False,
                **{f"image_{k}": pcfg[k] for k in _PREPROCESS_KEYS if k in pcfg},
            )
        except RuntimeError as error:  # unknown architecture name
            raise ClipUnavailable(
                f"open_clip does not know the CLIP model {self.arch!r}. Photo search is off; "
                "text search keeps working."
            ) from error
        finally:
            logging.getLogger().removeFilter(quiet)
        try:
            state = read_state_dict(weights.path, torch)
            check_fits(model, state)
            model.load_state_dict(state, strict=True)
        except Unusable as error:
            raise ClipUnavailable(self._file_message(weights.path, str(error))) from error
        except (OSError, RuntimeError, ValueError, MemoryError) as error:
            reason = f"it could not be read ({error})"
            raise ClipUnavailable(self._file_message(weights.path, reason)) from error
        model.eval()
        self._tokenizer = open_clip.get_tokenizer(self.arch)
        self._preprocess = preprocess
        self._model = model

    @property
    def loaded(self) -> bool:
        return self._model is not None or self._ov is not None

    def _ready(self) -> Any:
        if not self.loaded:
            self.load()
        return self._model

    # -- vectors -------------------------------------------------------------------------
    # No lock around inference: torch forward passes in eval mode are safe to run from several
    # threads, so a query need not wait behind an indexing batch.

    @property
    def dim(self) -> int:
        """Vector length, read from the model config: works even when no weights are present."""
        if self._ov is not None:
            return int(self._ov.dim)
        folder = self._ov_folder() if self.openvino else None
        if folder is not None:  # without importing open_clip (and torch)
            return int(json.loads((folder / "meta.json").read_text(encoding="utf-8"))["embed_dim"])
        if self._config_path is not None and self._config_path.is_file():
            return int(json.loads(self._config_path.read_text(encoding="utf-8"))["embed_dim"])
        go_offline()
        import open_clip

        config = open_clip.get_model_config(self.arch)
        if not config:
            raise ClipUnavailable(f"open_clip does not know the CLIP model {self.arch!r}.")
        return int(config["embed_dim"])

    @property
    def input_size(self) -> int:
        """The side of the square the image model sees; photos are decoded no larger than needed."""
        model = self._ready()
        return int(self._ov.input_size) if self._ov is not None else _image_size(model)

    def preprocess(self, image: Image.Image) -> torch.Tensor | np.ndarray:
        """Resize/crop/normalise one image: cheap enough for a loader thread to run ahead. A numpy
        (3, h, w) array on the torch-free path, else a torch tensor."""
        self._ready()
        if self._ov is not None:
            return self._ov.preprocess(image)
        return self._preprocess(image)

    def encode_batch(self, items: list[Any]) -> np.ndarray:
        """Vectors of preprocessed images (what preprocess gave), stacked the way they were made."""
        if not items:
            return np.zeros((0, self.dim), dtype=np.float32)
        if isinstance(items[0], np.ndarray):
            return self.encode_tensors(np.stack(items))
        import torch

        return self.encode_tensors(torch.stack(items))

    def encode_tensors(self, batch: Any) -> np.ndarray:
        model = self._ready()
        if self._fast_images is not None:
            features = self._fast_images(batch if isinstance(batch, np.ndarray) else batch.numpy())
            return _unit_rows(features)
        import torch

        if isinstance(batch, np.ndarray):  # preprocessed on the torch-free path
            batch = torch.from_numpy(batch)
        with torch.inference_mode():
            features = model.encode_image(batch, normalize=True)
        return np.ascontiguousarray(features.float().cpu().numpy(), dtype=np.float32)

    def encode_images(self, images: list[Image.Image]) -> np.ndarray:
        return self.encode_batch([self.preprocess(image) for image in images])

    def encode_texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._ready()
        if self._fast_texts is not None:
            return _unit_rows(self._fast_texts(list(texts)))
        import torch

        tokens = self._tokenizer(list(texts))
        with torch.inference_mode():
            features = model.encode_text(tokens, normalize=True)
        return np.ascontiguousarray(features.float().cpu().numpy(), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_texts([text])[0]


def _unit_rows(features: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(features / np.linalg.norm(features, axis=1, keepdims=True), dtype=np.float32)


def _image_size(model: Any) -> int:
    size = getattr(model.visual, "image_size", 224)
    return int(size[0] if isinstance(size, (tuple, list)) else size)


class _DropRandomInitWarning(logging.Filter):
    """open_clip warns that the model is random; it is, for a moment, until our weights load."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("No pretrained weights loaded")
