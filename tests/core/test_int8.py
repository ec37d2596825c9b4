"""The int8 text encoder (OpenVINO, NNCF): its vectors, its model version, and its cached model."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import ModelUnavailable
from desktop.core.common.locations import ENV_CACHE
from desktop.core.embed import TextEncoder, default_text_model_path
from desktop.core.embed import int8 as int8_module
from desktop.core.embed.calibration import calibration_texts
from desktop.core.library import Library
from desktop.core.workspace.versions import INT8_SUFFIX
from tests.conftest import index

SENTENCES = [
    "How do I read a file line by line in Python?",
    "The plumber sent a receipt for the kitchen sink repair.",
    "Kids playing on a beach at sunset.",
    "Compress a folder into a zip archive.",
]


@pytest.fixture(scope="module")
def int8_pair() -> tuple[np.ndarray, np.ndarray]:
    return TextEncoder().encode(SENTENCES), TextEncoder(int8=True).encode(SENTENCES)


def _cached_model_folder() -> Path:
    return int8_module.cache_root() / "int8" / int8_module._cache_key(default_text_model_path())


def test_int8_vectors_are_normalised_and_close_to_fp32(int8_pair: tuple[np.ndarray, np.ndarray]) -> None:
    fp32, int8 = int8_pair
    assert int8.dtype == np.float32 and int8.shape == fp32.shape
    np.testing.assert_allclose(np.linalg.norm(int8, axis=1), 1.0, atol=1e-4)
    cosine = (fp32 * int8).sum(axis=1)
    assert cosine.min() > 0.98, cosine  # measured 0.99-0.999; torch's dynamic int8 was 0.95-0.98
    # Still the same ranking: each int8 sentence is nearest its own fp32 vector.
    assert ((int8 @ fp32.T).argmax(axis=1) == np.arange(len(SENTENCES))).all()


def test_a_query_alone_gets_the_vector_it_gets_in_a_batch(int8_pair: tuple[np.ndarray, np.ndarray]) -> None:
    """One text runs on the one-thread compiled model, batches on the other: the same model."""
    _, batched = int8_pair
    alone = TextEncoder(int8=True).encode_query(SENTENCES[1])
    assert float(alone @ batched[1]) > 0.999


def test_int8_is_the_default_and_switching_it_off_re_embeds(library: Library, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Sourdough bread needs a lively starter and a long proof.")
    index(library, docs)
    int8_version = library.workspace.versions.active_id("text")
    assert library.workspace.versions.active("text").name.endswith(INT8_SUFFIX)
    assert library.workspace.encoders.text().int8 and library.workspace.encoders.query().int8

    library.set_setting("text_int8", False)
    fp32_version = library.workspace.versions.active_id("text")
    assert fp32_version != int8_version
    assert library.workspace.versions.active_text_model() == (library.get_setting("text_model"), False)
    assert not library.workspace.encoders.text().int8 and not library.workspace.encoders.query().int8
    assert index(library, docs).indexed == 1  # the file's vectors came from the other space
    assert library.search_documents("bread starter")[0].path.endswith("a.txt")

    library.set_setting("text_int8", True)
    assert library.workspace.versions.active_id("text") == int8_version


def test_without_the_int8_runtime_the_setting_means_full_precision(library: Library, monkeypatch) -> None:
    import desktop.core.embed.text as text_module

    monkeypatch.setattr(text_module, "int8_available", lambda: False)
    assert library.get_setting("text_int8") is True
    assert library.workspace.versions.base_text_name() == library.get_setting("text_model")
    assert library.workspace.versions.active_text_model()[1] is False


def test_the_cached_model_is_reused(int8_pair: tuple[np.ndarray, np.ndarray], monkeypatch) -> None:
    def no_make(*_: object) -> None:
        raise AssertionError("the cached int8 model was made again")

    monkeypatch.setattr(int8_module, "_make", no_make)
    again = TextEncoder(int8=True).encode(SENTENCES)
    np.testing.assert_allclose(again, int8_pair[1], atol=1e-6)


def test_a_damaged_or_unfinished_cached_model_is_made_again(
    int8_pair: tuple[np.ndarray, np.ndarray], tmp_path: Path, monkeypatch
) -> None:
    """Same-size garbage in the weights (caught by the checksum), and a make killed before it
    finished (a leftover temp folder): the model is remade, to the same vectors."""
    good = _cached_model_folder()
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "cache"))
    copy = _cached_model_folder()
    shutil.copytree(good, copy)
    weights = copy / "model.bin"
    weights.write_bytes(np.random.default_rng(0).bytes(weights.stat().st_size))
    (copy.parent / ".making-killed").mkdir()

    remade = TextEncoder(int8=True).encode(SENTENCES)
    np.testing.assert_allclose(remade, int8_pair[1], atol=1e-5)  # the calibration texts are fixed
    assert (copy / "model.bin").read_bytes() == (good / "model.bin").read_bytes()


def test_a_model_openvino_cannot_convert_is_refused_in_plain_words(tmp_path: Path, monkeypatch) -> None:
    import openvino

    def refuse(*_: object, **__: object) -> None:
        raise RuntimeError("unsupported operation: aten::frobnicate")

    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "cache"))
    monkeypatch.setattr(openvino, "convert_model", refuse)
    with pytest.raises(ModelUnavailable, match="Turn off the text_int8 setting") as raised:
        TextEncoder(int8=True).load()
    assert "aten::frobnicate" in str(raised.value)
    assert not any((tmp_path / "cache" / "int8").iterdir())  # no half-made model left behind


def test_calibration_texts_are_fixed_and_cover_passages_and_queries() -> None:
    batches = calibration_texts()
    assert batches == calibration_texts()
    texts = [text for batch in batches for text in batch]
    assert len(texts) >= 48
    lengths = [len(text.split()) for text in texts]
    assert max(lengths) >= 150 and min(lengths) <= 20


PROBE = """
import multiprocessing, socket, sys, time, urllib.request
attempts = []
def record(*args, **kwargs):
    attempts.append(args[:1])
    raise OSError("blocked")
