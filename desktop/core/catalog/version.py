"""The catalog's schema version and the refusal of a newer one: shared by the sqlite3 check at
open (catalog/db.py) and the SQLAlchemy path that creates and migrates (catalog/engine.py)."""

from __future__ import annotations

from desktop.core.common.errors import CatalogTooNew

# 3: faces and people; 4: keyword copies with words inside CJK text cut apart (common/cjk.py);
# 5: each passage's section headings (chunks.heading); 6: full-width letters and digits folded to ASCII in
# the keyword copies; 7: traditional and Japanese character forms simplified there
SCHEMA_VERSION = 7


def too_new(version: int) -> CatalogTooNew:
    return CatalogTooNew(
        f"This library was written by a newer version of semdesk (catalog schema {version}; "
        f"this app understands up to {SCHEMA_VERSION}). Update semdesk, or open another library."
    )
