"""CLIP without torch (issue 14): the saved OpenVINO sides, open_clip's preprocessing and its BPE
tokenizer reproduced, checked against open_clip itself on the tiny CLIP of tests/tiny_clip.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from desktop.core.embed import ov_clip
from desktop.core.embed.clip import ClipEncoder

ROOT = Path(__file__).resolve().parents[2]
TEXTS = ["a dog", "Kids on a BEACH at sunset!", "naïve café &amp; 日本語 photo", "it's 3 o'clock", "x " * 100,
         "", "<start_of_text> odd", "   spaced    out   "]


def _images() -> list[Image.Image]:
    rng = np.random.default_rng(0)
    sizes = [(64, 48), (31, 90), (20, 20), (200, 33)]  # portrait, landscape, smaller than the input
    images = [Image.fromarray(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)) for w, h in sizes]
    images.append(Image.fromarray(rng.integers(0, 255, (50, 40), dtype=np.uint8)))  # grey: made RGB
    return images


@pytest.fixture(scope="module")
def pair(tiny_clip: tuple[Path, Path]) -> tuple[ClipEncoder, ClipEncoder]:
    config, weights = tiny_clip
    torch_side = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    free = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    free.load()
    return torch_side, free


def test_the_tokenizer_is_open_clips(pair: tuple[ClipEncoder, ClipEncoder]) -> None:
    torch_side, _ = pair
    torch_side.load()
    ours = ov_clip.ClipTokenizer(77, "lower")
    np.testing.assert_array_equal(ours(TEXTS), torch_side._tokenizer(TEXTS).numpy())


def test_the_preprocessing_is_open_clips(pair: tuple[ClipEncoder, ClipEncoder]) -> None:
    torch_side, free = pair
    torch_side.load()
    for image in _images():
        np.testing.assert_allclose(free.preprocess(image), torch_side._preprocess(image).numpy(), atol=1e-5)


def test_photo_and_query_vectors_match_open_clip(pair: tuple[ClipEncoder, ClipEncoder]) -> None:
    torch_side, free = pair
    assert free._ov is not None and free._model is None  # no open_clip model in this encoder
    images = _images()
    cosines = (free.encode_images(images) * torch_side.encode_images(images)).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines
    cosines = (free.encode_texts(TEXTS) * torch_side.encode_texts(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.9999, cosines
    assert free.dim == torch_side.dim and free.input_size == torch_side.input_size


def test_the_models_are_converted_once_and_cached(pair: tuple[ClipEncoder, ClipEncoder], tiny_clip) -> None:
    _, free = pair
    folder = ov_clip.folder_of(free.spec())
    assert ov_clip.ready(folder) and {"image.xml", "text.xml", "meta.json"} <= {p.name for p in folder.iterdir()}
    # A new process reads them: no torch, no open_clip (checked with -X importtime).
    config, weights = tiny_clip
    code = (
        "from desktop.core.embed.clip import ClipEncoder\n"
        f"e = ClipEncoder({str(config)!r}, pretrained=None, weights={str(weights)!r}, openvino=True)\n"
        "print(e.encode_query('a dog').shape, e.dim)\n"
    )
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True)
    assert done.stdout.split() == ["(32,)", "32"]
    heavy = {line.rsplit("|", 1)[1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not heavy & {"torch", "open_clip", "torchvision"}


def test_pytorch_does_the_work_when_conversion_fails(tiny_clip, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(ov_clip, "convert_in_child", lambda spec: False)
    config, weights = tiny_clip
    fallback = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    vectors = fallback.encode_images(_images())
    assert fallback._ov is None and fallback._model is not None
    torch_side = ClipEncoder(str(config), pretrained=None, weights=str(weights))
    np.testing.assert_allclose(vectors, torch_side.encode_images(_images()), atol=1e-6)
