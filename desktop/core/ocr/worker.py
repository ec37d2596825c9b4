"""OCR in a child process, so that a hang or a crash in the native code costs one picture, not the run.

ONNX Runtime cannot be interrupted from Python: a picture that takes too long is stopped by killing
the child, and the next picture starts a fresh one. A child that dies (segfault, out of memory)
is noticed as a closed pipe. The child loads the models once and serves pictures until closed.
"""

from __future__ import annotations

import multiprocessing
import os
from multiprocessing.connection import Connection
from typing import Any

import numpy as np

from desktop.core.ocr.records import Failure, Reading

START_SECONDS = 120  # loading the models in a fresh child, on a busy machine


def _serve(conn: Connection, threads: int) -> None:
    from desktop.core.ocr.engine import Engine

    engine = Engine(threads)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            step, image = request
            conn.send(engine.read(image, step))
        except Exception as error:  # a bad picture costs itself only; the child goes on
            conn.send(Failure(f"OCR failed ({type(error).__name__}: {error})"))


class OcrWorker:
    def __init__(self, threads: int, time_limit: float) -> None:
        self.threads = threads
        self.time_limit = time_limit
        self._process: Any = None
        self._conn: Connection | None = None
        self.starts = 0  # how many children were started (a test and the bench read it)
        self._broken: Failure | None = None  # an engine that cannot start is not tried again this run

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> Failure | None:
        if self._broken is not None:
            return self._broken
        if self._process is not None and self._process.is_alive():
            return None
        self._stop()
        # spawn, not fork: the parent has threads (loaders, Qt) that a forked child would inherit half-held.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        try:
            process = context.Process(target=_serve, args=(child, self.threads), daemon=True, name="semdesk-ocr")
            process.start()
        except (OSError, RuntimeError) as error:
            parent.close()
            child.close()
            self._broken = Failure(f"the OCR engine could not start ({error})")
            return self._broken
        self._process, self._conn = process, parent
        child.close()
        self.starts += 1
        try:
            if parent.poll(START_SECONDS) and parent.recv() == "ready":
                return None
        except (EOFError, OSError):
            pass
        self._stop()
        self._broken = Failure("the OCR engine could not start")
        return self._broken

    def read(self, image: np.ndarray, step: str = "both") -> Reading | Failure:
        """`step`: "both" (the gate, then the full pass if it sees text), "gate" (only whether it does:
        a Reading with no lines either way), "read" (the full pass, for a picture the gate kept)."""
        problem = self.start()
        if problem is not None:
            return problem
        assert self._conn is not None
        try:
            self._conn.send((step, np.ascontiguousarray(image)))
            if self._conn.poll(self.time_limit):
                result = self._conn.recv()
                return result if isinstance(result, Reading | Failure) else Failure("OCR answered nonsense")
        except (EOFError, OSError, BrokenPipeError):
            code = self._process.exitcode if self._process is not None else None
            self._stop()
            return Failure(f"OCR crashed on this picture (exit code {code})")
        self._stop()
        return Failure(f"OCR took longer than {self.time_limit:g} s on this picture and was stopped")

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._process = None

    def close(self) -> None:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            try:
                self._conn.send(None)
                self._process.join(2)
            except (OSError, BrokenPipeError):
                pass
        self._stop()

    def __enter__(self) -> OcrWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_threads() -> int:
    from desktop.core.ocr.engine import thread_count

    return thread_count(os.cpu_count())
