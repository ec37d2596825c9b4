"""Opening a library by where it is: a folder (the embedded library) or a server library's address."""

from __future__ import annotations

import os
from pathlib import Path

from desktop.core.common.errors import SemdeskError
from desktop.core.server.url import is_server_url as is_server_address
from desktop.core.workspace.paths import ENV_LIBRARY, default_library_dir
from desktop.core.workspace.workspace import Workspace


def library_location(location: str | Path | None = None) -> str | Path:
    """What to open: `location`, else $SEMDESK_LIBRARY (a folder or an address), else the default folder."""
    if location:
        return location
    env = os.environ.get(ENV_LIBRARY, "").strip()
    return env if is_server_address(env) else default_library_dir()


def open_workspace(location: str | Path | None = None) -> Workspace:
    where = library_location(location)
    if is_server_address(where):
        from desktop.core.workspace.server import ServerWorkspace  # psycopg loads only for server libraries

        return ServerWorkspace(str(where))
    return Workspace(Path(where))


def refuse_server(location: str | Path | None, what: str) -> None:
    """Some commands are for a library folder only (rebuilding a damaged SQLite file, for one)."""
    if is_server_address(library_location(location)):
        raise SemdeskError(f"{what} is for a library folder; a server library is repaired and restored "
                           "on its server (from a pg_dump backup).")
