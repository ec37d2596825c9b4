"""The text model as a choice: Fast, Accurate, Multilingual or a folder, what each costs here, and switching in
the background.

Switching embeds every passage with the new model into that model's own version (its own vector rows)
while searches keep answering from the current one; only when every passage has a vector does one
transaction make it active and change the `text_model` setting (tuning.versions.activate_job). Each
batch commits, so a run killed half-way resumes where it stopped when asked again; a model used before
keeps its vectors, so switching back costs only the passages added since.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from desktop.core.catalog import Chunk, ChunkVector, FileRecord, FileStatus, ModelVersion
from desktop.core.common.errors import ModelUnavailable, SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.embed.known_models import ACCURATE, ACCURATE_GET, KNOWN, by_key, by_name
from desktop.core.tuning.versions import ModelInfo, activate_job
from desktop.core.workspace import Workspace
from desktop.core.workspace.versions import INT8_SUFFIX


@dataclass(frozen=True)
class ModelChoice:
    key: str  # "fast", "accurate" or "folder"
    label: str
    name: str  # the text_model setting's value
    active: bool
    available: bool
    problem: str | None  # why it cannot be used here, and how to get it
    folder: str | None
    disk_bytes: int | None
    dim: int | None
    quality: str
    passages_per_second: float | None  # measured on this computer (the encoder choice), else None
    passages_to_embed: int  # what switching to it would embed now (0: its vectors are kept)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def cost(self) -> str:
        """What it costs here, in words: disk, speed, the re-embedding a switch needs."""
        parts = []
        if self.disk_bytes:
            parts.append(f"{self.disk_bytes / 1e6:.0f} MB on disk")
        if self.passages_per_second:
            parts.append(f"{self.passages_per_second:.0f} passages/s here")
        if self.active:
            parts.append("in use")
        elif self.passages_to_embed == 0:
            parts.append("switching is instant (its vectors are kept)")
        elif self.passages_per_second:
            minutes = self.passages_to_embed / self.passages_per_second / 60
            parts.append(f"switching embeds {self.passages_to_embed} passages, about {max(minutes, 0.1):.1f} min")
        else:
            parts.append(f"switching embeds {self.passages_to_embed} passages")
        return ", ".join(parts)


def setting_value(target: str) -> str:
    """What `semdesk models use TARGET` means as a text_model value: fast, accurate, a model name, or a
    folder (made absolute, so the library finds it from anywhere)."""
    known = by_key(target) or by_name(target)
    if known is not None:
        return known.name
    path = Path(target).expanduser()
    if path.is_dir():
        return str(path.resolve())
    if path.is_absolute() or target.startswith((".", "~")):
        raise ModelUnavailable(f"There is no folder at {target}. Choose a folder with a sentence-transformers model.")
    raise SemdeskError(f"{target!r} is not a version id, nor a model semdesk knows: use fast, accurate, multilingual, "
                       "a model folder, or a version id that `semdesk models` lists.")


def _version_counts(ws: Workspace) -> tuple[int, dict[str, int]]:
    """(indexed passages, {base version name: passages with a vector})."""
    with ws.catalog.session() as session:
        total = session.scalar(
            select(func.count(Chunk.id)).join(FileRecord, FileRecord.id == Chunk.file_id)
            .where(FileRecord.status == FileStatus.INDEXED)) or 0
        rows = session.execute(
            select(ModelVersion.name, func.count(ChunkVector.chunk_id))
            .join(ChunkVector, ChunkVector.model_version_id == ModelVersion.id, isouter=True)
            .where(ModelVersion.space == "text", ModelVersion.base_model.is_(None), ModelVersion.weights.is_(None))
            .group_by(ModelVersion.id)).all()
    return int(total), {name: int(n) for name, n in rows}


def _speed(folder: str | None) -> float | None:
    """Passages/s of the encoder chosen for this model on this CPU, when it was measured (read, never measured)."""
    if folder is None:
        return None
    from desktop.core.embed.encoder_choice import read_record

    record = read_record(folder)
    if not record:
        return None
    chosen = [f for f in record.get("figures", []) if f.get("encoder") == record.get("chosen")]
    return float(chosen[0]["passages_per_second"]) if chosen else None


def _embedded(counts: dict[str, int], name: str) -> int:
    return max(counts.get(name, 0), counts.get(name + INT8_SUFFIX, 0))


def choices(ws: Workspace) -> list[ModelChoice]:
    """Fast, Accurate and (when the setting names one) the folder in use: available or not, and costs.
    Reads only: nothing is downloaded, joined, hashed or measured."""
    from desktop.core.embed.model_folders import find_folder

    current = ws.settings.get("text_model")
    total, counts = _version_counts(ws)
    listed = []
    for model in KNOWN:
        folder = find_folder(model, join=False)
        problem = None if folder else (ACCURATE_GET if model is ACCURATE else model.get)
        listed.append(ModelChoice(
            model.key, model.label, model.name, by_name(current) is model, folder is not None, problem,
            str(folder) if folder else None, model.disk_bytes, model.dim, model.quality,
            _speed(str(folder)) if folder else None, total - min(total, _embedded(counts, model.name))))
    if by_name(current) is None:
        path = Path(current).expanduser()
        size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else None
        listed.append(ModelChoice(
            "folder", "Folder", current, True, path.is_dir(),
            None if path.is_dir() else f"There is no folder at {current}.", str(path) if path.is_dir() else None,
            size, None, "not measured", _speed(str(path)) if path.is_dir() else None,
            total - min(total, _embedded(counts, current))))
    return listed


def switch_job(ws: Workspace, target: str, *, cancel: CancelToken | None = None) -> Job[ModelInfo]:
    """Switch the text model to `target` (fast, accurate or a folder) in the background; see the module."""
    from desktop.core.embed.text import resolve_source

    name = setting_value(target)
    yield Progress("checking the model's files")
    resolve_source(name)  # found, and its files checked, before anything is embedded
    # int8 vectors are a space of their own: which encoder runs this model here names its version (the
    # first use of a model on this CPU measures the encoders, about a minute).
    yield Progress("choosing the fastest encoder for this model on this computer")
    version_name = ws.versions.base_text_name(name)
    with ws.catalog.session() as session:
        row = session.scalars(select(ModelVersion).where(
            ModelVersion.space == "text", ModelVersion.name == version_name, ModelVersion.weights.is_(None),
            ModelVersion.base_model.is_(None))).first()
        if row is None:
            row = ModelVersion(space="text", name=version_name, active=False)
            session.add(row)
            session.flush()
        version_id = row.id
    return (yield from activate_job(ws, version_id, cancel=cancel, text_model=name))


__all__ = ["ModelChoice", "choices", "setting_value", "switch_job"]
