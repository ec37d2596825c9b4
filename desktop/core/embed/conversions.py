"""A model's conversion to OpenVINO, run in a child process of its own with a time limit, and its
native crash or hang recorded, so that it costs one failed conversion per model and CPU, not one per
process (issue 32).

Converting traces the model with PyTorch and hands it to OpenVINO's converter and NNCF's quantiser:
native code that can die with SIGSEGV or never return on some CPU, release or model, as the encoders
themselves can (embed.trials). The text model's fp32 and int8 copies (`ov_prepare --only ...`), a tuned
model's own int8 copy and CLIP's OpenVINO sides (`ov_clip_prepare`) are each made by one child; one
that is killed by a signal, hangs, or fails with an unexpected error is recorded here against the
model's files, this CPU, semdesk's and OpenVINO's versions, and no later process starts it again until
one of those changes. A child that says the trouble is of the moment (a full disk, a missing package:
exit code TRY_AGAIN_EXIT) is not recorded: it is said in plain words and tried again next time.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from desktop.core.common.locations import cache_root
from desktop.core.embed.trials import environment

log = logging.getLogger(__name__)

RECORD_FILE = "openvino-conversions.json"
# A conversion's time limit in seconds, instead of DEFAULT_LIMIT (tests: a hang is found quickly).
ENV_LIMIT = "SEMDESK_CONVERSION_SECONDS"
# Converting and quantising the Accurate model takes a few minutes on two busy cores; a conversion
# that runs half an hour is stuck (it reports no progress: one converter call can take minutes).
DEFAULT_LIMIT = 1800.0
TRY_AGAIN_EXIT = 4  # the child's exit code for a trouble of the moment: said, not recorded
_LOCK = threading.Lock()


def fault_name(kind: str) -> str:
    """The name a conversion answers to in embed.trials' test hooks: "convert-openvino-fp32"..."""
    return f"convert-{kind}"


def record_key(kind: str, model_key: str) -> str:
    """This conversion (`kind`, e.g. "openvino-int8") of this model (a key that changes with its
    files), on this CPU, semdesk and OpenVINO."""
    env = environment()
    text = f"{kind}|{model_key}|{env['cpu_hash']}|{env['semdesk']}|{env['openvino']}"
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _path() -> Path:
    return cache_root() / RECORD_FILE


def failure(kind: str, model_key: str) -> str | None:
    """Why this conversion is not tried again here ("crashed while converting ..."), or None. Reads only."""
    from desktop.core.common.atomic import read_json_records

    entry = read_json_records(_path()).get(record_key(kind, model_key))
    return str(entry["reason"]) if isinstance(entry, dict) and entry.get("reason") else None


def _record(kind: str, model_key: str, reason: str, model: str) -> None:
    from desktop.core.common.atomic import read_json_records, write_text_atomically

    with _LOCK:
        records = read_json_records(_path())
        records[record_key(kind, model_key)] = {
            "kind": kind, "model": model, "reason": reason, "at": time.strftime("%Y-%m-%d %H:%M:%S"),
            **environment(),
        }
        _path().parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(_path(), json.dumps(records, indent=1), durable=False)


def limit() -> float:
    try:
        return float(os.environ[ENV_LIMIT])
    except (KeyError, ValueError):
        return DEFAULT_LIMIT


def child_env() -> dict[str, str]:
    """The environment of a converting child: offline, and this checkout's `desktop` first."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    root = str(Path(__file__).resolve().parents[3])  # the folder holding the desktop package
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def convert(kind: str, model_key: str, model: str, args: list[str]) -> str | None:
    """Run `python -m *args` (a converting child) unless this conversion is recorded as failing here.
    None when it ended well; else why not, in words (recorded when it is the model's or the CPU's
    doing: a signal, a hang, an unexpected error)."""
    known = failure(kind, model_key)
    if known:
        log.info("%s of %s not tried again: %s", kind, model, known)
        return known
    reason, lasting = _run([sys.executable, "-m", *args], limit())
    if reason and lasting:
        _record(kind, model_key, reason, model)
        log.warning("%s of %s set aside: %s", kind, model, reason)
    return reason


def _run(command: list[str], seconds: float) -> tuple[str | None, bool]:
    """(why the child failed or None, whether that failure lasts: worth recording)."""
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as stderr:
        # Its own session: a hang is ended with everything it started (NNCF and OpenVINO start threads
        # and, on some releases, helper processes).
        child = subprocess.Popen(command, env=child_env(), stdout=subprocess.DEVNULL, stderr=stderr,
                                 start_new_session=True)
        try:
            code = child.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            return f"hung while converting on this CPU (not done after {seconds:.0f} s; stopped)", True
        except BaseException:  # Ctrl-C while waiting: the child goes too
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
            raise
        stderr.seek(0)
        lines = [line for line in stderr.read().strip().splitlines() if line.strip()]
    if code == 0:
        return None, False
    if code < 0:
        try:
            name = f", {signal.Signals(-code).name}"
        except ValueError:
            name = ""
        return f"crashed while converting on this CPU (signal {-code}{name})", True
    last = lines[-1][:300] if lines else f"exit code {code}"
    if code == TRY_AGAIN_EXIT:
        return last, False
    return f"failed while converting on this CPU (exit code {code}: {last})", True


def records() -> dict[str, Any]:
    """Every recorded conversion failure (status views, tests)."""
    from desktop.core.common.atomic import read_json_records

    return read_json_records(_path())


__all__ = ["ENV_LIMIT", "TRY_AGAIN_EXIT", "convert", "failure", "fault_name", "record_key", "records"]
