"""Keeping tracebacks in a log, and uncaught exceptions off the screen.

The sentence a person sees for an error comes from the core's one policy
(desktop.core.common.errors.describe): a bug's traceback goes to LIBRARY/semdesk.log and the
user sees a short, calm message saying where the details are. No traceback reaches a dialog.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from desktop.core.common.errors import describe

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


def install_excepthook(show: Callable[[str], object], log_path: Callable[[], Path | None]) -> None:
    """Uncaught exceptions (e.g. in a slot) are logged and summarised, not dumped on screen."""
    showing = False

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        sys.__excepthook__(kind, error, tb)  # also on stderr for whoever launched from a terminal
        if showing:
            return  # one dialog at a time, even if the error repeats on every repaint
        showing = True
        try:
            show(describe(error.with_traceback(tb), log_path=log_path()))  # a bug's traceback goes to the log
        finally:
            showing = False

    sys.excepthook = hook
