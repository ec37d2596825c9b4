"""A native encoder that crashes or hangs costs one failed measurement, not every search (issue 32).

Real child processes throughout: the test hooks of embed.trials make the named encoder's own code
(ov_text's infer, ov_clip's, the PyTorch trial) kill its process with SIGSEGV or hang, exactly where
the crash of the issue happened, in any process that would run it. Nothing of the failure is mocked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop.core.common.errors import ModelUnavailable
from desktop.core.embed import encoder_choice as choice
from desktop.core.embed import trials
from desktop.core.embed.encoder_choice import BF16, FP32, INT8, TORCH
from desktop.core.embed.text import default_text_model_path
from desktop.core.library import Library
from tests.core.encoder_caches import CLI, ROOT, cache_reusing

COUNT = 16  # passages per candidate: enough to check the vectors, short enough for a test
# A candidate that does no batch for this long is hung; a test's hang costs all of it. The first batch
# comes after loading (PyTorch's import and the model's load, or OpenVINO's compile), which the suite's
# other process slows: with 30 s this test failed once in five runs under two processes, 75 s cost 45 s more.
HANG_SECONDS = 50
HAS_BF16 = any(flag in trials.cpu_kernel_flags() for flag in ("avx512_bf16", "amx_bf16"))


@pytest.fixture(scope="module")
def crashed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    """One measurement on a CPU where bf16 crashes (SIGSEGV) and int8 hangs; the environment stays
    set for the processes the tests start afterwards, so any of them that ran either would die."""
    with pytest.MonkeyPatch.context() as patch:
        cache = cache_reusing(tmp_path_factory.mktemp("crash-cache"), int8=True)
        patch.setenv("SEMDESK_CACHE", str(cache))
        patch.delenv(choice.ENV_PIN, raising=False)
        patch.setenv(trials.ENV_CRASH, BF16)
        patch.setenv(trials.ENV_HANG, INT8)
        patch.setenv(trials.ENV_LIMIT, str(HANG_SECONDS))
        choice._MEMO.clear()
        started = time.monotonic()
        record = choice.measure_and_record(default_text_model_path(), count=COUNT)
        yield {"record": record, "cache": cache, "seconds": time.monotonic() - started,
               "file": cache / choice.RECORD_FILE}
        choice._MEMO.clear()


def test_the_crash_and_the_hang_lose_only_their_candidate(crashed: dict) -> None:
    record = crashed["record"]
    aside = record["set_aside"]
    assert aside[INT8] == f"hung while measuring on this CPU (no progress for {HANG_SECONDS} s; stopped)"
    if HAS_BF16:  # tried only where the CPU has bf16 units, and then it crashed
        assert aside[BF16] == "crashed while measuring on this CPU (signal 11, SIGSEGV)"
    assert set(aside) <= {BF16, INT8}
    measured = {f["encoder"] for f in record["figures"]}
    assert FP32 in measured and BF16 not in measured and INT8 not in measured
    assert record["chosen"] in measured and record["chosen"] in (FP32, TORCH)  # the others still chosen from
    # What the record is kept against: the model, this CPU, semdesk and OpenVINO.
    for key in ("model_shape", "model", "cpu", "cpu_flags", "semdesk", "openvino"):
        assert record[key], key
    assert json.loads(crashed["file"].read_text()) == {choice.choice_key(default_text_model_path()): record}


def _cli(cache: Path, *args: str, timeout: float = 300) -> tuple[subprocess.CompletedProcess, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SEMDESK_CACHE": str(cache)}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", CLI, *args], env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)
    return done, time.monotonic() - started


def test_later_processes_read_the_record_and_measure_nothing(crashed: dict, tmp_path: Path) -> None:
    before = crashed["file"].read_bytes(), crashed["file"].stat().st_mtime_ns
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "garden.txt").write_text("Tomatoes need six hours of sun and deep watering twice a week.")
    (docs / "taxes.txt").write_text("The tax return is due in April; keep the receipts for deductions.")
    library = str(tmp_path / "library")
    done, _ = _cli(crashed["cache"], "--library", library, "index", str(docs))
    assert done.returncode == 0, done.stderr  # -11 had it run bf16; a hang had it run int8
    done, seconds = _cli(crashed["cache"], "--library", library, "--json", "search", "watering vegetables")
    assert done.returncode == 0, done.stderr
    assert "garden.txt" in done.stdout
    assert "measuring" not in done.stderr and "preparing" not in done.stderr
    # The usual time of a search process here (imports, compiling from OpenVINO's cache): far from a
    # measurement (which took this long with 16 passages a candidate, and a hang costs HANG_SECONDS).
    assert seconds < 60 and seconds < crashed["seconds"], (seconds, crashed["seconds"])
    assert (crashed["file"].read_bytes(), crashed["file"].stat().st_mtime_ns) == before  # written once
    done, _ = _cli(crashed["cache"], "--library", library, "status")
    assert done.returncode == 0, done.stderr
    assert f"Text encoder: {crashed['record']['chosen']} (the fastest that works, measured on this CPU)" in done.stdout
    assert f"set aside: {INT8}: hung while measuring on this CPU (no progress for {HANG_SECONDS} s" in done.stdout
    if HAS_BF16:
        assert f"set aside: {BF16}: crashed while measuring on this CPU (signal 11, SIGSEGV)" in done.stdout


def test_a_setting_naming_a_crashed_encoder_is_refused(crashed: dict, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(crashed["cache"]))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    library = Library.open(tmp_path / "library")
    try:
        with pytest.raises(ModelUnavailable, match=f"{INT8}: hung while measuring on this CPU"):
            library.set_setting("text_encoder", INT8)
        assert library.workspace.settings.get("text_encoder") == "auto"
        library.set_setting("text_encoder", FP32)  # one that works is taken
        # Set before the crash was known (another CPU, an older record): refused when it would run.
        library.workspace.settings.set("text_encoder", INT8)
        with pytest.raises(ModelUnavailable, match="Set Text encoder to auto"):
            library.search("anything")
        status = library.status()
        assert status.text_encoder.startswith("none: The text encoder openvino-int8 is not used")
        report = library.text_encoder_report()
        assert f"Set aside: {INT8}: hung while measuring on this CPU" in report
    finally:
        library.close()


def test_a_tuned_model_of_the_same_shape_inherits_the_record(crashed: dict, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The wizard's tuned text models keep their base's shape (config.json): the same kernels, so the
    same record: they are never tried in an encoder that crashed on the base model."""
    monkeypatch.setenv("SEMDESK_CACHE", str(crashed["cache"]))
    base = Path(default_text_model_path())
    tuned = tmp_path / "tuned"
    shutil.copytree(base, tuned, symlinks=True, ignore=shutil.ignore_patterns("*.safetensors", "*.bin"))
    assert choice.choice_key(str(tuned)) == choice.choice_key(str(base))
    with pytest.raises(ModelUnavailable, match="hung while measuring"):
        choice.runtime_for(str(tuned), "auto", int8_version=True, allow_int8=True)
    # The wizard makes and measures an int8 copy only when the library runs int8 (tuning.text_job):
    # with int8 set aside here it does neither, so it never runs int8 in its own process.
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    with Library.open(tmp_path / "library") as library:
        library.workspace.settings.set("text_int8", True)
        assert library.workspace.versions.text_int8_enabled() is False


