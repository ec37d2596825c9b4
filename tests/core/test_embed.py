"""Encoders: the shipped text model offline, and a tiny CLIP for every weights path, good and bad."""

from __future__ import annotations

import itertools
import socket
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import ClipUnavailable, ModelUnavailable
from desktop.core.embed import ClipEncoder, TextEncoder, default_text_model_path
from desktop.core.embed.text import _pieces
from tests.tiny_clip import TINY_CLIP_DIM, make_tiny_clip, tiny_clip_state_dict, write_tiny_clip_config


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails loudly, so 'offline' is proven, not assumed."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network access is disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def text_encoder() -> TextEncoder:
    encoder = TextEncoder()  # imports sentence-transformers once for the module (~6 s)
    encoder.load()
    return encoder


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)  # both are unit vectors


# -- text ---------------------------------------------------------------------------------


def test_default_model_ships_in_a_package() -> None:
    assert (Path(default_text_model_path()) / "config.json").is_file()


def test_text_encoder_is_lazy() -> None:
    encoder = TextEncoder()
    assert not encoder.loaded


def test_default_text_encoder(text_encoder: TextEncoder) -> None:
    assert text_encoder.dim == 384
    assert text_encoder.max_tokens == 256
    assert text_encoder.special_tokens_count == 2
    vectors = text_encoder.encode(["a cat sits on the mat", "a kitten on a rug", "stock market report"])
    assert vectors.shape == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cat, kitten, stocks = vectors
    assert cosine(cat, kitten) > cosine(cat, stocks)


def test_encode_keeps_order_despite_length_sorting(text_encoder: TextEncoder) -> None:
    texts = ["short", "a much longer sentence about gardening and tomatoes " * 5, "mid length text here", "x"]
    together = text_encoder.encode(texts, batch_size=2)
    for text, vector in zip(texts, together, strict=True):
        np.testing.assert_allclose(vector, text_encoder.encode_query(text), atol=1e-5)


def test_encode_empty(text_encoder: TextEncoder) -> None:
    assert text_encoder.encode([]).shape == (0, 384)


def test_token_offsets_map_back_to_text(text_encoder: TextEncoder) -> None:
    text = "Héllo wörld, naïve café!\n\nTokenization of receipts from the plumber."
    offsets = text_encoder.token_offsets(text)
    assert len(offsets) == text_encoder.count_tokens(text)
    pieces = [text[a:b] for a, b in offsets]
    assert "Héllo" in pieces and "café" in pieces and "receipts" in pieces
    # Tokens are in order, inside the text, and together cover every non-space character.
    assert all(0 <= a < b <= len(text) for a, b in offsets)
    assert all(prev[1] <= cur[0] for prev, cur in itertools.pairwise(offsets))
    covered = "".join(pieces)
    assert covered == "".join(text.split())


def test_token_offsets_of_long_text_are_absolute(text_encoder: TextEncoder) -> None:
    words = [f"word{i % 97}" for i in range(40_000)]  # ~270k chars: several pieces
    text = " ".join(words)
    offsets = text_encoder.token_offsets(text)
    assert offsets[-1][1] == len(text)
    assert "".join(text[a:b] for a, b in offsets) == text.replace(" ", "")


def test_pieces_split_on_whitespace() -> None:
    text = "abc " * 100
    pieces = _pieces(text, 50)
    assert "".join(piece for _, piece in pieces) == text
    for start, piece in pieces:
        assert text[start : start + len(piece)] == piece
        assert not piece[-1:].isalpha() or start + len(piece) == len(text) or text[start + len(piece)] == " "


@pytest.mark.parametrize("name", ["no-such-model-xyz", "/nowhere/at/all/model"])
def test_unknown_text_model(name: str) -> None:
    with pytest.raises(ModelUnavailable) as caught:
        TextEncoder(name).encode(["hello"])
    message = str(caught.value)
    assert f"The text model '{name}' is not installed on this computer." in message
    assert "all-MiniLM-L6-v2" in message


# -- CLIP ---------------------------------------------------------------------------------


@pytest.fixture
def tiny(tmp_path: Path) -> tuple[Path, Path]:
    return make_tiny_clip(tmp_path)


def _images() -> list:
    from PIL import Image

    return [Image.new("RGB", (64, 48), "red"), Image.new("L", (20, 30), 128), Image.new("RGBA", (8, 8))]


