"""A photo's own words: caption sidecars (`photo.txt`, `photo.xmp`, `photo.png.xmp`) and the
description written into the file (EXIF ImageDescription, XMP dc:description).

They were indexed as separate documents that crowded results and the map (issue 13); now a
sidecar is not a document, and its text is the photo's searchable text (its keywords).
"""

from __future__ import annotations

import html
import os
import re
from typing import Any

from desktop.core.ingest.decode import decode_text

SIDECAR_SUFFIXES = (".txt", ".xmp")
MAX_SIDECAR_BYTES = 256 * 1024
MAX_CAPTION_CHARS = 4000
_IMAGE_DESCRIPTION = 0x010E  # EXIF ImageDescription
_DESCRIPTION = re.compile(r"<dc:description\b[^>]*>(.*?)</dc:description>", re.DOTALL | re.IGNORECASE)
_LI = re.compile(r"<rdf:li\b[^>]*>(.*?)</rdf:li>", re.DOTALL | re.IGNORECASE)
_ATTRIBUTE = re.compile(r"\bdc:description=\"([^\"]*)\"", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def image_stems(names: set[str], is_image: Any) -> set[str]:
    """The file names (and names without their suffix) of a folder's pictures."""
    stems = set()
    for name in names:
        if is_image(name):
            stems.add(name)
            stems.add(os.path.splitext(name)[0])
    return stems


def is_sidecar(name: str, stems: set[str]) -> bool:
    """`photo.txt`, `photo.xmp` or `photo.png.xmp` beside `photo.png` (stems from `image_stems`)."""
    stem, suffix = os.path.splitext(name)
    return suffix.lower() in SIDECAR_SUFFIXES and stem in stems


def sidecar_paths(path: str) -> list[str]:
    stem = os.path.splitext(path)[0]
    return [stem + ".txt", stem + ".xmp", path + ".xmp", stem + ".TXT", stem + ".XMP"]


def xmp_description(xml: str) -> str:
    parts = []
    for block in _DESCRIPTION.findall(xml):
        items = _LI.findall(block) or [block]
        parts.extend(html.unescape(_TAG.sub(" ", item)) for item in items)
    parts.extend(html.unescape(value) for value in _ATTRIBUTE.findall(xml))
    return " ".join(" ".join(p.split()) for p in parts if p.strip())


def embedded_caption(image: Any) -> str:
    """EXIF ImageDescription and XMP dc:description of an opened PIL image ("" when none)."""
    parts: list[str] = []
    try:
        description = image.getexif().get(_IMAGE_DESCRIPTION)
        if isinstance(description, bytes):
            description = description.decode("utf-8", "replace")
        if isinstance(description, str) and description.strip():
            parts.append(description.strip("\x00 \n"))
    except Exception:
        pass  # a broken EXIF block costs the caption, not the photo
    xmp = image.info.get("xmp") or image.info.get("XML:com.adobe.xmp")
    if isinstance(xmp, bytes):
        xmp = xmp.decode("utf-8", "replace")
    if isinstance(xmp, str):
        parts.append(xmp_description(xmp))
    return join_captions(parts)


def sidecar_caption(path: str) -> str:
    """The text of the photo's caption files, if any (read with the same care as documents)."""
    parts: list[str] = []
    for candidate in dict.fromkeys(sidecar_paths(path)):
        try:
            if not os.path.isfile(candidate) or os.path.getsize(candidate) > MAX_SIDECAR_BYTES:
                continue
            with open(candidate, "rb") as handle:
                text = decode_text(handle.read())
        except Exception:  # unreadable or not text: the photo simply has no caption from it
            continue
        parts.append(xmp_description(text) if candidate.lower().endswith(".xmp") else text)
    return join_captions(parts)


def join_captions(parts: list[str]) -> str:
    seen: list[str] = []
    for part in parts:
        part = " ".join(part.split())
        if part and part not in seen:
            seen.append(part)
    return " ".join(seen)[:MAX_CAPTION_CHARS]
