"""Native code (OCR's ONNX Runtime, dlib's face detector) in a child process, so that a hang or a crash
costs one picture, not the run, and so that the work runs beside the parent's own (dlib holds the GIL:
in a thread it would take turns with the decoding instead of sharing both cores).

Native code cannot be interrupted from Python: a picture that takes too long is stopped by killing the
child, and the next picture starts a fresh one. A child that dies (segfault, out of memory) is noticed
as a closed pipe. The child builds its engine once (`make`, a module-level function the spawned child
imports by name) and serves requests until closed. A child for background work runs at a lower
priority (`nice`), so that a search or the user's other programs are not slowed by it.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, Self, TypeVar

BACKGROUND = 10  # the niceness of OCR's and the face detector's children: phases after "searchable"
START_SECONDS = 120  # loading the models in a fresh child, on a busy machine
Answer = TypeVar("Answer")


def _serve(conn: Connection, make: Callable[..., Callable[[Any], Any]], args: tuple[Any, ...], what: str,
           nice: int) -> None:
    if nice and hasattr(os, "nice"):
        os.nice(nice)  # background work: the window, a search or the user's other programs go first
    handle = make(*args)
    conn.send("ready")
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        if request is None:
            return
        try:
            conn.send(handle(request))
        except Exception as error:  # a bad picture costs itself only; the child goes on
            conn.send(ChildProblem(f"{what} failed ({type(error).__name__}: {error})"))


class ChildProblem(str):
    """Why the child gave no answer: a plain sentence fragment ("OCR took longer than 30 s ...")."""


class NativeChild(Generic[Answer]):
    """`what` names the work in messages ("OCR", "the face detector"); `answers` is the type a healthy
    child sends back (anything else is reported as nonsense)."""

    def __init__(self, make: Callable[..., Callable[[Any], Any]], args: tuple[Any, ...], *, what: str,
                 name: str, answers: type | tuple[type, ...], time_limit: float, nice: int = 0) -> None:
        self._make, self._args, self.what, self.name, self.nice = make, args, what, name, nice
        self._answers = answers
        self.time_limit = time_limit
        self._process: Any = None
        self._conn: Connection | None = None
        self.starts = 0  # how many children were started (tests and the bench read it)
        self._broken: ChildProblem | None = None  # an engine that cannot start is not tried again this run

    @property
    def pid(self) -> int | None:
        return None if self._process is None else self._process.pid

    def start(self) -> ChildProblem | None:
        if self._broken is not None:
            return self._broken
        if self._process is not None and self._process.is_alive():
            return None
        self._stop()
        # spawn, not fork: the parent has threads (loaders, Qt) that a forked child would inherit half-held.
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        try:
            process = context.Process(target=_serve, args=(child, self._make, self._args, self.what, self.nice),
                                      daemon=True, name=self.name)
            process.start()
        except (OSError, RuntimeError) as error:
            parent.close()
            child.close()
            self._broken = ChildProblem(f"{self.what} could not start ({error})")
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
        self._broken = ChildProblem(f"{self.what} could not start")
        return self._broken

    def ask(self, request: Any) -> Answer | ChildProblem:
        problem = self.start()
        if problem is not None:
            return problem
        assert self._conn is not None
        try:
            self._conn.send(request)
            if self._conn.poll(self.time_limit):
                answer = self._conn.recv()
                if isinstance(answer, ChildProblem | self._answers):
                    return answer  # type: ignore[no-any-return]
                return ChildProblem(f"{self.what} answered nonsense")
        except (EOFError, OSError, BrokenPipeError):
            code = self._process.exitcode if self._process is not None else None
            self._stop()
            return ChildProblem(f"{self.what} crashed on this picture (exit code {code})")
        self._stop()
        return ChildProblem(f"{self.what} took longer than {self.time_limit:g} s on this picture and was stopped")

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


class ChildHolder:
    """What a worker that keeps one NativeChild (OCR's, the face detector's) shares: the child's pid and
    start count (tests and the bench read them), closing it, and `with`."""

    _child: NativeChild[Any]

    @property
    def pid(self) -> int | None:
        return self._child.pid

    @property
    def starts(self) -> int:
        return self._child.starts

    def close(self) -> None:
        self._child.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
