"""The catalog of a server library: the same SQLAlchemy models on PostgreSQL, with the interface of
catalog.Catalog (engine, session, durable_session, dispose), so every room above uses it unchanged.

Opening checks, in this order, and says in plain words what is wrong: the server answers, lets us
in, has pgvector enabled (or lets us enable it), and holds a semdesk catalog of a schema version
this app understands (older ones are migrated under an advisory lock, so two desktops opening an
old library at once do not both migrate it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from desktop.core.catalog.db import MIGRATIONS, SCHEMA_VERSION
from desktop.core.catalog.tables import Base
from desktop.core.common.errors import CatalogTooNew, SemdeskError
from desktop.core.server.adapters import register_vector
from desktop.core.server.errors import PgvectorMissing, connect_error, session_error
from desktop.core.server.schema import KEYWORD_DDL, SCHEMA_LOCK, VERSION_DDL
from desktop.core.server.text_safety import install as clean_text_parameters
from desktop.core.server.url import describe_target, driver_url, masked

log = logging.getLogger(__name__)
CONNECT_TIMEOUT = 10  # seconds: a server that is down must be said so, not waited on forever


class ServerCatalog:
    dialect = "postgresql"

    def __init__(self, location: str) -> None:
        self.url = driver_url(location)
        self.location = masked(location)
        self.path = None  # no file: callers that need one (rebuild, quick_check) are embedded-only
        self.engine: Engine = create_engine(
            # No pre-ping: it would cost a round trip per checkout (dozens a search). A connection the
            # server dropped fails one statement (said in words by session()), and the pool then reconnects.
            self.url, future=True, pool_recycle=1800,
            connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "semdesk"},
        )
        event.listen(self.engine, "connect", _on_connect)
        clean_text_parameters(self.engine)  # NULs and lone surrogates: PostgreSQL text refuses them
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        try:
            self._open()
        except BaseException:
            self.engine.dispose()
            raise
        self.engine.dispose()  # connections made before the extension existed have no vector adapters

    def _open(self) -> None:
        try:
            conn = self.engine.connect()
        except DBAPIError as error:
            raise connect_error(error, self.url) from error
        with conn:
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SCHEMA_LOCK})
            self._ensure_pgvector(conn)
            version = _schema_version(conn)
            if version is None:
                self._create(conn)
            elif version > SCHEMA_VERSION:
                raise CatalogTooNew(
                    f"This server library was written by a newer version of semdesk (catalog schema {version}; "
                    f"this app understands up to {SCHEMA_VERSION}). Update semdesk on this computer."
                )
            elif version < SCHEMA_VERSION:
                self._migrate(conn, version)
            conn.commit()

    def _ensure_pgvector(self, conn: Connection) -> None:
        if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'vector'")).first():
            return
        available = conn.execute(text("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'")).first()
        target = describe_target(self.url)
        if not available:
            raise PgvectorMissing(
                f"The server of {target} does not have the pgvector extension, which server libraries need. "
                "Install it on the server (the package is usually called postgresql-16-pgvector), then try again."
            )
        try:
            with conn.begin_nested():
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS vector"))
        except DBAPIError as error:
            raise PgvectorMissing(
                f"pgvector is installed on the server but not enabled in {target}, and {self.url.username or 'you'} "
                "may not enable it. Ask the database's owner to run: CREATE EXTENSION vector;"
            ) from error

    def _create(self, conn: Connection) -> None:
        foreign = conn.execute(text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
        )).scalar_one()
        if foreign:
            raise SemdeskError(
                f"{describe_target(self.url)} already holds other tables, so semdesk will not make a library "
                "in it. Give semdesk a database of its own (createdb semdesk)."
            )
        Base.metadata.create_all(conn)
        for ddl in KEYWORD_DDL:
            conn.execute(text(ddl))
        conn.execute(text(VERSION_DDL))
        conn.execute(text("INSERT INTO semdesk_schema (version, written_by) VALUES (:v, 'semdesk')"),
                     {"v": SCHEMA_VERSION})
        log.info("made a new server library in %s", self.location)

    def _migrate(self, conn: Connection, version: int) -> None:
        while version < SCHEMA_VERSION:
            step = MIGRATIONS.get(version)
            if step is None:
                raise SemdeskError(
                    f"This server library has catalog schema {version}, which this semdesk cannot upgrade "
                    f"(it understands {SCHEMA_VERSION}). Copy it with an older semdesk, or start a new library."
                )
            step(conn)  # migrations are dialect-aware: they get the connection and its dialect
            version += 1
            conn.execute(text("UPDATE semdesk_schema SET version = :v"), {"v": version})
            log.info("server library %s migrated to schema %d", self.location, version)

    def integrity_problems(self) -> list[str]:
        return []  # PostgreSQL checks its own pages; a damaged server is its administrator's to repair

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except DBAPIError as error:
            mapped = session_error(error, self.location) if isinstance(error, OperationalError) else None
            if mapped is not None:
                raise mapped from error
            raise

    @contextmanager
    def exclusive(self, key: int) -> Iterator[None]:
        """Hold an advisory lock across desktops for a short step (its own connection, so the step's
        sessions may commit inside it)."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                conn.commit()

    durable_session = session  # every PostgreSQL commit is durable (synchronous_commit on)

    def follow_id_sequences(self) -> None:
        """Rows came with their ids (a library copied in): the id sequences must continue after them.
        Ids are never reused (they are HNSW labels)."""
        with self.session() as session:
            for table in Base.metadata.sorted_tables:
                keys = list(table.primary_key.columns)
                if len(keys) == 1 and keys[0].autoincrement in (True, "auto") and str(keys[0].type) == "INTEGER":
                    session.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{keys[0].name}'), "
                        f"coalesce((SELECT max({keys[0].name}) FROM {table.name}), 0) + 1, false)"))

    def dispose(self) -> None:
        self.engine.dispose()


