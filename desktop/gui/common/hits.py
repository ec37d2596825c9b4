"""How a search hit is named and pictured on screen, the same in every room."""

from __future__ import annotations

import os

from desktop.core.common.records import Hit, Passage

PLACE_SEPARATOR = " › "


def hit_title(hit: Hit) -> str:
    return hit.title or os.path.basename(hit.path)


def hit_place(hit: Hit, passage: Passage | None = None) -> str:
    """The document's title and the section headings its passage stands under: "venv — … › How venvs work"."""
    heading = passage.heading if passage is not None else hit.heading
    return hit_title(hit) + (PLACE_SEPARATOR + heading if heading else "")


def thumbnail_source(hit: Hit) -> str:
    """The image a photo hit is drawn from: the core's cached JPEG is small and always decodable;
    the original may be a 40 MP HEIC."""
    return hit.thumbnail or hit.path
