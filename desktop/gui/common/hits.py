"""How a search hit is named and pictured on screen, the same in every room."""

from __future__ import annotations

import os

from desktop.core.common.records import Hit


def hit_title(hit: Hit) -> str:
    return hit.title or os.path.basename(hit.path)


def thumbnail_source(hit: Hit) -> str:
    """The image a photo hit is drawn from: the core's cached JPEG is small and always decodable;
    the original may be a 40 MP HEIC."""
    return hit.thumbnail or hit.path
