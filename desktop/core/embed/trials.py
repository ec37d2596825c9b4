"""A native encoder tried in a child process of its own, so that one that crashes or hangs costs one
failed trial, not the process that asked (issue 32).

OpenVINO (and PyTorch) run native kernels: on some CPU, driver, release or model shape one of them
can die with SIGSEGV or never return. So every candidate encoder (the text encoders measured by
encoder_choice, CLIP's OpenVINO precisions in ov_clip) first encodes fixed inputs in a child
(`python -m desktop.core.embed.trial_child ...`) with a time limit; its vectors come back in a file
and are checked here (finite, unit length where expected, close enough to the reference encoder's).
A candidate that fails is *set aside* with the reason, in a record its caller keeps per model
shape, CPU, semdesk and OpenVINO version, so no later process tries it again until one of those changes.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

# Test hooks, read by the code that runs a native encoder (ov_text, ov_clip, trial_child): a comma
# list of encoder names that kill their own process with SIGSEGV, or hang, when they would encode.
# Tests set them to prove that a crash or a hang costs one trial; nothing else sets them.
ENV_CRASH = "SEMDESK_TEST_CRASH_ENCODER"
ENV_HANG = "SEMDESK_TEST_HANG_ENCODER"
# A trial's time limit without progress, in seconds, instead of the one the caller works out.
ENV_LIMIT = "SEMDESK_ENCODER_TRIAL_SECONDS"
# How far a vector's length may stray from 1 in encoders that normalise.
NORM_TOLERANCE = 1e-3


def injected_fault(encoder: str) -> None:
    """The test hooks (see ENV_CRASH): a real SIGSEGV or a real hang of this process. A no-op
    unless a test named `encoder` in those variables."""
    if encoder in os.environ.get(ENV_CRASH, "").split(","):
        os.kill(os.getpid(), signal.SIGSEGV)
    if encoder in os.environ.get(ENV_HANG, "").split(","):
        while True:
            time.sleep(3600)


@dataclass(frozen=True)
class Trial:
    """One child's result: its vectors and the seconds it took to encode them, or why it failed."""

    vectors: np.ndarray | None
    seconds: float
    failure: str = ""  # empty when the child gave vectors
    unavailable: str = ""  # the encoder cannot run here at all (not installed): not a failure
    longest_wait: float = 0.0  # the longest time between two signs of progress (start-up included)


UNAVAILABLE_EXIT = 3  # trial_child's exit code for "this encoder is not installed here"
PARENT_ENV = "SEMDESK_TRIAL_PARENT"  # the measuring process's id: the child ends when it is gone
PROGRESS_FILE = "progress"  # beside the child's output: a byte appended per batch done


def report_progress(out: Path) -> None:
    """In the child: one more batch done (the parent's hang detector watches this file grow)."""
    with open(out.parent / PROGRESS_FILE, "ab") as file:
        file.write(b".")


def limit_seconds(default: float) -> float:
    try:
        return float(os.environ[ENV_LIMIT])
    except (KeyError, ValueError):
        return default


def run_trial(args: list[str], limit: float) -> Trial:
    """Run `python -m desktop.core.embed.trial_child *args OUT`; its vectors, or why it failed.
    `limit`: the seconds it may go without a sign of progress (a batch done; the first one includes
    loading and compiling), so a hang is told from a slow but working encoder on a busy machine."""
    with tempfile.TemporaryDirectory(prefix="semdesk-trial-") as work:
        out = Path(work) / "vectors.npy"
        progress = Path(work) / PROGRESS_FILE
        command = [sys.executable, "-m", "desktop.core.embed.trial_child", *args, str(out)]
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", PARENT_ENV: str(os.getpid())}
        root = str(Path(__file__).resolve().parents[3])  # the folder holding the desktop package
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        started = time.monotonic()
        # stderr to a file: a pipe nobody reads while waiting would fill and stall a chatty child.
        # Its own session: a hang is ended with everything it started.
        with open(Path(work) / "stderr.txt", "w+", encoding="utf-8", errors="replace") as stderr:
            child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=stderr,
                                     start_new_session=True)
            seen, last, longest = -1, started, 0.0
            while True:
                try:
                    code = child.wait(timeout=0.5)
                    break
                except subprocess.TimeoutExpired:
                    pass
                now = time.monotonic()
                size = progress.stat().st_size if progress.exists() else 0
                if size != seen:
                    longest, seen, last = max(longest, now - last), size, now
                elif now - last > limit:
                    with contextlib.suppress(ProcessLookupError):
                        os.killpg(child.pid, signal.SIGKILL)
                    child.wait()
                    return Trial(None, now - started, f"hung while measuring on this CPU (no progress for "
                                 f"{limit:.0f} s; stopped)")
            stderr.seek(0)
            lines = [line for line in stderr.read().strip().splitlines() if line.strip()]
        wall = time.monotonic() - started
        if code < 0:
            return Trial(None, wall, f"crashed while measuring on this CPU (signal {-code}{_signal_name(-code)})")
        if code == UNAVAILABLE_EXIT:
            return Trial(None, wall, unavailable=lines[-1] if lines else "not installed")
        if code != 0:
            last_line = f": {lines[-1][:200]}" if lines else ""
            return Trial(None, wall, f"failed while measuring on this CPU (exit code {code}{last_line})")
        try:
            result = json.loads((Path(work) / "seconds.json").read_text())
            vectors = np.load(out)
        except (OSError, ValueError) as error:
            return Trial(None, wall, f"gave no vectors while measuring ({error})")
        return Trial(np.asarray(vectors, dtype=np.float32), float(result["seconds"]),
                     longest_wait=max(longest, time.monotonic() - last))


