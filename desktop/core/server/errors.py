"""PostgreSQL's failures in the words a person can act on, classified by SQLSTATE where the server
sent one (never by message text, which is translated by the server's locale)."""

from __future__ import annotations

from sqlalchemy.engine import URL

from desktop.core.common.errors import DiskFull, SemdeskError
from desktop.core.server.url import describe_target

# SQLSTATE codes (PostgreSQL, appendix A)
INVALID_PASSWORD = "28P01"
INVALID_AUTHORIZATION = "28000"
UNKNOWN_DATABASE = "3D000"
INSUFFICIENT_PRIVILEGE = "42501"
DISK_FULL = "53100"
CANNOT_CONNECT_NOW = "57P03"  # starting up or shutting down
ADMIN_SHUTDOWN = "57P01"


class ServerUnavailable(SemdeskError):
    """The server cannot be reached or went away."""


class ServerRefused(SemdeskError):
    """The server answered but would not let us in (user, password, database)."""


class PgvectorMissing(SemdeskError):
    pass


def sqlstate(error: BaseException) -> str | None:
    inner = getattr(error, "orig", None) or error
    return getattr(inner, "sqlstate", None)


def connect_error(error: BaseException, url: URL) -> SemdeskError:
    """The sentence for a failure to open a connection to `url`."""
    target = describe_target(url)
    user = url.username or "your user name"
    code = sqlstate(error) or _libpq_code(error)
    if code == INVALID_PASSWORD:
        return ServerRefused(f"The server refused the password for {user} ({target}). "
                             "Check the password in the library address and try again.")
    if code == INVALID_AUTHORIZATION:
        return ServerRefused(f"The server does not let {user} connect to {target} (see its pg_hba.conf), "
                             "or the user does not exist. Ask whoever runs the server.")
    if code == UNKNOWN_DATABASE:
        return ServerRefused(f"There is no {target}. Create it on the server first "
                             f"(createdb {url.database}) and try again.")
    if code in (CANNOT_CONNECT_NOW, ADMIN_SHUTDOWN):
        return ServerUnavailable(f"The server for {target} is starting up or shutting down. Try again in a moment.")
    detail = str(getattr(error, "orig", error)).strip().splitlines()
    if code == NO_PASSWORD:
        return ServerRefused(f"The server asks for a password for {user} ({target}): "
                             "add it to the library address, or to your ~/.pgpass file.")
    return ServerUnavailable(f"Cannot reach the server for {target}: is PostgreSQL running there, and is "
                             f"the address right? ({detail[0] if detail else 'no answer'})")


NO_PASSWORD = "no password"
# A failure while connecting carries no SQLSTATE (libpq has no result to read it from), only libpq's
# message, which names the server's reason in English unless the server's lc_messages says otherwise.
_LIBPQ_MESSAGES = (
    ("password authentication failed", INVALID_PASSWORD),
    ("no password supplied", NO_PASSWORD),
    ("does not exist", None),  # database or role: told apart below
    ("no pg_hba.conf entry", INVALID_AUTHORIZATION),
    ("the database system is starting up", CANNOT_CONNECT_NOW),
    ("the database system is shutting down", CANNOT_CONNECT_NOW),
)


def _libpq_code(error: BaseException) -> str | None:
    message = str(getattr(error, "orig", error)).lower()
    for text, code in _LIBPQ_MESSAGES:
        if text in message:
            if code is None:
                return UNKNOWN_DATABASE if 'database "' in message else INVALID_AUTHORIZATION
            return code
    return None


def session_error(error: BaseException, location: str) -> SemdeskError | None:
    """The sentence for a failure in the middle of work, or None when it is not the server's doing."""
    code = sqlstate(error)
    if code == DISK_FULL:
        return DiskFull("The server's disk is full, so semdesk could not save its work; nothing was lost. "
                        "Ask whoever runs the server to free some space, then try again.")
    if code is None or code.startswith("08") or code in (ADMIN_SHUTDOWN, CANNOT_CONNECT_NOW):
        return ServerUnavailable(f"The connection to the library's server ({location}) was lost, so this was "
                                 "not saved or answered. Check the network and the server, then try again.")
    return None
