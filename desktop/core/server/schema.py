"""What a server library holds beyond the ORM tables: its schema version, and the keyword tables that
stand in for SQLite's FTS5 ones (same names and columns, so catalog/writes.py works unchanged)."""

from __future__ import annotations

# The FTS5 tables are keyed by `rowid`; here it is a plain column of that name. The tsvector is
# computed by the server from the text (GENERATED ... STORED), so a writer cannot forget it.
# Title weighs more than body ('A' over 'B'), as FTS5's bm25(chunk_fts, 2.0, 1.0) does.
# 'english' stems like FTS5's porter tokenizer; accents are kept (unaccent is another extension).
KEYWORD_DDL = [
    "CREATE TABLE chunk_fts (rowid bigint PRIMARY KEY, title text, body text, "
    "tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(body, '')), 'B')) STORED)",
    "CREATE INDEX chunk_fts_tsv ON chunk_fts USING gin (tsv)",
    "CREATE TABLE file_fts (rowid bigint PRIMARY KEY, name text, "
    "tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', coalesce(name, ''))) STORED)",
    "CREATE INDEX file_fts_tsv ON file_fts USING gin (tsv)",
]

# One row: the catalog schema version (the same numbering as SQLite's PRAGMA user_version, so one
# list of migrations serves both) and which app wrote it.
VERSION_DDL = "CREATE TABLE semdesk_schema (version integer NOT NULL, written_by text NOT NULL)"

# Advisory lock keys (64-bit, arbitrary but fixed): who may create or migrate the schema, who writes,
# and who makes model-version rows.
SCHEMA_LOCK = 0x5E4D_0001
WRITER_LOCK = 0x5E4D_0002
VERSIONS_LOCK = 0x5E4D_0003
HNSW_LOCK = 0x5E4D_0004
