"""A real PostgreSQL with pgvector for the tests (the PyPI package `pgserver`), started once per session.

Start-up takes about a second on this machine (initdb is cached in the temp dir for the session
only); each test that wants a server library gets a fresh database made from `template1`, where
the `vector` extension was created once, so a new database costs a CREATE DATABASE (~0.1 s).
Tests skip with the reason when the server cannot start (no pgserver wheel for the platform,
no shared memory in a sandbox...).
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest


@dataclass
class PgServer:
    server: object  # pgserver.PostgresServer
    socket_dir: str
    data_dir: Path

    def url(self, database: str = "postgres", user: str = "postgres", password: str | None = None) -> str:
        auth = user if password is None else f"{user}:{quote(password)}"
        return f"postgresql://{auth}@/{database}?host={self.socket_dir}"

    def sql(self, command: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(command)

    def new_database(self, *, with_vector: bool = True) -> str:
        name = f"semdesk_test_{uuid.uuid4().hex[:12]}"  # unique across sessions: caches are keyed by it
        self.sql(f"CREATE DATABASE {name} TEMPLATE {'template1' if with_vector else 'template0'}")
        return name


def start_server() -> PgServer:
    """Start a server or skip the test with why it could not."""
    try:
        import pgserver
    except ImportError as error:
        pytest.skip(f"server-library tests need the pgserver package ({error})")
    data_dir = Path(tempfile.mkdtemp(prefix="semdesk-pg-"))  # short: the socket path must stay < 108 bytes
    try:
        server = pgserver.get_server(data_dir, cleanup_mode="stop")
    except Exception as error:
        pytest.skip(f"could not start a PostgreSQL server with pgserver: {error}")
    uri = server.get_uri()
    socket_dir = uri.split("host=", 1)[1].split("&", 1)[0]
    found = PgServer(server, socket_dir, data_dir)
    try:
        found.sql("CREATE EXTENSION IF NOT EXISTS vector", database="template1")
    except Exception as error:
        server.cleanup()
        pytest.skip(f"the PostgreSQL from pgserver has no pgvector extension: {error}")
    return found


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    found = start_server()
    yield found
    found.server.cleanup()  # type: ignore[attr-defined]


@pytest.fixture
def server_url(pg_server: PgServer) -> str:
    """A fresh, empty database with pgvector: the URL of a new server library."""
    return pg_server.url(pg_server.new_database())