socket.getaddrinfo = socket.socket.connect = urllib.request.urlopen = record
multiprocessing.Process.start = lambda self: attempts.append("process")  # OpenVINO sends from a child
if sys.argv[1] == "semdesk":
    from desktop.core.embed._offline import go_offline
    go_offline()
import numpy as np, torch, openvino as ov, nncf
model = ov.convert_model(torch.nn.Sequential(torch.nn.Linear(8, 8)).eval(), example_input=torch.zeros(2, 8))
nncf.quantize(model, nncf.Dataset([np.zeros((2, 8), np.float32)]), subset_size=1)
time.sleep(1)
print(len(attempts))
"""


def test_openvino_and_nncf_send_no_usage_reports(tmp_path: Path) -> None:
    """Both report to Google Analytics unless a consent file says no; semdesk blocks that. The
    same steps without semdesk's offline switch do try to send, so the probe can tell."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "HOME": str(tmp_path)}  # no consent file from an earlier run
    # OpenVINO's telemetry stays quiet under CI markers, which would blind the "bare" probe on a CI
    # runner; a user's machine has none of them, so the probe runs as a user's machine would.
    for marker in ("PYTEST_CURRENT_TEST", "CI", "TF_BUILD", "JENKINS_URL"):
        env.pop(marker, None)

    def attempts(mode: str) -> int:
        run = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=root, env=env, capture_output=True, text=True,
                             timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        return int(run.stdout.split()[-1])

    assert attempts("semdesk") == 0
    assert attempts("bare") > 0


def test_a_model_folder_carries_its_own_int8_copy(tmp_path: Path, int8_pair: tuple[np.ndarray, np.ndarray],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """A fine-tuned model's copy lives in its folder; a damaged one is made again in the cache."""
    from sentence_transformers import SentenceTransformer

    folder = tmp_path / "tuned"
    shutil.copytree(default_text_model_path(), folder)
    monkeypatch.setenv(ENV_CACHE, str(tmp_path / "cache"))
    int8_module.make_int8_copy(SentenceTransformer(str(folder), device="cpu"), folder)
    assert (folder / int8_module.LOCAL_DIR / "done.json").is_file()
    assert int8_module._cache_key(str(folder)) == int8_module._cache_key(str(default_text_model_path()))

    np.testing.assert_allclose(TextEncoder(str(folder), int8=True).encode(SENTENCES), int8_pair[1], atol=1e-5)
    assert not (tmp_path / "cache" / "int8").exists()  # no int8 copy made in the cache: the folder's copy served

    weights = folder / int8_module.LOCAL_DIR / "model.bin"
    weights.write_bytes(weights.read_bytes()[:1000])
    np.testing.assert_allclose(TextEncoder(str(folder), int8=True).encode(SENTENCES), int8_pair[1], atol=1e-5)
    assert any((tmp_path / "cache" / "int8").iterdir())
