"""CLIP weight files: finding them, reading them safely, and why one cannot be used.

A weights file is read only as tensors (safetensors, or torch.load with weights_only): a pickle
that carries program objects is refused, since a file the user picked must not run code.
"""

from __future__ import annotations

import json
import os
import socket
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.core.common.errors import ClipUnavailable


class Unusable(Exception):
    """A weights file was read but is not usable; str() is the plain reason."""


@dataclass(frozen=True)
class Weights:
    path: Path
    from_cache: bool


# Sizes of the open_clip weight files on Hugging Face, in MB, so the user is told before a download
# starts (issue 13). Architectures not listed are described as "several hundred MB".
DOWNLOAD_MB = {"ViT-B-32": 605, "ViT-B-16": 599, "ViT-B-16-plus-240": 830, "ViT-L-14": 1710,
               "ViT-H-14": 3940, "ViT-g-14": 5470, "convnext_base_w": 718, "RN50": 408}


def download_size_text(model: str) -> str:
    """"about 605 MB" for a known architecture, else a range a user can plan for."""
    mb = DOWNLOAD_MB.get(model)
    if mb is None:
        return "several hundred MB or more"
    return f"about {mb / 1000:.1f} GB" if mb >= 1000 else f"about {mb} MB"


def offline_message(reason: str) -> str:
    return f"Could not download the CLIP weights: you seem to be offline ({reason})."


def check_reachable(host: str) -> None:
    """Fail in seconds when offline: huggingface_hub would retry with backoff for ~25 s first."""
    if any(os.environ.get(k) for k in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy")):
        return  # only the proxy knows the way; let the real request find out
    try:
        socket.create_connection((host, 443), timeout=5).close()
    except OSError as error:
        raise ClipUnavailable(offline_message(f"could not reach {host}")) from error


# torch.save's legacy format opens with a pickled magic number (protocol 2, a 10-byte long).
_TORCH_LEGACY = b"\x80\x02\x8a\x0a"
_MAX_HEADER = 100 * 1024 * 1024  # safetensors' own limit on the JSON header


def format_problem(path: Path) -> str | None:
    """Why a file cannot be weights at all, read from its first bytes (cheap: `semdesk status` asks),
    or None when it looks like safetensors or a PyTorch file; loading it tells the rest. Random bytes
    were taken for weights until indexing failed half a minute later (issue 24)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as file:
            head = file.read(8)
            if path.suffix == ".safetensors":
                length = int.from_bytes(head, "little") if len(head) == 8 else 0
                if not 2 <= length <= min(size - 8, _MAX_HEADER):
                    return "it is not a valid safetensors file"
                try:
                    header = json.loads(file.read(length))
                except ValueError:
                    return "it is not a valid safetensors file"
                return None if isinstance(header, dict) else "it is not a valid safetensors file"
    except OSError as error:
        return f"it could not be read ({error.strerror or error})"
    if head.startswith(_TORCH_LEGACY) or zipfile.is_zipfile(path):
        return None
    return "it is not a PyTorch weights file, or it is damaged"


def read_state_dict(path: Path, torch: Any) -> dict[str, Any]:
    """Tensors only: safetensors, or torch.load(weights_only=True) which refuses pickled code."""
    if path.suffix == ".safetensors":
        from safetensors import SafetensorError
        from safetensors.torch import load_file

        try:
            loaded: Any = load_file(str(path), device="cpu")
        except SafetensorError as error:
            raise Unusable("it is not a valid safetensors file") from error
    else:
        import pickle

        try:
            loaded = torch.load(str(path), map_location="cpu", weights_only=True)
        except OSError:
            raise  # unreadable: the caller reports the system's reason
        except pickle.UnpicklingError as error:
            # weights_only refuses anything but tensors and plain containers; we never retry unsafely.
            if "weights only" in str(error).lower():
                raise Unusable("it holds program objects, not just weights, so it was not opened") from error
            raise Unusable("it is not a PyTorch weights file, or it is damaged") from error
        except Exception as error:  # garbage bytes surface as KeyError, EOFError, BadZipFile...
            raise Unusable("it is not a PyTorch weights file, or it is damaged") from error
    if isinstance(loaded, Mapping) and isinstance(loaded.get("state_dict"), Mapping):
        loaded = loaded["state_dict"]
    if not isinstance(loaded, Mapping) or not loaded:
        raise Unusable("it does not contain a table of model weights")
    state: dict[str, Any] = {}
    for key, value in loaded.items():
        if not isinstance(key, str) or not isinstance(value, torch.Tensor):
            raise Unusable("it contains entries that are not model weights")
        state[key.removeprefix("module.")] = value  # saved from DataParallel/DDP
    return state


def check_fits(model: Any, state: dict[str, Any]) -> None:
    """Say in words how the file differs from the model, before load_state_dict says it in code."""
    expected = model.state_dict()
    if "logit_scale" in state and state["logit_scale"].ndim != expected["logit_scale"].ndim:
        state["logit_scale"] = state["logit_scale"].reshape(expected["logit_scale"].shape)
    state.pop("text.transformer.embeddings.position_ids", None)  # dropped by newer transformers
    missing = expected.keys() - state.keys()
    extra = state.keys() - expected.keys()
    wrong = [k for k in expected.keys() & state.keys() if tuple(expected[k].shape) != tuple(state[k].shape)]
    if missing or extra or wrong:
        parts = [
            f"{len(items)} {label}"
            for items, label in ((missing, "missing"), (extra, "unexpected"), (wrong, "of the wrong shape"))
            if items
        ]
        raise Unusable(f"its weights do not fit this model ({', '.join(parts)})")
