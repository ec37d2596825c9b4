"""The torch-free text path (issue 14): OpenVINO + Hugging Face tokenizers give
sentence-transformers' vectors, and a whole `semdesk search` / `semdesk index` process never
imports torch, sentence-transformers or open_clip once the OpenVINO models are cached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from desktop.core.embed.calibration import _docstrings
from desktop.core.embed.hf_tokenize import NotTorchFree, pool, read_layout
from desktop.core.embed.ov_text import OvTextEncoder, ir_folder, ir_ready
from desktop.core.embed.text import TextEncoder, default_text_model_path

HEAVY = ("torch", "sentence_transformers", "open_clip", "transformers")
ROOT = Path(__file__).resolve().parents[2]


def _passages(n: int = 200) -> list[str]:
    words = " ".join(_docstrings()).split()
    step = max(1, len(words) // n)
    texts = [" ".join(words[i : i + 8 + (i * 13) % 90]) for i in range(0, step * n, step)][: n - 5]
    # Edge cases: surrounding spaces, nothing, accents and CJK, and a text far over the length limit.
    return [*texts, "  spaced out  ", "", "Ünïcödé CAPITALS 日本語", "x " * 2000, "how do I read a file"]


@pytest.fixture(scope="module")
def reference() -> tuple[list[str], np.ndarray]:
    texts = _passages()
    return texts, TextEncoder().encode(texts)


def test_fp32_vectors_are_sentence_transformers_vectors(reference: tuple[list[str], np.ndarray]) -> None:
    texts, expected = reference
    vectors = OvTextEncoder(default_text_model_path(), "fp32").encode(texts, batch_size=16)
    assert vectors.shape == expected.shape and vectors.dtype == np.float32
    cosines = (vectors * expected).sum(axis=1)
    assert cosines.min() >= 0.9999, f"lowest cosine {cosines.min():.6f}"
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_stay_close_and_a_query_is_its_batch_vector(reference: tuple[list[str], np.ndarray]) -> None:
    texts, expected = reference
    encoder = OvTextEncoder(default_text_model_path(), "int8")
    vectors = encoder.encode(texts[:64])
    assert float((vectors * expected[:64]).sum(axis=1).mean()) >= 0.99
    np.testing.assert_allclose(encoder.encode_query(texts[3]), vectors[3], atol=2e-3)


def test_the_chunker_sees_the_same_tokens_and_limits() -> None:
    torch_side, free = TextEncoder(), OvTextEncoder(default_text_model_path(), "int8")
    text = "Parse ARGV, then read\tthe file line by line: naïve café 日本語. " * 40
    assert free.token_offsets(text) == torch_side.token_offsets(text)
    assert free.max_tokens == torch_side.max_tokens == 256
    assert free.special_tokens_count == torch_side.special_tokens_count == 2
    assert free.dim == torch_side.dim == 384


def test_pooling_modes_follow_sentence_transformers() -> None:
    hidden = np.arange(2 * 3 * 2, dtype=np.float32).reshape(2, 3, 2)
    mask = np.array([[1, 1, 0], [1, 0, 0]])
    np.testing.assert_allclose(pool(hidden, mask, ("mean",)), [[1, 2], [6, 7]])
    np.testing.assert_allclose(pool(hidden, mask, ("cls",)), [[0, 1], [6, 7]])
    np.testing.assert_allclose(pool(hidden, mask, ("max",)), [[2, 3], [6, 7]])
    np.testing.assert_allclose(pool(hidden, mask, ("mean_sqrt_len_tokens",)), [[2 / 2**0.5, 4 / 2**0.5], [6, 7]])


def test_a_model_with_layers_it_cannot_reproduce_is_refused(tmp_path: Path) -> None:
    (tmp_path / "modules.json").write_text(
        '[{"type": "sentence_transformers.models.Transformer", "path": ""},'
        ' {"type": "sentence_transformers.models.Dense", "path": "2_Dense"}]'
    )
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(NotTorchFree, match="Dense"):
        read_layout(tmp_path)
    assert read_layout(default_text_model_path()).pooling == ("mean",)


def test_conversion_works_when_the_cache_is_missing(tmp_path: Path, monkeypatch, reference) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    source = default_text_model_path()
    assert not ir_ready(ir_folder(source, "fp32"))
    encoder = OvTextEncoder(source, "fp32")
    encoder.load()  # converts, in a child process that imports torch (this one already has it here)
    assert ir_ready(ir_folder(source, "fp32"))
    texts, expected = reference
    assert float((encoder.encode(texts[:8]) * expected[:8]).sum(axis=1).min()) >= 0.9999
    assert any((tmp_path / "cache" / "openvino-compiled").iterdir())  # OpenVINO's model cache


def _heavy_imports(stderr: str) -> set[str]:
    """Top-level packages of HEAVY that `-X importtime` saw imported."""
    found = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            top = name.split(".")[0]
            if top in HEAVY:
                found.add(top)
    return found


def _semdesk(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-X", "importtime", "-m", "desktop", "--library", str(library), *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_searching_and_indexing_never_import_torch(tmp_path: Path) -> None:
    # The conftest pins the encoder to int8, whose cached model the tests above made or found.
    assert ir_ready(ir_folder(default_text_model_path(), "int8"))
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "files.txt").write_text("To read a file line by line, open it and loop over the file object.\n")
    (docs / "cats.md").write_text("# Cats\n\nCats sleep most of the day and purr when content.\n")
    library = tmp_path / "lib"
    indexed = _semdesk(library, "index", str(docs))
    assert indexed.returncode == 0, indexed.stderr[-2000:]
    assert _heavy_imports(indexed.stderr) == set()
    found = _semdesk(library, "search", "how do I read a file line by line", "--json")
    assert found.returncode == 0, found.stderr[-2000:]
    assert "files.txt" in found.stdout.split("cats.md")[0]  # the right note first
    assert _heavy_imports(found.stderr) == set()
    # The check itself can fail: a process that does import torch is caught.
    probe = subprocess.run([sys.executable, "-X", "importtime", "-c", "import torch"],
                           capture_output=True, text=True, check=True)
    assert "torch" in _heavy_imports(probe.stderr)
