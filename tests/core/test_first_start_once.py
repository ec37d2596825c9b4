"""The one-time preparation runs once, however many parts of the app ask for it at the same moment
(the window's warm-up, its status view and an index run all do on a first start)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop.core.embed import encoder_choice as choice
from desktop.core.embed import ov_text


def test_concurrent_first_uses_measure_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(choice, "_record_path", lambda: tmp_path / choice.RECORD_FILE)
    monkeypatch.setattr(choice, "_MEMO", {})
    source = str(tmp_path / "model")
    runs: list[float] = []

    def measure(src: str, **_: object) -> tuple[list[choice.Figure], dict[str, str]]:
        runs.append(time.monotonic())
        time.sleep(0.3)  # the child processes that measure (about a minute for real)
        return [choice.Figure(choice.FP32, 10.0, 1.0, 1.0, True)], {}

    monkeypatch.setattr(ov_text, "prepare_models", lambda *_a, **_k: None)  # the models are made: no child
    monkeypatch.setattr(choice, "measure", measure)
    answers: list[object] = []
    threads = [threading.Thread(target=lambda: answers.append(choice.measured_choice(source))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(runs) == 1
    assert len(answers) == 3 and all(isinstance(a, dict) and a["chosen"] == choice.FP32 for a in answers)


def test_the_library_status_does_not_wait_for_the_preparation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sidebar is filled from status(): on a first start it must not wait a minute for the model."""
    from desktop.core.library import Library

    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    monkeypatch.setattr(choice, "_MEMO", {})

    def prepare(*_args: object, **_kwargs: object) -> None:
        pytest.fail("status() started the one-time preparation")

    monkeypatch.setattr(ov_text, "prepare_models", prepare)
    with Library.open(tmp_path / "lib") as lib:
        assert lib.text_model_preparation()
        status = lib.status()
        assert status.folders == () and status.text_model


def test_the_status_is_answered_while_the_preparation_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm-up prepares the model on one thread (a minute); status() on another answers meanwhile."""
    from desktop.core.library import Library

    monkeypatch.setenv("SEMDESK_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv(choice.ENV_PIN, raising=False)
    monkeypatch.setattr(choice, "_MEMO", {})
    preparing, release = threading.Event(), threading.Event()

    def prepare(src: str, *, measure: bool = False, only: str | None = None) -> None:
        preparing.set()
        release.wait(30)  # the child process that converts

    monkeypatch.setattr(ov_text, "prepare_models", prepare)
    # The measurement's children are not run either (their models were never made here).
    monkeypatch.setattr(choice, "measure", lambda *_a, **_k: ([choice.Figure(choice.FP32, 1.0, 1.0, 1.0, True)], {}))
    with Library.open(tmp_path / "lib") as lib:
        warm = threading.Thread(target=lib.workspace.encoders.query)  # what the window's warm-up asks first
        warm.start()
        try:
            assert preparing.wait(10)
            answered: list[object] = []
            status = threading.Thread(target=lambda: answered.append(lib.status()))
            status.start()
            status.join(10)
            assert answered, "status() waited for the preparation"
        finally:
            release.set()
            warm.join(30)
