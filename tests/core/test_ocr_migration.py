"""A library made before OCR existed (catalog schema 1) opens: the migration adds the OCR tables and
nothing else changes."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from desktop.core.catalog import SCHEMA_VERSION, Catalog


def test_a_schema_1_catalog_gains_the_ocr_tables(tmp_path: Path) -> None:
    path = tmp_path / "catalog.db"
    Catalog(path).dispose()
    with sqlite3.connect(path) as db:  # back to what an older semdesk wrote
        db.execute("DROP TABLE ocr_lines")
        db.execute("DROP TABLE ocr_files")
        db.execute("INSERT INTO folders(path, added_at) VALUES (x'2f70', 0)")
        db.execute("PRAGMA user_version = 1")
    Catalog(path).dispose()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"ocr_files", "ocr_lines"} <= tables
        assert db.execute("SELECT count(*) FROM folders").fetchone() == (1,)
