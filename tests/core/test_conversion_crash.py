"""A conversion to OpenVINO that crashes or hangs costs one failed conversion per model shape and CPU,
not one per process (issue 32), and the measurement's sample is held to a time budget.

Real child processes throughout: embed.trials' test hooks, under the names embed.conversions gives
a conversion ("convert-openvino-int8", "convert-clip-openvino"), make the converting child kill itself
with SIGSEGV or hang exactly where it would convert. Nothing of the failure is mocked.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import ModelUnavailable
from desktop.core.embed import conversions, ov_text, trials
from desktop.core.embed import encoder_choice as choice
from desktop.core.embed.encoder_choice import BF16, FP32, INT8
from desktop.core.embed.text import default_text_model_path
from desktop.core.library import Library
from tests.core.encoder_caches import CLI, ROOT, cache_reusing

CRASH = "crashed while converting on this CPU (signal 11, SIGSEGV)"
INT8_CONVERSION = conversions.fault_name("openvino-int8")


def _state(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def test_a_crashing_conversion_sets_aside_its_encoders_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = cache_reusing(tmp_path / "cache", int8=False)
    monkeypatch.setenv("SEMDESK_CACHE", str(cache))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    monkeypatch.delenv(trials.ENV_HANG, raising=False)
    monkeypatch.setenv(trials.ENV_CRASH, INT8_CONVERSION)  # stays set: any process converting int8 dies
    choice._MEMO.clear()
    source = default_text_model_path()
    record = choice.measured_choice(source)
    assert record is not None
    assert record["set_aside"][INT8] == f"its OpenVINO copy {CRASH}"
    measured = {f["encoder"] for f in record["figures"]}
    assert FP32 in measured and INT8 not in measured and record["chosen"] in measured
    assert ov_text.conversion_failure(source, "int8") == CRASH
    assert ov_text.conversion_failure(source, "fp32") is None
    kept = conversions.records()
    assert [entry["kind"] for entry in kept.values()] == ["openvino-int8"]
    assert all(next(iter(kept.values()))[key] for key in ("cpu", "cpu_hash", "semdesk", "openvino"))
    before = _state(cache / conversions.RECORD_FILE), _state(cache / choice.RECORD_FILE)

    # Later processes: the record is read, nothing is converted or measured again, searches answer.
    docs, library = tmp_path / "docs", str(tmp_path / "library")
    docs.mkdir()
    (docs / "garden.txt").write_text("Tomatoes need six hours of sun and deep watering twice a week.")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = {}
    for args in (("index", str(docs)), ("--json", "search", "watering vegetables"), ("status",)):
        done = subprocess.run([sys.executable, "-c", CLI, "--library", library, *args], env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
        assert "preparing" not in done.stderr and "measuring" not in done.stderr, done.stderr
        out[args[0] if args[0] != "--json" else args[1]] = done.stdout
    assert "garden.txt" in out["search"]
    assert f"set aside: {INT8}: its OpenVINO copy {CRASH}" in out["status"]
    assert (_state(cache / conversions.RECORD_FILE), _state(cache / choice.RECORD_FILE)) == before

    # Asked for by name: refused in words, without a child.
    with Library.open(tmp_path / "library") as lib, pytest.raises(ModelUnavailable, match=f"{INT8}: its OpenVINO copy"):
        lib.set_setting("text_encoder", INT8)
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match=r"openvino-int8: crashed while converting on this CPU"):
        ov_text.OvTextEncoder(source, "int8").load()
    assert time.monotonic() - started < 10
    assert _state(cache / conversions.RECORD_FILE) == before[0]
    choice._MEMO.clear()


def test_a_hanging_conversion_is_stopped_and_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(cache_reusing(tmp_path / "cache", int8=False)))
    monkeypatch.setenv(trials.ENV_HANG, INT8_CONVERSION)
    monkeypatch.setenv(conversions.ENV_LIMIT, "10")  # the hook hangs the child before it converts anything
    source = default_text_model_path()
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match=r"hung while converting on this CPU \(not done after 10 s; stopped\)"):
        ov_text.prepare_models(source, only="int8")
    assert 10 <= time.monotonic() - started < 100
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match="hung while converting"):  # a second time: no child, no wait
        ov_text.prepare_models(source, only="int8")
    assert time.monotonic() - started < 5


def test_a_tuned_model_is_not_converted_where_its_shape_crashed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    """The wizard's int8 copy of a tuned model is made by the same converting child (ov_text.make_int8_copy),
    under its base's shape: where converting that shape crashed, it is refused at once, in words."""
    monkeypatch.setenv("SEMDESK_CACHE", str(cache_reusing(tmp_path / "cache", int8=False)))
    monkeypatch.setenv(trials.ENV_CRASH, INT8_CONVERSION)
    base = Path(default_text_model_path())
    with pytest.raises(ModelUnavailable, match=CRASH.replace("(", r"\(").replace(")", r"\)")):
        ov_text.prepare_models(str(base), only="int8")  # the base's conversion crashes: recorded
    tuned = tmp_path / "tuned"
    shutil.copytree(base, tuned, symlinks=True)
    assert ov_text.conversion_key(str(tuned), "int8") == ov_text.conversion_key(str(base), "int8")
    # Were a child started, it would hang for ten minutes: the refusal is immediate.
    monkeypatch.setenv(trials.ENV_CRASH, "")
    monkeypatch.setenv(trials.ENV_HANG, INT8_CONVERSION)
    monkeypatch.setenv(conversions.ENV_LIMIT, "600")
    started = time.monotonic()
    with pytest.raises(ModelUnavailable, match="openvino-int8: crashed while converting"):
        ov_text.make_int8_copy(tuned)
    assert time.monotonic() - started < 5
    assert not (tuned / "openvino-int8").exists()


