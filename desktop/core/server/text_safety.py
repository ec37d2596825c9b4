"""Text PostgreSQL refuses, made storable at the one door every statement of a server library passes.

PostgreSQL's `text` cannot hold U+0000 (psycopg refuses it: "text fields cannot contain NUL"), and
a UTF-8 database cannot hold a lone surrogate (Python keeps undecodable bytes that way); SQLite
stores both, so the embedded library never had to care. Files bring them in: a NUL after the binary
sniff's first 8 KB, a UTF-16 file holding U+0000, a PDF or EXIF title padded with NULs, OCR text.
One such passage failed the whole batch, and so the index run.

Cleaning each writer (passages, titles, file-name keywords, OCR lines, reasons, copied rows...)
would miss the next one, so every string parameter of every statement on a server library's
engine is cleaned here, just before it is sent: each offending character becomes U+FFFD, one
character for one, so passage offsets into the document text stay right. Queries pass the same
door: a NUL pasted into the search box is no error. Bytes (paths are bytea) and vectors pass as
they are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

REPLACEMENT = "\ufffd"


def storable(value: str) -> str:
    """`value` with NULs and lone surrogates replaced by U+FFFD (same length)."""
    if "\x00" in value:
        value = value.replace("\x00", REPLACEMENT)
    if value.isascii():
        return value
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "".join(REPLACEMENT if "\ud800" <= ch <= "\udfff" else ch for ch in value)
    return value


def _clean(params: Any) -> Any:
    """The same parameters (a dict, a sequence, or a list of either for executemany), cleaned; the
    original object when nothing needed it, so the common case copies nothing."""
    if isinstance(params, str):
        return storable(params)
    if isinstance(params, dict):
        cleaned = {key: _clean(value) for key, value in params.items()}
        return params if all(cleaned[k] is params[k] for k in params) else cleaned
    if isinstance(params, (list, tuple)):
        items = [_clean(value) for value in params]
        if all(new is old for new, old in zip(items, params, strict=True)):
            return params
        return type(params)(items)
    return params


def _before_execute(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                    _executemany: bool) -> tuple[str, Any]:
    return statement, _clean(parameters)


def install(engine: Engine) -> None:
    event.listen(engine, "before_cursor_execute", _before_execute, retval=True)
