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


def shared_text_encoder(model: str, int8: bool, *, queries: bool = False) -> Any:
    """The process's TextEncoder for `model`: the indexer's copy, or the copy that answers queries
    (its tokenizer is not shareable between threads, and typing must not wait behind a batch)."""
    from desktop.core.embed.text import TextEncoder

    return shared_encoder(("text-query" if queries else "text", model, int8), lambda: TextEncoder(model, int8=int8))