def test_clip_conversion_that_crashes_falls_back_once(tiny_clip: tuple[Path, Path], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.core.embed import ov_clip
    from desktop.core.embed.clip import ClipEncoder

    config, weights = tiny_clip
    cache = tmp_path / "cache"
    monkeypatch.setenv("SEMDESK_CACHE", str(cache))
    monkeypatch.setenv(trials.ENV_CRASH, conversions.fault_name(ov_clip.CONVERSION))
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    assert np.isfinite(encoder.encode_query("a dog")).all()  # PyTorch answers
    assert encoder.set_aside() == [f"clip-openvino: {CRASH}"]
    assert not ov_clip.ready(ov_clip.folder_of(encoder.spec()))
    before = _state(cache / conversions.RECORD_FILE)
    probe = ("import sys; from desktop.core.embed.clip import ClipEncoder; "
             "e = ClipEncoder(sys.argv[1], pretrained=None, weights=sys.argv[2], openvino=True); "
             "print(e.encode_query('a dog').shape)")
    done = subprocess.run([sys.executable, "-c", probe, str(config), str(weights)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert _state(cache / conversions.RECORD_FILE) == before  # not converted again


def test_the_sample_is_held_to_a_time_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large model on a slow CPU is timed on the passages the first candidate encodes in the budget
    (whole chunks), and every other candidate on the same ones: not on all 256 for minutes each."""
    monkeypatch.setenv("SEMDESK_CACHE", str(cache_reusing(tmp_path / "cache", int8=True)))
    monkeypatch.delenv(trials.ENV_CRASH, raising=False)
    monkeypatch.delenv(trials.ENV_HANG, raising=False)
    monkeypatch.setattr(ov_text, "bf16_supported", lambda: False)  # three candidates are enough here
    choice._MEMO.clear()
    started = time.monotonic()
    # A budget shorter than one chunk takes: one chunk (the least the quality check needs).
    record = choice.measure_and_record(default_text_model_path(), count=choice.PASSAGES, budget=0.01)
    assert record["passages"] == choice.CHUNK < choice.PASSAGES
    assert {f["passages"] for f in record["figures"]} == {choice.CHUNK}
    assert {f["encoder"] for f in record["figures"]} >= {FP32, INT8} and BF16 not in record["set_aside"]
    assert f"{choice.CHUNK} passages" in choice.describe_record(record)
    assert time.monotonic() - started < 240
    choice._MEMO.clear()


def test_status_names_the_photo_encoder(tiny_clip: tuple[Path, Path], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from desktop.cli.main import main
    from desktop.core.embed import ov_clip, registry

    config, weights = tiny_clip
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    # Encoders and CLIP records of its own: the process shares one encoder per model and keeps the records it
    # read or wrote, and an earlier test in this process may have loaded and chosen for this very model.
    monkeypatch.setattr(registry, "_ENCODERS", {})
    monkeypatch.setattr(ov_clip, "_CHOICES", {})
    with Library.open(tmp_path / "library") as lib:
        lib.set_setting("clip_model", str(config))
        lib.set_setting("clip_weights", str(weights))
        assert lib.status().photo_encoder == "not chosen yet"  # OpenVINO, tried on first use: nothing run here
        assert not ov_clip.ready(ov_clip.folder_of(lib.workspace.encoders.clip().spec()))
        lib.set_setting("clip_openvino", False)
    assert main(["--library", str(tmp_path / "library"), "status"]) == 0
    assert "Photo encoder: pytorch" in capsys.readouterr().out
