"""Where the default library lives. Here, beside nothing heavy, because the window asks it before
it is on screen (is a window already open on that library?) and the catalog takes a second to import."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

ENV_LIBRARY = "SEMDESK_LIBRARY"


def default_library_dir() -> Path:
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("semdesk", appauthor=False)) / "library"
