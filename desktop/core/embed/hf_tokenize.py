"""A sentence-transformers model's text side without torch: its tokenizer (Hugging Face
`tokenizers`, the Rust library the fast tokenizer wraps), its pooling and its normalisation.

sentence-transformers tokenises with the model's fast tokenizer (truncated to the model's
max_seq_length, padded to the longest text of the batch), runs the transformer, pools the
token vectors (mean over real tokens for most models) and L2-normalises. This module does the
steps before and after the transformer the same way, in numpy; tests/core/test_torch_free.py
checks the vectors against sentence-transformers' (cosine >= 0.9999).

A model this cannot reproduce (no tokenizer.json, a Dense layer after pooling, an unusual
pooling mode) raises NotTorchFree, and semdesk runs it through sentence-transformers instead.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

# The pooling modes reproduced here (sentence-transformers' config keys).
_POOLING = {
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_cls_token": "cls",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len_tokens",
}


class NotTorchFree(Exception):
    """This model's text side needs sentence-transformers' own modules; str() says why."""


@dataclass(frozen=True)
class ModelLayout:
    """What the model folder says about the steps around its transformer."""

    folder: Path  # the transformer's folder (config.json, tokenizer.json)
    max_seq_length: int
    do_lower_case: bool
    pooling: tuple[str, ...]
    dim: int


def _read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise NotTorchFree(f"{path.name} could not be read ({error})") from error
    if not isinstance(value, dict | list):
        raise NotTorchFree(f"{path.name} is not a table")
    return value  # type: ignore[return-value]


def _optional_json(path: Path) -> dict[str, Any]:
    return _read_json(path) if path.is_file() else {}


def read_layout(source: str | Path) -> ModelLayout:
    """The layout of a sentence-transformers model folder: Transformer, Pooling, Normalize only."""
    root = Path(source)
    modules_file = root / "modules.json"
    if not modules_file.is_file():
        raise NotTorchFree("the folder has no modules.json")
    modules = _read_json(modules_file)
    kinds = [(str(m.get("type", "")).rsplit(".", 1)[-1], root / str(m.get("path", ""))) for m in modules]
    names = [kind for kind, _ in kinds]
    if not names or names[0] != "Transformer" or any(k not in ("Pooling", "Normalize") for k in names[1:]):
        raise NotTorchFree(f"its modules are {', '.join(names) or 'none'}, not Transformer, Pooling, Normalize")
    folder = kinds[0][1]
    if not (folder / "tokenizer.json").is_file():
        raise NotTorchFree("it has no tokenizer.json")
    st_config = _optional_json(folder / "sentence_bert_config.json")
    hf_config = _read_json(folder / "config.json")
    tok_config = _optional_json(folder / "tokenizer_config.json")
    max_len = st_config.get("max_seq_length") or tok_config.get("model_max_length") or 512
    max_len = min(int(max_len), int(hf_config.get("max_position_embeddings", max_len)))
    pooling: tuple[str, ...] = ("mean",)
    dim = int(hf_config.get("hidden_size", 0))
    pool_dirs = [path for kind, path in kinds if kind == "Pooling"]
    if len(pool_dirs) > 1:
        raise NotTorchFree("it pools twice")
    if pool_dirs:
        pool = _read_json(pool_dirs[0] / "config.json")
        if pool.get("pooling_mode"):  # newer configs name the mode directly
            mode = pool["pooling_mode"]
            pooling = tuple(mode) if isinstance(mode, list) else (str(mode),)
        else:
            pooling = tuple(name for key, name in _POOLING.items() if pool.get(key))
            other = [k for k, v in pool.items() if k.startswith("pooling_mode") and v and k not in _POOLING]
            if other:
                raise NotTorchFree(f"its pooling ({', '.join(other)}) is not reproduced without torch")
        if pool.get("include_prompt") is False:
            raise NotTorchFree("its pooling leaves out a prompt")
        dim = int(pool.get("word_embedding_dimension", dim))
        if not pooling or any(mode not in _POOLING.values() for mode in pooling):
            raise NotTorchFree(f"its pooling {pooling} is not reproduced without torch")
    if not dim:
        raise NotTorchFree("its config does not say how long its vectors are")
    return ModelLayout(folder, max_len, bool(st_config.get("do_lower_case", False)), pooling, dim * len(pooling))


class SentenceTokenizer:
    """Token ids for batches (truncated, padded) and character offsets for chunking.

    Two Rust tokenizer objects: the batch one is reconfigured per call and the offsets one is used
    by the indexer's loader thread while a batch encodes; each has its own lock because a
    `tokenizers.Tokenizer` raises "Already borrowed" when two threads use it at once.
    """

    def __init__(self, layout: ModelLayout) -> None:
        from tokenizers import Tokenizer

        self.layout = layout
        path = str(layout.folder / "tokenizer.json")
        self._batch = Tokenizer.from_file(path)
        self._batch.enable_truncation(max_length=layout.max_seq_length, strategy="longest_first")
        padding = self._batch.padding or {}
        # tokenizer.json may pad to a fixed length; sentence-transformers pads to the longest text.
        self._batch.enable_padding(
            pad_id=int(padding.get("pad_id", 0)),
            pad_type_id=int(padding.get("pad_type_id", 0)),
            pad_token=str(padding.get("pad_token", "[PAD]")),
            direction=str(padding.get("direction", "right")),
        )
        # The offsets one is read from the file when the chunker first asks: a query never needs it.
        self._offsets: Any = None
        self._special: int | None = None
        self._batch_lock = threading.Lock()
        self._offset_lock = threading.Lock()

    @property
    def special_tokens_count(self) -> int:
        """How many tokens the model adds around a text ([CLS] and [SEP]: 2)."""
        with self._offset_lock:
            if self._special is None:
                self._special = len(self._offsets_tokenizer().encode("", add_special_tokens=True).ids)
            return self._special

    def _offsets_tokenizer(self) -> Any:
        """Under `_offset_lock`: the untruncated, unpadded tokenizer, made once."""
        if self._offsets is None:
            from tokenizers import Tokenizer

            self._offsets = Tokenizer.from_file(str(self.layout.folder / "tokenizer.json"))
            self._offsets.no_truncation()
            self._offsets.no_padding()
        return self._offsets

    def _prepare(self, texts: list[str]) -> list[str]:
        return [text.lower() for text in texts] if self.layout.do_lower_case else list(texts)

    def batch(self, texts: list[str]) -> dict[str, np.ndarray]:
        """input_ids, attention_mask, token_type_ids: int64 (n, longest) arrays."""
        with self._batch_lock:
            encodings = self._batch.encode_batch(self._prepare(texts), add_special_tokens=True)
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character offsets of each token of `text`, no special tokens, no limit."""
        with self._offset_lock:
            return list(self._offsets_tokenizer().encode(text, add_special_tokens=False).offsets)


def pool(hidden: np.ndarray, mask: np.ndarray, modes: tuple[str, ...]) -> np.ndarray:
    """sentence-transformers' pooling of (n, tokens, dim) token vectors over the real tokens."""
    weights = mask[..., None].astype(np.float32)
    parts: list[np.ndarray] = []
    for mode in modes:
        if mode == "cls":
            parts.append(hidden[np.arange(len(hidden)), mask.argmax(axis=1)])
        elif mode == "max":
            parts.append(np.where(weights > 0, hidden, -np.inf).max(axis=1))
        else:
            total = (hidden * weights).sum(axis=1)
            count = np.clip(weights.sum(axis=1), 1e-9, None)
            parts.append(total / (count if mode == "mean" else np.sqrt(count)))
    return np.concatenate(parts, axis=1) if len(parts) > 1 else parts[0]


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """L2-normalised rows as torch's F.normalize does it (a zero row stays zero)."""
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
