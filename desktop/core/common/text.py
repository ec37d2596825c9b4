"""Small text rules shared by every room."""

from __future__ import annotations


def displayable(name: str) -> str:
    """A file name as valid text: undecodable bytes (kept as surrogate escapes in paths) become U+FFFD."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_SENTENCE_END = (". ", "? ", "! ", ".\n", "?\n", "!\n")
# A cut at a sentence end is taken when it keeps at least this share of the room; else the last word.
_SENTENCE_SHARE = 0.6


def clip(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, cut after a sentence or else between words, "…" where
    it was cut: a snippet never ends mid-word ("virtualisa")."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    room = flat[: max(1, limit - 1)]
    sentence = max(room.rfind(end) for end in _SENTENCE_END)
    if sentence >= limit * _SENTENCE_SHARE:
        return room[: sentence + 1] + " …"
    space = room.rfind(" ")
    return (room[:space] if space > 0 else room).rstrip(" ,;:") + " …"
