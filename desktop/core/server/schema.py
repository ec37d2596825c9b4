"""What a server library holds beyond the ORM tables: its schema version, and the keyword tables that
stand in for SQLite's FTS5 ones (same names and columns, so catalog/writes.py works unchanged)."""

from __future__ import annotations

# The FTS5 tables are keyed by `rowid`; here it is a plain column of that name. The tsvector is
# computed by the server from the text (GENERATED ... STORED), so a writer cannot forget it.
# Title weighs more than body ('A' over 'B'), as FTS5's bm25(chunk_fts, 2.0, 1.0) does.
# Read as FTS5's `porter unicode61` reads text: every run of letters and digits a word (PostgreSQL's
# own parser would keep `os.path.join` or `a@b.c` whole, so `path` would not find it), stemmed
# (Snowball English), and no stop words dropped ("if", "for" and "not" matter in identifiers):
# on the exact-identifier quality set the stock 'english' configuration lost 0.037 nDCG@10 against FTS5,
# this one 0.007 (scripts/bench --only server).
WORDS = "regexp_replace({text}, '[^[:alnum:]]+', ' ', 'g')"
TS_CONFIG = "semdesk"
KEYWORD_DDL = [
    "CREATE TEXT SEARCH DICTIONARY semdesk_stem (TEMPLATE = snowball, Language = english)",
    f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = english)",
    f"ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, "
    "word, hword, hword_part WITH semdesk_stem",
    "CREATE TABLE chunk_fts (rowid bigint PRIMARY KEY, title text, body text, "
    f"tsv tsvector GENERATED ALWAYS AS (setweight(to_tsvector('{TS_CONFIG}', "
    + WORDS.format(text="coalesce(title, '')") + "), 'A') || "
    f"setweight(to_tsvector('{TS_CONFIG}', " + WORDS.format(text="coalesce(body, '')") + "), 'B')) STORED)",
    "CREATE INDEX chunk_fts_tsv ON chunk_fts USING gin (tsv)",
    "CREATE TABLE file_fts (rowid bigint PRIMARY KEY, name text, "
    f"tsv tsvector GENERATED ALWAYS AS (to_tsvector('{TS_CONFIG}', " + WORDS.format(text="coalesce(name, '')")
    + ")) STORED)",
    "CREATE INDEX file_fts_tsv ON file_fts USING gin (tsv)",
]

# One row: the catalog schema version (the same numbering as SQLite's PRAGMA user_version, so one
# list of migrations serves both) and which app wrote it.
VERSION_DDL = "CREATE TABLE semdesk_schema (version integer NOT NULL, written_by text NOT NULL)"

# Advisory lock keys (64-bit, arbitrary but fixed): who may create or migrate the schema, who writes
# (shared by indexers, exclusive for the rest: server/lock.py), who makes model-version rows.
SCHEMA_LOCK = 0x5E4D_0001
WRITER_LOCK = 0x5E4D_0002
VERSIONS_LOCK = 0x5E4D_0003
HNSW_LOCK = 0x5E4D_0004
PLANNING_LOCK = 0x5E4D_0005  # one writer at a time changes the folder list and records a scan
# A writer's claim on one file it is indexing: the two-key form (this space, the file id), held in the
# writer's lock connection from before the file is read until its batch commits.
CLAIM_SPACE = 0x5E4E
