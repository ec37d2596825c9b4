"""Opening a server library: every way it can fail is one plain sentence, and the CLI takes the address."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from desktop.cli import main
from desktop.core.catalog import db as catalog_db
from desktop.core.common.errors import CatalogTooNew, SemdeskError
from desktop.core.library import Library
from desktop.core.server.catalog import ServerCatalog
from desktop.core.server.errors import PgvectorMissing, ServerRefused, ServerUnavailable
from tests.corpus import write_documents
from tests.server.pg import PgServer


def test_server_down_is_said_so(tmp_path: Path) -> None:
    with pytest.raises(ServerUnavailable, match=r"Cannot reach the server for database lib .*is PostgreSQL running"):
        Library.open(f"postgresql://me@/lib?host={tmp_path}")


def test_wrong_password_and_unknown_database(pg_server: PgServer) -> None:
    pg_server.sql("DO $$BEGIN CREATE ROLE pwuser LOGIN PASSWORD 'right'; EXCEPTION WHEN duplicate_object THEN END$$")
    hba = pg_server.data_dir / "pg_hba.conf"
    if "pwuser" not in hba.read_text():
        hba.write_text("local all pwuser scram-sha-256\n" + hba.read_text())
        pg_server.sql("SELECT pg_reload_conf()")
    with pytest.raises(ServerRefused, match="refused the password for pwuser"):
        Library.open(pg_server.url("postgres", "pwuser", "wrong"))
    with pytest.raises(ServerRefused, match="asks for a password for pwuser"):
        Library.open(pg_server.url("postgres", "pwuser"))
    with pytest.raises(ServerRefused, match=r"There is no database nosuchdb .*createdb nosuchdb"):
        Library.open(pg_server.url("nosuchdb"))


def test_pgvector_not_enabled_and_not_ours_to_enable(pg_server: PgServer) -> None:
    name = pg_server.new_database(with_vector=False)
    pg_server.sql("DO $$BEGIN CREATE ROLE plain LOGIN; EXCEPTION WHEN duplicate_object THEN END$$")
    pg_server.sql("GRANT ALL ON SCHEMA public TO plain", database=name)
    with pytest.raises(PgvectorMissing, match=r"not enabled in database .*CREATE EXTENSION vector;"):
        Library.open(pg_server.url(name, "plain"))
    Library.open(pg_server.url(name)).close()  # its owner (a superuser here) may: the library is made


def test_newer_and_older_schemas(server_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    Library.open(server_url).close()
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("UPDATE semdesk_schema SET version = 99")
    with pytest.raises(CatalogTooNew, match=r"newer version of semdesk .*schema 99"):
        Library.open(server_url)
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute("UPDATE semdesk_schema SET version = 0")
    with pytest.raises(SemdeskError, match="schema 0, which this semdesk cannot upgrade"):
        Library.open(server_url)
    ran: list[str] = []
    monkeypatch.setitem(catalog_db.MIGRATIONS, 0, lambda conn: ran.append(conn.dialect.name))
    ServerCatalog(server_url).dispose()  # migrated, once, with the connection it was given
    assert ran == ["postgresql"]
    with psycopg.connect(server_url) as conn:
        assert conn.execute("SELECT version FROM semdesk_schema").fetchone() == (catalog_db.SCHEMA_VERSION,)


def test_a_database_with_other_tables_is_left_alone(pg_server: PgServer) -> None:
    name = pg_server.new_database()
    pg_server.sql("CREATE TABLE invoices (id int)", database=name)
    with pytest.raises(SemdeskError, match="already holds other tables"):
        Library.open(pg_server.url(name))


def test_cli_takes_an_address_and_the_environment(server_url: str, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    write_documents(tmp_path / "docs", ["bicycle.txt", "bread.md"])
    assert main(["--library", server_url, "index", str(tmp_path / "docs"), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["indexed"] == 2
    monkeypatch.setenv("SEMDESK_LIBRARY", server_url)
    assert main(["search", "repair my bike", "--kind", "text", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["path"].endswith("bicycle.txt")
    assert main(["status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["path"].startswith("postgresql://") and "host=" in status["path"]
    assert main(["rebuild"]) == 1
    assert "pg_dump" in capsys.readouterr().err