def _assert_unit_rows(vectors: np.ndarray, n: int) -> None:
    assert vectors.shape == (n, TINY_CLIP_DIM)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_tiny_clip_from_config_and_safetensors(tiny: tuple[Path, Path]) -> None:
    config, weights = tiny
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    assert encoder.arch == "tiny-clip-test"
    assert encoder.problem() is None
    assert encoder.dim == TINY_CLIP_DIM
    _assert_unit_rows(encoder.encode_images(_images()), 3)
    _assert_unit_rows(encoder.encode_texts(["a dog", "kids on a beach at sunset"]), 2)
    assert encoder.encode_query("a dog").shape == (TINY_CLIP_DIM,)
    # A loader thread preprocesses ahead; encoding its tensors gives the same vectors.
    import torch

    batch = torch.stack([encoder.preprocess(image) for image in _images()])
    np.testing.assert_allclose(encoder.encode_tensors(batch), encoder.encode_images(_images()), atol=1e-5)


def test_tiny_clip_weights_are_really_loaded(tiny: tuple[Path, Path]) -> None:
    config, weights = tiny
    first = ClipEncoder(str(config), pretrained=None, weights=str(weights)).encode_query("a dog")
    second = ClipEncoder(str(config), pretrained=None, weights=str(weights)).encode_query("a dog")
    np.testing.assert_allclose(first, second, atol=1e-6)  # not a fresh random init each time


def test_openvino_clip_gives_the_same_photo_and_query_vectors(tiny: tuple[Path, Path]) -> None:
    config, weights = tiny
    torch_side = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    fast = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    vectors = fast.encode_images(_images())
    assert fast._fast_images is not None and torch_side._fast_images is None  # OpenVINO really ran
    _assert_unit_rows(vectors, 3)
    cosine = (vectors * torch_side.encode_images(_images())).sum(axis=1)
    assert cosine.min() > 0.999, cosine  # bf16 on AMX CPUs measured 0.99995; fp32 elsewhere
    texts = ["a dog", "kids on a beach at sunset"]
    assert fast._fast_texts is not None
    assert (fast.encode_texts(texts) * torch_side.encode_texts(texts)).sum(axis=1).min() > 0.999


def test_image_side_falls_back_to_pytorch_when_openvino_cannot_compile(
    tiny: tuple[Path, Path], monkeypatch, tmp_path: Path
) -> None:
    from desktop.core.embed import ov_clip

    # No cached OpenVINO copy, and the conversion (a child process) fails.
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(ov_clip, "convert_in_child", lambda spec: False)
    config, weights = tiny
    fast = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    vectors = fast.encode_images(_images())
    assert fast._fast_images is None and fast._fast_texts is None
    torch_side = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    np.testing.assert_allclose(vectors, torch_side.encode_images(_images()), atol=1e-6)


@pytest.mark.parametrize("wrap", ["plain", "state_dict", "module_prefix"])
def test_torch_saved_state_dict(tmp_path: Path, wrap: str) -> None:
    import torch

    config = write_tiny_clip_config(tmp_path)
    state = tiny_clip_state_dict(config)
    if wrap == "state_dict":
        payload: dict = {"epoch": 3, "state_dict": state}
    elif wrap == "module_prefix":
        payload = {f"module.{k}": v for k, v in state.items()}
    else:
        payload = state
    path = tmp_path / "weights.pt"
    torch.save(payload, path)
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(path))
    _assert_unit_rows(encoder.encode_texts(["hello"]), 1)


