"""Where semdesk keeps things per user: the default library, the caches (model copies, measured
speeds, the map's compiled code) and this desktop's server-library settings. Here, beside nothing
heavy, because the window asks before it is on screen (is a window already open on that library?)
and the catalog takes a second to import. One rule for all: an environment variable wins (tests
and portable set-ups), else the platform's own folder."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

ENV_LIBRARY = "SEMDESK_LIBRARY"
ENV_CACHE = "SEMDESK_CACHE"
ENV_DESKTOP_CONFIG = "SEMDESK_DESKTOP_CONFIG"


def _user_path(env: str, folder: Callable[..., str], *parts: str) -> Path:
    override = os.environ.get(env)
    if override:
        return Path(override).expanduser()
    return Path(folder("semdesk", appauthor=False), *parts)


def default_library_dir() -> Path:
    return _user_path(ENV_LIBRARY, platformdirs.user_data_dir, "library")


def desktop_config_file() -> Path:
    """This desktop's settings for server libraries (see server/desktop_config.py)."""
    return _user_path(ENV_DESKTOP_CONFIG, platformdirs.user_config_dir, "server-libraries.json")


def cache_root() -> Path:
    """Everything here can be deleted: it is remade (int8 copies, compiled blobs, speed records)."""
    return _user_path(ENV_CACHE, platformdirs.user_cache_dir)
