"""A server library's address: `postgresql://user[:password]@host[:port]/dbname[?host=/socket/dir]`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from desktop.core.common.errors import SemdeskError

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

# SQLAlchemy is imported by the functions that parse an address, not here: every library's opening
# asks is_server_url, and a search on a folder library never loads SQLAlchemy (issue 14).

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(location: object) -> bool:
    return isinstance(location, str) and location.strip().lower().startswith(SCHEMES)


def driver_url(location: str) -> URL:
    """The SQLAlchemy URL with the psycopg 3 driver, whatever scheme the user typed."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    text = location.strip()
    for scheme in SCHEMES:
        if text.lower().startswith(scheme):
            text = "postgresql+psycopg://" + text[len(scheme):]
            break
    try:
        url = make_url(text)
    except ArgumentError as error:
        raise SemdeskError(f"{masked(location)} is not a server library address like "
                           "postgresql://user@host/dbname.") from error
    if not url.database:
        raise SemdeskError(f"{masked(location)} names no database: add it after the host, "
                           "as in postgresql://user@host/dbname.")
    return url


def masked(location: str) -> str:
    """The address as it may be shown or logged: never with its password."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(location.strip().replace("postgres://", "postgresql://", 1))
    except ArgumentError:
        return location.split("@")[-1]
    return url.render_as_string(hide_password=True)


def cache_key(location: str) -> str:
    """One desktop's cache folder for a library: the same library whatever password was typed."""
    url = driver_url(location).set(password=None, drivername="postgresql")
    return hashlib.sha256(url.render_as_string(hide_password=False).encode()).hexdigest()[:16]


def describe_target(url: URL) -> str:
    """'database photos on nas.local' for messages; a socket folder counts as the host."""
    host = url.host or url.query.get("host") or "this computer"
    if isinstance(host, tuple):
        host = host[0]
    where = f"{host}:{url.port}" if url.port else str(host)
    return f"database {url.database} on {Path(where) if where.startswith('/') else where}"


def without_password(location: str) -> str:
    """The address to remember (a window's last library): a password belongs in ~/.pgpass, not there."""
    url = driver_url(location).set(password=None)
    return url.set(drivername="postgresql").render_as_string(hide_password=False)
