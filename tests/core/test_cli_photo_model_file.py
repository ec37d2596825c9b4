"""Issue 24: a photo-model file of random bytes is refused when it is chosen, in one plain line, and
`semdesk status` never calls such a file ready; a real weights file is still taken."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from desktop.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["random.safetensors", "random.bin"])
def test_random_bytes_are_refused_as_photo_model(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  tiny_clip: tuple[Path, Path], name: str) -> None:
    config, weights = tiny_clip
    library = str(tmp_path / "lib")
    assert run(capsys, "--library", library, "config", "clip_model", str(config))[0] == 0
    garbage = tmp_path / name
    garbage.write_bytes(os.urandom(200_000))

    code, out, err = run(capsys, "--library", library, "config", "clip_weights", str(garbage))
    assert code != 0 and out == ""
    assert len(err.strip().splitlines()) == 1 and "could not be used" in err and str(garbage) in err
    assert run(capsys, "--library", library, "config", "clip_weights")[1].startswith("clip_weights = \n")

    code, out, _ = run(capsys, "--library", library, "config", "clip_weights", str(weights))
    assert code == 0 and f"clip_weights = {weights}" in out
    assert "(ready)" in run(capsys, "--library", library, "status")[1]


def test_status_does_not_call_a_damaged_weights_file_ready(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           tiny_clip: tuple[Path, Path]) -> None:
    config, weights = tiny_clip
    library = str(tmp_path / "lib")
    copy = tmp_path / "weights.safetensors"
    copy.write_bytes(weights.read_bytes())
    assert run(capsys, "--library", library, "config", "clip_model", str(config))[0] == 0
    assert run(capsys, "--library", library, "config", "clip_weights", str(copy))[0] == 0
    copy.write_bytes(os.urandom(200_000))  # damaged after it was chosen

    code, out, _ = run(capsys, "--library", library, "status")
    assert code == 0
    assert "(not available)" in out and "(ready)" not in out
    assert "not a valid safetensors file" in out