def test_without_bf16_units_the_choice_is_made_from_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                ) -> None:
    from desktop.core.embed import ov_text

    cache = cache_reusing(tmp_path / "cache", int8=True)
    monkeypatch.setenv("SEMDESK_CACHE", str(cache))
    monkeypatch.setenv(trials.ENV_CRASH, f"{BF16},{TORCH}")  # bf16 would crash if it were tried at all
    monkeypatch.delenv(trials.ENV_HANG, raising=False)
    assert choice.candidates() == ((FP32, TORCH, INT8, BF16) if ov_text.bf16_supported() else (FP32, TORCH, INT8))
    monkeypatch.setattr(ov_text, "bf16_supported", lambda: False)  # a CPU without bf16 units
    assert choice.candidates() == (FP32, TORCH, INT8)
    choice._MEMO.clear()
    record = choice.measure_and_record(default_text_model_path(), count=COUNT)
    assert set(record["set_aside"]) == {TORCH}  # bf16 not tried; PyTorch crashed
    assert {f["encoder"] for f in record["figures"]} == {FP32, INT8}
    assert record["chosen"] == choice.choose([choice.Figure(**f) for f in record["figures"]])
    choice._MEMO.clear()


def test_vectors_outside_the_bounds_are_told_apart() -> None:
    rng = np.random.default_rng(1)
    reference = rng.normal(size=(8, 16)).astype(np.float32)
    reference /= np.linalg.norm(reference, axis=1, keepdims=True)
    assert trials.vector_problem(reference.copy(), reference, unit=True, min_cosine=0.9999)[0] == ""
    broken = reference.copy()
    broken[3, 2] = np.nan
    assert "not finite" in trials.vector_problem(broken, reference, unit=True, min_cosine=0.9)[0]
    assert "unit length" in trials.vector_problem(reference * 2, reference, unit=True, min_cosine=0.9)[0]
    assert trials.vector_problem(reference * 2, reference, unit=False, min_cosine=0.9999)[0] == ""
    other = rng.normal(size=(8, 16)).astype(np.float32)
    other /= np.linalg.norm(other, axis=1, keepdims=True)
    assert "outside the quality bounds" in trials.vector_problem(other, reference, unit=True, min_cosine=0.9999)[0]
    assert "mean 0.99 needed" in trials.vector_problem(other, reference, unit=True, min_cosine=0.0,
                                                        mean_cosine=0.99)[0]