def _on_connect(dbapi_connection: object, _record: object) -> None:
    register_vector(dbapi_connection)
    dbapi_connection.commit()  # type: ignore[attr-defined]  # the type lookup opened a transaction


def _schema_version(conn: Connection) -> int | None:
    exists = conn.execute(text("SELECT to_regclass('semdesk_schema')")).scalar()
    if exists is None:
        return None
    return int(conn.execute(text("SELECT max(version) FROM semdesk_schema")).scalar() or 0)


def probe(location: str) -> str:
    """Test an address without changing anything there: a sentence on what was found, or a SemdeskError."""
    url = driver_url(location)
    engine = create_engine(url, connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "semdesk"})
    try:
        try:
            conn = engine.connect()
        except DBAPIError as error:
            raise connect_error(error, url) from error
        with conn:
            target = describe_target(url)
            version = conn.execute(text("SHOW server_version")).scalar()
            vector = conn.execute(text("SELECT extversion FROM pg_extension WHERE extname = 'vector'")).scalar()
            available = conn.execute(text("SELECT default_version FROM pg_available_extensions "
                                          "WHERE name = 'vector'")).scalar()
            if vector is None and available is None:
                raise PgvectorMissing(f"The server of {target} does not have the pgvector extension, which server "
                                      "libraries need. Install it on the server, then try again.")
            schema = _schema_version(conn)
            if schema is not None and schema > SCHEMA_VERSION:
                raise CatalogTooNew(f"The library in {target} was written by a newer version of semdesk "
                                    f"(catalog schema {schema}). Update semdesk on this computer.")
            if schema is None:
                found = "an empty database: a new library will be made in it"
            else:
                files = conn.execute(text("SELECT count(*) FROM files")).scalar()
                found = f"a semdesk library with {files} files"
            extension = f"pgvector {vector}" if vector else f"pgvector {available} (will be enabled)"
            return f"Connected to {target}: PostgreSQL {version}, {extension}; {found}."
    finally:
        engine.dispose()
