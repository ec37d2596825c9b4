"""One encoder per model in a process: they cost seconds and hundreds of MB, and are stateless,
so every library opened in the process (the GUI reopening one, tests) shares them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

_ENCODERS: dict[tuple[Any, ...], Any] = {}
_LOCK = threading.Lock()


def shared_encoder(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    with _LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = make()
        return _ENCODERS[key]


def make_text_encoder(model: str, runtime: str) -> Any:
    """An encoder for `model` run by `runtime` (one of encoder_choice.ENCODERS, or "pytorch-int8":
    sentence-transformers around the int8 transformer, for a model the torch-free path cannot run)."""
    if runtime.startswith("openvino-"):
        from desktop.core.embed.ov_text import OvTextEncoder

        return OvTextEncoder(model, runtime.removeprefix("openvino-"))
    from desktop.core.embed.text import TextEncoder

    return TextEncoder(model, int8=runtime == "pytorch-int8")


def shared_text_encoder(model: str, runtime: str, *, queries: bool = False) -> Any:
    """The process's text encoder for `model`: the indexer's copy, or the copy that answers queries
    (its tokenizer is not shareable between threads, and typing must not wait behind a batch)."""
    key = ("text-query" if queries else "text", model, runtime)
    return shared_encoder(key, lambda: make_text_encoder(model, runtime))
