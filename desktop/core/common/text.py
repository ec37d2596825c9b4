"""Small text rules shared by every room."""

from __future__ import annotations


def displayable(name: str) -> str:
    """A file name as valid text: undecodable bytes (kept as surrogate escapes in paths) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
