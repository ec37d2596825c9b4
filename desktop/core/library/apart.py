"""A long request run in a child process, so that the memory it took goes back when it ends.

Training a model and laying out a map load PyTorch's training side, numba, UMAP and their caches,
and glibc keeps most of what they allocated on their threads even after every reference is gone:
a window held ~3.6 GB after a training run and a map, against ~400 MB at start (issue 24; measured on
the test corpus: +1.9 GB after one small training run, of which gc and malloc_trim gave back 0.24 GB).
A child process gives all of it back when it exits.

The child opens the same library folder (SQLite in WAL mode and the library's file lock work across
processes, as they do for a second window or the command line), runs the facade's request and sends
each Progress and then the result (or the error) back through a pipe. Cancelling the parent's token
cancels the child's, which stops between its steps as it would in a thread.

    result = run_job(in_child(Library.open, library.address, "tune", {"target": "text"}, cancel), on_progress)

`open_library` is the facade's `Library.open` (pickled by name for the child): this module never
imports the facade, which imports it.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job

POLL_SECONDS = 0.1
GONE = ("The {what} stopped unexpectedly (its process ended with code {code}). Nothing was changed; try again, "
        "and if it happens again, the log has the details.")


def in_child(open_library: Callable[[str], Any], address: str, request: str, kwargs: dict[str, Any],
             cancel: CancelToken | None, what: str = "work") -> Job[Any]:
    """The job of `open_library(address).<request>(**kwargs, cancel=...)`, run in a child process."""
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no copy of this one's memory
    ours, theirs = context.Pipe(duplex=False)  # the child's progress and result
    stop_seen, stop = context.Pipe(duplex=False)  # "stop" (or its closing) cancels the child's job
    # Not a multiprocessing Event: setting one whose waiter has exited waits forever.
    process = context.Process(target=_child, args=(open_library, address, request, kwargs, theirs, stop_seen),
                              daemon=True, name=f"semdesk-{request}")
    process.start()
    theirs.close()
    stop_seen.close()
    stopped = False
    try:
        while True:
            if cancel is not None and cancel.cancelled and not stopped:
                stopped = _send_stop(stop)
            if ours.poll(POLL_SECONDS):
                try:
                    kind, value = ours.recv()
                except EOFError:
                    process.join(10)
                    raise SemdeskError(GONE.format(what=what, code=process.exitcode)) from None
                if kind == "progress":
                    yield value
                elif kind == "done":
                    return value
                else:
                    raise value
            elif not process.is_alive() and not ours.poll():
                raise SemdeskError(GONE.format(what=what, code=process.exitcode))
    finally:
        _send_stop(stop)
        stop.close()
        process.join(30)
        if process.is_alive():
            process.terminate()
            process.join(10)
        ours.close()


def _send_stop(stop: Connection) -> bool:
    with contextlib.suppress(OSError):
        stop.send("stop")
    return True


def _child(open_library: Callable[[str], Any], address: str, request: str, kwargs: dict[str, Any],
           pipe: Connection, stop: Connection) -> None:
    token = CancelToken()

    def watch() -> None:
        with contextlib.suppress(EOFError, OSError):
            stop.recv()  # "stop", or the end of the pipe when the parent has gone
        token.cancel()

    threading.Thread(target=watch, daemon=True).start()
    try:
        with open_library(address) as library:
            job = getattr(library, request)(**kwargs, cancel=token)
            while True:
                try:
                    progress = next(job)
                except StopIteration as done:
                    pipe.send(("done", done.value))
                    break
                pipe.send(("progress", progress))
    except BaseException as error:  # handed to the parent, which raises it where the job ran
        pipe.send(("error", _sendable(error)))
    finally:
        with contextlib.suppress(OSError):
            pipe.close()


def _sendable(error: BaseException) -> BaseException:
    """The error itself when it survives pickling (SemdeskError, Cancelled, OSError…), else its words."""
    try:
        pickle.loads(pickle.dumps(error))
        return error
    except Exception:
        return SemdeskError(f"{type(error).__name__}: {error}")