def _signal_name(number: int) -> str:
    try:
        return f", {signal.Signals(number).name}"
    except ValueError:
        return ""


def vector_problem(vectors: np.ndarray, reference: np.ndarray | None, *, unit: bool, min_cosine: float,
                   mean_cosine: float = 0.0) -> tuple[str, float, float]:
    """(why the vectors are unusable or "", mean cosine, lowest cosine) against `reference` (rows in
    the same order; None: only finiteness and length are checked)."""
    if vectors.ndim != 2 or not np.isfinite(vectors).all():
        return "its vectors were not finite numbers", 0.0, 0.0
    norms = np.linalg.norm(vectors, axis=1)
    if unit and not np.all(np.abs(norms - 1.0) <= NORM_TOLERANCE):
        return f"its vectors were not of unit length ({float(norms.min()):.3f} to {float(norms.max()):.3f})", 0.0, 0.0
    if reference is None:
        return "", 1.0, 1.0
    if reference.shape != vectors.shape:
        return f"its vectors have shape {vectors.shape}, the reference's {reference.shape}", 0.0, 0.0
    scale = np.linalg.norm(reference, axis=1) * np.maximum(norms, 1e-12)
    cosines = (vectors * reference).sum(axis=1) / np.maximum(scale, 1e-12)
    mean, low = float(cosines.mean()), float(cosines.min())
    if low < min_cosine or mean < mean_cosine:
        need = f"mean {mean_cosine}" if mean < mean_cosine else f"lowest {min_cosine}"
        return (f"its vectors were outside the quality bounds (cosine {mean:.4f}, lowest {low:.4f}, "
                f"against the reference; {need} needed)"), mean, low
    return "", mean, low


def model_shape(source: str) -> str:
    """A transformer's shape: a fine-tuned copy runs at its base model's speed, on the same kernels,
    and is converted by the same code, so it shares its base's records."""
    try:
        config = json.loads((Path(source) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Path(source).name
    keys = ("model_type", "hidden_size", "num_hidden_layers", "intermediate_size", "num_attention_heads")
    return "|".join(str(config.get(key)) for key in keys)


@functools.lru_cache(maxsize=1)  # asked on every query: read /proc/cpuinfo once per process
def cpu_fingerprint() -> tuple[str, str]:
    """(CPU model name, a short hash of its model name and feature flags)."""
    name, flags = platform.processor() or platform.machine(), ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name in ("", platform.machine(), platform.processor()):
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = " ".join(sorted(value.split()))
    except OSError:  # not Linux: the name alone
        pass
    return name, hashlib.sha256(f"{name}|{flags}".encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def environment() -> dict[str, Any]:
    """What a set-aside encoder is recorded against: this CPU (name, the flags that choose its
    kernels), semdesk's and OpenVINO's versions. A change of any of them tries it again."""
    from importlib.metadata import PackageNotFoundError, version

    from desktop.core.common.version import app_version

    name, flags_hash = cpu_fingerprint()
    try:
        openvino = version("openvino")
    except PackageNotFoundError:
        openvino = "not installed"
    return {"cpu": name, "cpu_hash": flags_hash, "cpu_flags": cpu_kernel_flags(), "semdesk": app_version(),
            "openvino": openvino}


def cpu_kernel_flags() -> list[str]:
    """The CPU's flags that decide which native kernels run (vector widths, int8 and bf16 units)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "flags":
                marks = ("avx", "amx", "vnni", "bf16", "fp16", "fma", "sse4")
                return sorted(f for f in value.split() if any(m in f for m in marks))
    except OSError:
        pass
    return []


def cache_lock(name: str) -> contextlib.AbstractContextManager[None]:
    """one_at_a_time on the lock file `name` in the cache's locks folder (several processes making one file)."""
    from desktop.core.common.locations import cache_root

    return one_at_a_time(cache_root() / "locks" / f"{name}.lock")


@contextlib.contextmanager
def one_at_a_time(lock_file: Path) -> Iterator[None]:
    """Across processes: a second process that would measure the same thing waits for the first, then
    reads its record (a window's warm-up and an index run start together on a first start)."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # not POSIX: threads of one process are still kept apart by the callers' locks
        yield
        return
    with open(lock_file, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


__all__ = [
    "ENV_CRASH",
    "ENV_HANG",
    "ENV_LIMIT",
    "Trial",
    "cache_lock",
    "cpu_fingerprint",
    "environment",
    "injected_fault",
    "limit_seconds",
    "model_shape",
    "one_at_a_time",
    "run_trial",
    "vector_problem",
]
