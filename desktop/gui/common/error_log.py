"""Turning exceptions into sentences a person can act on, and keeping tracebacks in a log.

A SemdeskError's message is already written for the user and is shown as-is. Anything
else is a bug: its traceback goes to LIBRARY/semdesk.log and the user sees a short,
calm message saying where the details are. No traceback ever reaches a dialog.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from desktop.core.common.errors import SemdeskError

log = logging.getLogger("semdesk.gui")
LOG_NAME = "semdesk.log"


def attach_log_file(directory: Path) -> Path:
    """Send the app's log (warnings and tracebacks) to DIRECTORY/semdesk.log."""
    path = directory / LOG_NAME
    root = logging.getLogger("semdesk")
    for handler in list(root.handlers):
        if getattr(handler, "_semdesk", False):
            root.removeHandler(handler)
            handler.close()
    try:
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return path
    handler._semdesk = True  # type: ignore[attr-defined]
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def user_message(error: BaseException, doing: str = "", log_path: Path | None = None) -> str:
    """The sentence to show for `error`; logs the traceback of anything unexpected."""
    if isinstance(error, SemdeskError):
        return str(error)
    if isinstance(error, MemoryError):
        return f"There was not enough memory {doing or 'to finish'}. Close other programs and try again."
    if isinstance(error, OSError) and error.strerror:
        where = f" ({error.filename})" if error.filename else ""
        return f"Could not finish {doing or 'the task'}: {error.strerror}{where}."
    log.error("Unexpected error %s:\n%s", doing, "".join(traceback.format_exception(error)))
    where = f" The details were written to {log_path}." if log_path else ""
    return f"Something went wrong {doing or 'unexpectedly'}. It is not your fault.{where}"


def install_excepthook(show: Callable[[str], None], log_path: Callable[[], Path | None]) -> None:
    """Uncaught exceptions (e.g. in a slot) are logged and summarised, not dumped on screen."""
    showing = False

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        log.error("Uncaught exception:\n%s", "".join(traceback.format_exception(kind, error, tb)))
        sys.__excepthook__(kind, error, tb)  # also on stderr for whoever launched from a terminal
        if showing:
            return  # one dialog at a time, even if the error repeats on every repaint
        showing = True
        try:
            if isinstance(error, SemdeskError):
                show(str(error))
            else:
                where = log_path()
                show("Something went wrong. It is not your fault, and semdesk keeps running."
                     + (f" The details were written to {where}." if where else ""))
        finally:
            showing = False

    sys.excepthook = hook
