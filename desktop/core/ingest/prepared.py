"""Per-file work done on the indexer's loader threads: read once, hash, extract and chunk, or decode a photo.

Everything that can go wrong with a user's file ends here as `Skipped(reason)`; nothing
raised by a parser ever reaches the indexing loop.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop.core.common.atomic import write_bytes_atomically
from desktop.core.common.embedding_input import passage_input
from desktop.core.common.errors import SkipFile
from desktop.core.common.text import displayable
from desktop.core.ingest.captions import join_captions, sidecar_caption
from desktop.core.ingest.chunk import Span, chunk_spans_in_pieces
from desktop.core.ingest.extract import extract_text
from desktop.core.ingest.headings import passage_headings
from desktop.core.ingest.images import load_photo, make_thumbnail, thumbnail_relpath
from desktop.core.ingest.read import content_hash, read_stable

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 300 * 1024 * 1024
CLIP_INPUT_SIDE = 224  # ViT-B-32's, for photos decoded while the photo model is unavailable
TITLE_CHARS = 120  # the title prefix must leave most of the model's window to the passage


@dataclass
class Prepared:
    file_id: int
    path: str
    kind: str
    content_hash: str | None = None
    size: int = 0
    mtime: float = 0.0

    @property
    def name(self) -> str:
        return os.path.basename(self.path)


@dataclass
class Skipped(Prepared):
    reason: str = ""


@dataclass
class PreparedText(Prepared):
    title: str = ""
    text: str = ""
    spans: list[Span] = field(default_factory=list)
    headings: list[str] = field(default_factory=list)  # each span's trail of section headings ("" none)

    def embedding_input(self, span: Span) -> str:
        return passage_input(self.title, self.text[span.start : span.end])


@dataclass
class PreparedImage(Prepared):
    tensor: Any = None  # preprocessed CLIP input; None when CLIP is unavailable
    width: int = 0
    height: int = 0
    taken_at: float | None = None
    camera: str | None = None
    caption: str = ""  # the photo's own words (sidecar files, EXIF/XMP description): its keywords


def document_title(extracted_title: str, path: str) -> str:
    title = " ".join(extracted_title.split())[:TITLE_CHARS]
    stem = Path(path).stem
    return displayable(title if title and title != stem else Path(path).name)


def prepare_file(
    thumbs: Path | None,
    file_id: int,
    path: str,
    kind: str,
    settings: dict[str, Any],
    *,
    text_encoder: Any,
    clip_encoder: Any,
) -> Prepared:
    try:
        if kind == "text":
            return _prepare_text(file_id, path, settings, text_encoder)
        return _prepare_image(thumbs, file_id, path, settings, clip_encoder)
    except SkipFile as skip:
        return Skipped(file_id, path, kind, reason=skip.reason)
    except MemoryError:
        return Skipped(file_id, path, kind, reason="not enough memory to read this file")
    except Exception as error:  # a parser bug must cost one file, never the run
        return Skipped(
            file_id, path, kind, reason=f"unexpected problem reading the file ({type(error).__name__}: {error})"
        )


def _prepare_text(file_id: int, path: str, settings: dict[str, Any], encoder: Any) -> PreparedText:
    data, stat = read_stable(path, max_bytes=int(settings["max_text_mb"]) * 1024 * 1024)
    digest = content_hash(data)
    extracted = extract_text(data, os.path.basename(path))
    del data
    title = document_title(extracted.title, path)
    budget = encoder.max_tokens - encoder.special_tokens_count - encoder.count_tokens(title) - 1
    if int(settings["passage_tokens"]) > 0:  # shorter passages than the model could read, by choice
        budget = min(budget, int(settings["passage_tokens"]))
    spans = chunk_spans_in_pieces(
        extracted.text,
        encoder.token_offsets,
        max_tokens=max(16, budget),
        overlap_tokens=min(int(settings["chunk_overlap_tokens"]), max(0, budget // 4)),
    )
    if not spans:
        raise SkipFile("no text found in the document")
    headings = passage_headings(extracted.headings, [(span.start, span.end) for span in spans], title)
    return PreparedText(file_id, path, "text", digest, stat.st_size, stat.st_mtime, title=title, text=extracted.text,
                        spans=spans, headings=[displayable(h) for h in headings])


def _prepare_image(
    thumbs: Path | None, file_id: int, path: str, settings: dict[str, Any], encoder: Any
) -> PreparedImage:
    data, stat = read_stable(path, max_bytes=MAX_IMAGE_BYTES)
    digest = content_hash(data)
    size = int(settings["thumbnail_size"])
    # Decoded just big enough for both uses: the model's input square and the thumbnail's long side.
    model_side = encoder.input_size if encoder is not None else CLIP_INPUT_SIDE
    photo = load_photo(
        data, max_pixels=int(settings["max_image_megapixels"]) * 1_000_000, target_size=model_side, longest=size
    )
    del data
    if thumbs is not None:  # None: a file from outside the library, only embedded
        write_thumbnail(thumbs / thumbnail_relpath(digest), make_thumbnail(photo.image, size))
    tensor = encoder.preprocess(photo.image) if encoder is not None else None
    return PreparedImage(
        file_id,
        path,
        "image",
        digest,
        stat.st_size,
        stat.st_mtime,
        tensor=tensor,
        width=photo.width,
        height=photo.height,
        taken_at=photo.taken_at,
        camera=photo.camera,
        caption=join_captions([photo.caption, sidecar_caption(path)]),
    )


def write_thumbnail(target: Path, data: bytes) -> None:
    if target.exists():
        return  # keyed by content hash: an existing thumbnail is the same picture
    try:
        target.parent.mkdir(parents=True, exist_ok=True)  # also brings back a deleted thumbs dir
        write_bytes_atomically(target, data, durable=False)  # a cache: no fsync needed
    except OSError as error:
        # A thumbnail is a cache: a full disk costs the picture in the grid, not the photo's indexing.
        log.warning("could not write thumbnail %s: %s", target, error)
