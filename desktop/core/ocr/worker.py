"""OCR in a child process (common/native_child.py): a hang or a crash in ONNX Runtime costs one
picture, not the run. The child loads the models once and serves pictures until closed."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np

from desktop.core.common.native_child import BACKGROUND, ChildHolder, ChildProblem, NativeChild
from desktop.core.ocr.records import Failure, Reading


def _engine(threads: int) -> Callable[[tuple[str, np.ndarray]], Reading]:
    from desktop.core.ocr.engine import Engine  # in the child only: the parent never loads the models

    engine = Engine(threads)
    return lambda request: engine.read(request[1], request[0])


class OcrWorker(ChildHolder):
    def __init__(self, threads: int, time_limit: float) -> None:
        self.threads = threads
        self._child: NativeChild[Reading] = NativeChild(
            _engine, (threads,), what="OCR", name="semdesk-ocr", answers=Reading,
            time_limit=time_limit, nice=BACKGROUND)

    @property
    def time_limit(self) -> float:
        return self._child.time_limit

    @time_limit.setter
    def time_limit(self, seconds: float) -> None:
        self._child.time_limit = seconds

    def start(self) -> Failure | None:
        problem = self._child.start()
        return None if problem is None else Failure(str(problem))

    def read(self, image: np.ndarray, step: str = "both") -> Reading | Failure:
        """`step`: "both" (the gate, then the full pass if it sees text), "gate" (only whether it does:
        a Reading with no lines either way), "read" (the full pass, for a picture the gate kept)."""
        answer = self._child.ask((step, np.ascontiguousarray(image)))
        return Failure(str(answer)) if isinstance(answer, ChildProblem) else answer



def default_threads() -> int:
    from desktop.core.ocr.engine import thread_count

    return thread_count(os.cpu_count())