def test_clip_in_openvino_survives_a_crashing_precision(tiny_clip: tuple[Path, Path], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop.core.embed import ov_clip
    from desktop.core.embed.clip import ClipEncoder

    config, weights = tiny_clip
    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    crashing = "clip-openvino-bf16" if HAS_BF16 else "clip-openvino-fp32"
    monkeypatch.setenv(trials.ENV_CRASH, crashing)
    encoder = ClipEncoder(str(config), pretrained=None, weights=str(weights), openvino=True)
    vector = encoder.encode_query("a dog")  # in this process: it would die had it run the crashing precision
    assert np.isfinite(vector).all()
    record = ov_clip.read_choice(encoder.spec())
    assert record["set_aside"] == {crashing: "crashed while measuring on this CPU (signal 11, SIGSEGV)"}
    assert record["chosen"] == ("fp32" if HAS_BF16 else None)  # None: PyTorch runs it
    assert encoder.set_aside() == [f"{crashing}: crashed while measuring on this CPU (signal 11, SIGSEGV)"]
    file = tmp_path / "cache" / ov_clip.RECORD_FILE
    before = file.read_bytes()
    # A second process reads the record: no trial, no crash.
    probe = ("import sys; from desktop.core.embed.clip import ClipEncoder; "
             "e = ClipEncoder(sys.argv[1], pretrained=None, weights=sys.argv[2], openvino=True); "
             "print(e.encode_query('a dog').shape)")
    done = subprocess.run([sys.executable, "-c", probe, str(config), str(weights)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    assert file.read_bytes() == before


def test_settings_show_why_and_refuse_the_crashed_encoder(crashed: dict, tmp_path: Path, qtbot,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QLabel

    from desktop.gui.library.settings_dialog import SettingsDialog

    monkeypatch.setenv("SEMDESK_CACHE", str(crashed["cache"]))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    with Library.open(tmp_path / "library") as library:
        dialog = SettingsDialog(library)
        qtbot.addWidget(dialog)
        figures = dialog.findChild(QLabel, "encoderFigures").text()
        assert "<- used" in figures and f"Set aside: {INT8}: hung while measuring on this CPU" in figures
        dialog.editors["text_encoder"].setCurrentText(INT8)
        assert dialog.apply() is None  # refused, with the reason under the settings
        assert f"hung while measuring on this CPU (no progress for {HANG_SECONDS} s" in dialog.error.text()
        assert library.workspace.settings.get("text_encoder") == "auto"


def test_when_every_encoder_crashes_searches_are_refused_in_plain_words(tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEMDESK_CACHE", str(cache_reusing(tmp_path / "cache", int8=True)))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    monkeypatch.delenv(trials.ENV_HANG, raising=False)
    monkeypatch.setenv(trials.ENV_CRASH, ",".join(choice.ENCODERS))
    choice._MEMO.clear()
    source = default_text_model_path()
    record = choice.measure_and_record(source, count=COUNT)
    assert set(record["set_aside"]) == set(choice.candidates()) and record["figures"] == []
    with pytest.raises(ModelUnavailable, match=r"No text encoder works with the text model .*signal 11"):
        choice.resolve(source, "auto")  # not run in this process, which the hook would kill
    choice._MEMO.clear()


def _trial_children(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"desktop.core.embed.trial_child" in cmdline and marker.encode() in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="reads /proc")
def test_a_trial_child_ends_with_the_process_that_waits_for_it(tmp_path: Path) -> None:
    """A trial runs in a session of its own (a hang is killed with all it started), so a signal to
    the measuring process does not reach it: it ends by itself once that process is gone."""
    count = "17"  # tells this test's child apart
    code = ("import sys; from desktop.core.embed.trials import run_trial; "
            f"run_trial(['text', sys.argv[1], 'openvino-fp32', '{count}', '0'], 600)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), trials.ENV_HANG: FP32}
    parent = subprocess.Popen([sys.executable, "-c", code, default_text_model_path()], env=env)
    try:
        deadline = time.monotonic() + 120
        while not _trial_children(count) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _trial_children(count), "the trial child never started"
    finally:
        parent.kill()
        parent.wait()
    deadline = time.monotonic() + 15
    while _trial_children(count) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _trial_children(count) == []


def test_the_status_bar_says_which_encoders_run_and_why(crashed: dict, tmp_path: Path, qtbot,
                                                        tiny_clip: tuple[Path, Path],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """The window's status bar, from the status its watcher reads on the catalog worker: the text
    encoder the real record chose, the photo model's runtime, and in the tooltip why the others were
    set aside (the record the crash and the hang above wrote)."""
    from PySide6.QtCore import QSettings

    from desktop.gui.shell.main_window import MainWindow
    from tests.gui.conftest import FakeDesktop

    monkeypatch.setenv("SEMDESK_CACHE", str(crashed["cache"]))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    config, weights = tiny_clip
    library = Library.open(tmp_path / "library")
    for key, value in (("clip_model", str(config)), ("clip_weights", str(weights)), ("clip_openvino", False)):
        library.set_setting(key, value)
    state = QSettings(str(tmp_path / "state.ini"), QSettings.Format.IniFormat)
    window = MainWindow(library, state, desktop=FakeDesktop(), warm_up=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    try:
        window.show()
        label = window.encoder_state
        qtbot.waitUntil(lambda: label.isVisible() and label.text() != "", timeout=30000)
        chosen = crashed["record"]["chosen"]
        assert label.text() == f"Text: {chosen} · Photos: pytorch ⚠"
        tip = label.toolTip()
        assert f"Text encoder: {chosen} (the fastest that works, measured on this CPU)" in tip
        assert f"{INT8}: hung while measuring on this CPU (no progress for {HANG_SECONDS} s; stopped)" in tip
        if HAS_BF16:
            assert f"{BF16}: crashed while measuring on this CPU (signal 11, SIGSEGV)" in tip
    finally:
        window.close()
