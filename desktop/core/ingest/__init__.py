"""Turning files on disk into things to embed: scan folders, read bytes safely,
extract text, cut it into passages, and decode photos.

Everything here is a pure function of its inputs (no database, no Qt), and every
problem with a single file surfaces as `SkipFile` so indexing can go on.
"""

from desktop.core.ingest.chunk import Span, chunk_spans, simple_token_offsets
from desktop.core.ingest.extract import Extracted, decode_text, extract_text
from desktop.core.ingest.images import Photo, load_photo, make_thumbnail, thumbnail_relpath
from desktop.core.ingest.kinds import IMAGE_SUFFIXES, TEXT_SUFFIXES, kind_of
from desktop.core.ingest.read import content_hash, read_stable
from desktop.core.ingest.scan import ScanEntry, ScanProblem, scan_folder

__all__ = [
    "IMAGE_SUFFIXES",
    "TEXT_SUFFIXES",
    "Extracted",
    "Photo",
    "ScanEntry",
    "ScanProblem",
    "Span",
    "chunk_spans",
    "content_hash",
    "decode_text",
    "extract_text",
    "kind_of",
    "load_photo",
    "make_thumbnail",
    "read_stable",
    "scan_folder",
    "simple_token_offsets",
    "thumbnail_relpath",
]
