"""The vector of an example ("like this photo, but at night"): a library item's stored vector,
or a file from anywhere encoded on the spot (it is not added to the library)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from desktop.core.catalog import FileStatus, reads
from desktop.core.catalog.reader import reading
from desktop.core.common.errors import ClipUnavailable, SemdeskError
from desktop.core.common.vector_codec import from_blob, normalise
from desktop.core.ingest.kinds import kind_of
from desktop.core.workspace import Workspace


@dataclass(frozen=True)
class OutsideFile:
    """A file from anywhere, encoded on the spot: its space, its vectors (unit rows: one for a photo,
    one per passage for a document) and, for a document, its first passage as the model read it."""

    space: str
    vectors: np.ndarray
    first_passage: str = ""


def example_vector(ws: Workspace, target: str | Path | int) -> tuple[str, np.ndarray]:
    """(space, unit vector) of the example: "image" for a photo, "text" for a document."""
    record = find_record(ws, target)
    if record is not None and record.status == FileStatus.INDEXED:
        space = "image" if record.kind == "image" else "text"
        vector = _stored(ws, record.id, space)
        if vector is not None:
            return space, vector
    if isinstance(target, int):
        raise SemdeskError("That item is not indexed yet.")
    outside = encode_outside_file(ws, Path(target))
    return outside.space, normalise(outside.vectors.mean(axis=0))


def find_record(ws: Workspace, target: str | Path | int) -> reads.ExampleFile | None:
    """The library's row for a file id or a path (None when the library does not hold it). Read on
    sqlite3 (catalog/reads.py): a "more like this" search loads no SQLAlchemy either."""
    with reading(ws.catalog) as reader:
        if isinstance(target, int):
            return reads.file_by_id(reader, target)
        return reads.file_by_path(reader, str(Path(target).expanduser().absolute()))


def _stored(ws: Workspace, file_id: int, space: str) -> np.ndarray | None:
    version = ws.versions.active_id(space)
    with reading(ws.catalog) as reader:
        if space == "image":
            vector = reads.photo_vector(reader, file_id, version)
            return None if vector is None else normalise(from_blob(vector))
        blobs = [b for _, b in reads.passage_vectors_of_files(reader, [file_id], version)]
    return normalise(np.mean([from_blob(b) for b in blobs], axis=0)) if blobs else None


def encode_outside_file(ws: Workspace, path: Path) -> OutsideFile:
    """Read and encode a file the way indexing would, without adding it to the library."""
    from desktop.core.ingest.prepared import PreparedImage, PreparedText, Skipped, prepare_file

    if not path.is_file():
        raise SemdeskError(f"There is no file at {path}.")
    kind = kind_of(path)
    if kind is None:
        raise SemdeskError(f"{path.name} is neither a document nor a photo semdesk can read.")
    clip = text_encoder = None
    if kind == "image":
        problem = ws.encoders.clip_problem()
        if problem is not None:
            raise ClipUnavailable(problem)  # the window tells this one apart: it says how to get the model
        clip = ws.encoders.clip()
    else:
        text_encoder = ws.encoders.text()
    prepared = prepare_file(None, -1, os.fspath(path), kind, ws.settings.all(), text_encoder=text_encoder,
                            clip_encoder=clip)
    if isinstance(prepared, Skipped):
        raise SemdeskError(f"Cannot read {path.name}: {prepared.reason}.")
    if isinstance(prepared, PreparedImage):
        return OutsideFile("image", normalise(clip.encode_batch([prepared.tensor])))  # numpy, torch-free
    assert isinstance(prepared, PreparedText) and text_encoder is not None
    inputs = [prepared.embedding_input(s) for s in prepared.spans]
    return OutsideFile("text", normalise(text_encoder.encode(inputs)), inputs[0] if inputs else "")
