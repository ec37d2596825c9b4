"""A library made before faces existed (catalog schema 2) opens, of either kind: the migration adds the
faces tables and nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.core.catalog import SCHEMA_VERSION, Catalog

FACE_TABLES = ("face_anchors", "faces", "people", "face_files")  # dropped children first


def test_a_schema_2_catalog_gains_the_faces_tables(tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    Catalog(path).dispose()
    with sqlite3.connect(path) as db:  # back to what the semdesk before faces wrote
        for table in FACE_TABLES:
            db.execute(f"DROP TABLE {table}")
        db.execute("INSERT INTO folders(path, added_at) VALUES (x'2f70', 0)")
        db.execute("PRAGMA user_version = 2")
    Catalog(path).dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert set(FACE_TABLES) <= tables
        assert db.execute("SELECT count(*) FROM folders").fetchone() == (1,)


def test_a_schema_2_server_library_gains_the_faces_tables(server_url: str) -> None:
    import psycopg

    from desktop.core.server.catalog import ServerCatalog

    ServerCatalog(server_url).engine.dispose()
    with psycopg.connect(server_url, autocommit=True) as conn:
        for table in FACE_TABLES:
            conn.execute(f"DROP TABLE {table}")
        conn.execute("UPDATE semdesk_schema SET version = 2")
    ServerCatalog(server_url).engine.dispose()
    with psycopg.connect(server_url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM semdesk_schema").fetchone() == (SCHEMA_VERSION,)
        found = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert set(FACE_TABLES) <= found