class Booby:
    """Unpickling this would create a file: proof of code execution."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (open, (str(self.marker), "w"))


def test_pickled_code_is_refused_not_run(tmp_path: Path) -> None:
    import torch

    config = write_tiny_clip_config(tmp_path)
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.pt"
    torch.save({"state_dict": Booby(marker)}, path)
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(path))
    with pytest.raises(ClipUnavailable) as caught:
        encoder.encode_texts(["hello"])
    assert not marker.exists()
    message = str(caught.value)
    assert f"The CLIP weights file {path} could not be used" in message
    assert "not just weights" in message
    assert "text search keeps working" in message
    assert encoder.problem() == message  # the banner shows the real reason afterwards


def test_garbage_weights_file(tmp_path: Path) -> None:
    config = write_tiny_clip_config(tmp_path)
    for name in ("junk.pt", "junk.safetensors"):
        path = tmp_path / name
        path.write_bytes(b"\x00not weights at all" * 50)
        with pytest.raises(ClipUnavailable, match="could not be used"):
            ClipEncoder(str(config), pretrained=None, weights=str(path)).load()


def test_wrong_shape_weights(tmp_path: Path) -> None:
    from safetensors.torch import save_file

    config = write_tiny_clip_config(tmp_path)
    state = tiny_clip_state_dict(config)
    state["text_projection"] = state["text_projection"][:, :16].contiguous()
    del state["logit_scale"]
    path = tmp_path / "wrong.safetensors"
    save_file(state, str(path))
    with pytest.raises(ClipUnavailable) as caught:
        ClipEncoder(str(config), pretrained=None, weights=str(path)).encode_images(_images())
    assert "do not fit this model (1 missing, 1 of the wrong shape)" in str(caught.value)


def test_missing_weights_file(tmp_path: Path) -> None:
    config = write_tiny_clip_config(tmp_path)
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(tmp_path / "gone.safetensors"))
    assert "the file does not exist" in (encoder.problem() or "")
    with pytest.raises(ClipUnavailable):
        encoder.load()


def test_no_weights_and_empty_cache(tmp_path: Path) -> None:
    encoder = ClipEncoder("ViT-B-32", pretrained="laion2b_s34b_b79k", weights=None, cache_dir=str(tmp_path))
    expected = (
        "Photo search needs CLIP weights for ViT-B-32, and none are on this computer. Choose a weights "
        "file in Settings (clip_weights), or download them with `semdesk download-clip` when online. "
        "Text search keeps working."
    )
    assert encoder.problem() == expected
    assert not encoder.available
    with pytest.raises(ClipUnavailable) as caught:
        encoder.encode_images(_images())
    assert str(caught.value) == expected
    assert encoder.dim == 512  # known from the config alone, for building empty indexes


def _fake_hub_cache(cache: Path, repo: str, filename: str, source: Path) -> None:
    """The layout huggingface_hub writes: refs/main -> snapshots/<commit>/<file>."""
    commit = "0" * 40
    folder = cache / f"models--{repo.replace('/', '--')}"
    (folder / "refs").mkdir(parents=True)
    (folder / "refs" / "main").write_text(commit)
    (folder / "snapshots" / commit).mkdir(parents=True)
    (folder / "snapshots" / commit / filename).write_bytes(source.read_bytes())


def test_weights_found_in_hf_cache(tiny: tuple[Path, Path], tmp_path: Path, monkeypatch) -> None:
    from desktop.core.embed import clip

    config, weights = tiny
    monkeypatch.setitem(clip.KNOWN_HF_HUB, ("tiny-clip-test", "tinytag"), "example/tiny-clip/")
    cache = tmp_path / "hub"
    encoder = ClipEncoder(str(config), pretrained="tinytag", weights=None, cache_dir=str(cache))
    assert encoder.problem() is not None
    _fake_hub_cache(cache, "example/tiny-clip", "open_clip_model.safetensors", weights)
    assert encoder.problem() is None
    _assert_unit_rows(encoder.encode_images(_images()), 3)


def test_known_hub_table_matches_open_clip() -> None:
    import open_clip

    from desktop.core.embed.clip import KNOWN_HF_HUB

    for (arch, tag), hub in KNOWN_HF_HUB.items():
        assert open_clip.get_pretrained_cfg(arch, tag)["hf_hub"] == hub


def test_download_offline_is_a_plain_error(tmp_path: Path) -> None:
    encoder = ClipEncoder("ViT-B-32", pretrained="laion2b_s34b_b79k", cache_dir=str(tmp_path))
    with pytest.raises(ClipUnavailable, match="you seem to be offline"):
        encoder.download()
    # The download lifted offline mode only for itself.
    from huggingface_hub import constants

    assert constants.HF_HUB_OFFLINE


def test_folder_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a model")
    with pytest.raises(ModelUnavailable, match="does not hold a sentence-transformers model"):
        TextEncoder(str(tmp_path)).load()


def test_concurrent_first_use_loads_once(tiny: tuple[Path, Path]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    config, weights = tiny
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: encoder.encode_query(f"query {i}"), range(8)))
    assert all(r.shape == (TINY_CLIP_DIM,) for r in results)
    model = encoder._model
    encoder.load()
    assert encoder._model is model


def test_import_and_status_stay_light() -> None:
    """The window must appear fast: importing encoders and the CLIP banner check load no torch."""
    import subprocess
    import sys

    code = (
        "import sys, tempfile\n"
        "from desktop.core.embed import ClipEncoder, TextEncoder\n"
        "TextEncoder(); ClipEncoder(cache_dir=tempfile.mkdtemp()).problem()\n"
        "heavy = {'torch', 'sentence_transformers', 'open_clip', 'transformers'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root, timeout=60)
