"""Bytes to text without assuming UTF-8 (non-UTF-8 files aborted indexing in peers).

Order: byte-order mark, binary sniffing, strict UTF-8, mostly-UTF-8 with a few stray
bytes, then a statistical guess. charset_normalizer alone is unreliable on short
Western text (it calls "naïve" in cp1252 "naďve" in cp1250), so when its best
candidates tie, the common Windows-1252 reading wins.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from desktop.core.common.errors import SkipFile

_SNIFF = 8192  # bytes looked at for NULs
_CONTROL_SAMPLE = 65536  # characters looked at for control characters
_MAX_CONTROL_SHARE = 0.05  # real text has almost none; random bytes give ~10%
_BINARY = "looks like binary data, not text"

_BOMS = [  # UTF-32 first: its little-endian BOM starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v\x1b")
_CONTROLS = frozenset(chr(c) for c in [*range(32), *range(0x7F, 0xA0)]) - _ALLOWED_CONTROLS


def decode_text(data: bytes, *, declared: str | None = None) -> str:
    """Decode a text file's bytes; SkipFile when they are binary or undecodable.

    `declared` is an encoding the document names itself (e.g. an HTML meta charset),
    tried after a BOM and UTF-8.
    """
    text = _decode(data, declared)
    if text.startswith("\ufeff"):
        text = text[1:]
    sample = text[:_CONTROL_SAMPLE]
    if sample and sum(ch in _CONTROLS for ch in sample) > _MAX_CONTROL_SHARE * len(sample):
        raise SkipFile(_BINARY)
    return text


def _decode(data: bytes, declared: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _lenient(data[len(bom):], encoding)
    head = data[:_SNIFF]
    if b"\x00" in head:
        utf16 = _bomless_utf16(head)
        if utf16 is None:
            raise SkipFile(_BINARY)
        return _lenient(data, utf16)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # the document lied about itself: guess instead
    return _guess(data)


def _lenient(data: bytes, encoding: str) -> str:
    # A BOM is strong evidence; a few bad sequences should not cost the whole file.
    return data.decode(encoding, errors="replace")


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a BOM shows NULs on every other byte (ASCII-heavy text)."""
    even, odd = head[0::2], head[1::2]
    if not odd:
        return None
    even_nuls, odd_nuls = even.count(0), odd.count(0)
    if odd_nuls > 0.4 * len(odd) and even_nuls < 0.05 * len(even):
        return "utf-16-le"
    if even_nuls > 0.4 * len(even) and odd_nuls < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few stray bytes (a pasted Latin-1 line) is still UTF-8 text."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))  # fast even for 20 MB
    good = non_ascii - bad
    return text if good >= 4 * bad else None


def _guess(data: bytes) -> str:
    matches = from_bytes(data)
    best = matches.best()
    if best is None:
        raise SkipFile("could not work out the text encoding")
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None:
        tied = [m for m in matches if m.chaos <= best.chaos + 0.01 and m.coherence >= best.coherence - 0.01]
        if any(m.encoding in ("cp1252", "latin_1", "iso8859_15") or str(m) == western for m in tied):
            return western
    return str(best)
