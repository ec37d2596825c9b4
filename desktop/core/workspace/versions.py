"""Which model made which vectors: the active model version of each space, kept in step with the
settings. One place for the rule, so the indexer, search, the map and tuning agree on it.

A space's active version changes when the settings name another model (a row is made for it),
when a fine-tuned model is kept or rolled back (tuning), or when `text_int8` moves a tuned model
to its other-precision twin (int8 vectors are another space than fp32 ones).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.core.catalog import Catalog, reads
from desktop.core.catalog.reader import reading
from desktop.core.catalog.reads import VersionRow
from desktop.core.workspace.settings_store import LibrarySettings

if TYPE_CHECKING:
    from desktop.core.catalog.tables import ModelVersion

    Version = VersionRow | ModelVersion  # a row as read, or the ORM object a write made

log = logging.getLogger(__name__)

# Marks a text model version whose vectors came from the OpenVINO int8 encoder. (" [int8]" was
# torch's dynamic quantisation, another space: those versions now re-embed.)
INT8_SUFFIX = " [openvino int8]"
CLIP_TEXT = "cliptext"  # space of tuned CLIP text towers (queries only)


def text_model_of(version: Version) -> tuple[str, bool]:
    """(model path or name, int8?) that made a version's vectors: a fine-tuned model's folder or the
    base model named by the version; int8 when the version's name carries the suffix."""
    int8 = version.name.endswith(INT8_SUFFIX)
    if version.weights:
        return version.weights, int8
    return version.name.removesuffix(INT8_SUFFIX), int8


def _model_folder_incomplete(folder: str | None) -> bool:
    """True when a model folder is gone or lacks the config a saved model always has."""
    if not folder:
        return False
    path = Path(folder)
    return not path.is_dir() or not any((path / name).is_file() for name in ("config.json", "modules.json"))


class ModelVersions:
    def __init__(self, catalog: Catalog, settings: LibrarySettings) -> None:
        self._catalog = catalog
        self._settings = settings
        self.notice: str | None = None  # a plain sentence when a model had to be replaced

    def text_int8_enabled(self, model: str | None = None) -> bool:
        """True when the settings' text model (or `model`, one being switched to) runs in int8: text_encoder
        names it, or (auto) it measured fastest on this CPU while text_int8 allows it; needs the int8
        runtime (else full precision)."""
        from desktop.core.common.errors import ModelUnavailable
        from desktop.core.embed.encoder_choice import INT8, resolve
        from desktop.core.embed.text import int8_available, resolve_source

        if not int8_available():
            return False
        try:
            source = resolve_source(model or self._settings.get("text_model"))
        except ModelUnavailable:  # the encoder says so, in its own words, when first used
            return False
        allow = bool(self._settings.get("text_int8"))
        try:
            return resolve(source, self._settings.get("text_encoder"), allow_int8=allow) == INT8
        except ModelUnavailable:  # a set-aside encoder: refused, with its reason, when the encoder is made
            return False

    def text_runtime(self, model: str, int8: bool) -> str:
        """What runs `model` (a version's model, int8 or not): see encoder_choice.runtime_for."""
        from desktop.core.common.errors import ModelUnavailable
        from desktop.core.embed.encoder_choice import runtime_for
        from desktop.core.embed.text import resolve_source

        try:
            source = resolve_source(model)
        except ModelUnavailable:
            return "pytorch-int8" if int8 else "pytorch"  # which says what is missing, when loaded
        allow = bool(self._settings.get("text_int8"))
        return runtime_for(source, self._settings.get("text_encoder"), int8_version=int8, allow_int8=allow)

    def base_text_name(self, model: str | None = None) -> str:
        """The version name of the settings' text model (or `model`): int8 vectors are another space than
        fp32 ones, so they are a version of their own (switching re-embeds)."""
        model = model or self._settings.get("text_model")
        return model + (INT8_SUFFIX if self.text_int8_enabled(model) else "")

    def active_text_model(self) -> tuple[str, bool]:
        """(model path or name, int8?) of the active text version."""
        return text_model_of(self.active("text"))

    def active_id(self, space: str) -> int:
        return self.active(space).id

    def _identity(self, space: str) -> tuple[str, str | None]:
        if space == "text":
            return self.base_text_name(), None
        s = self._settings.all()
        weights = s["clip_weights"] or (f"pretrained:{s['clip_pretrained']}" if s["clip_pretrained"] else None)
        return s["clip_model"], weights

    def active(self, space: str) -> Version:
        """The active model version of a space ("text" or "image"), created to match the settings."""
        name, weights = self._identity(space)
        with reading(self._catalog) as reader:  # nearly always the answer: no write, no ORM
            found = reads.active_version(reader, space)
        if found is not None and not (found.base_model and _model_folder_incomplete(found.weights)) \
                and _still_active(found, space, name, weights):
            return found
        return self._make_active(space, name, weights)

    def _make_active(self, space: str, name: str, weights: str | None) -> ModelVersion:
        """The settings name another version than the active one (or none is): switch to it."""
        from sqlalchemy import select

        from desktop.core.catalog.tables import ModelVersion

        with self._catalog.session() as session:
            active = session.scalars(
                select(ModelVersion).where(ModelVersion.space == space, ModelVersion.active.is_(True))
            ).first()
            if active is not None and active.base_model and _model_folder_incomplete(active.weights):
                # A missing or half-written fine-tuned model cannot embed anything: fall back to the
                # base model (matched below) instead of failing every search and index run.
                self.notice = (
                    f"The fine-tuned text model in {active.weights} is missing or incomplete, so semdesk "
                    f"uses the base model {name} instead."
                )
                log.warning(self.notice)
            elif active is not None and _still_active(active, space, name, weights):
                return active
            same_weights = ModelVersion.weights.is_(None) if weights is None else ModelVersion.weights == weights
            match = session.scalars(
                select(ModelVersion).where(
                    ModelVersion.space == space,
                    ModelVersion.name == name,
                    same_weights,
                    ModelVersion.base_model.is_(None),
                )
            ).first()
            if active is not None:
                active.active = False
            if match is None:
                match = ModelVersion(space=space, name=name, weights=weights, active=True)
                session.add(match)
            match.active = True
            session.flush()
            session.expunge(match)
            return match

    def follow_precision(self) -> None:
        """After `text_int8` changed: an active fine-tuned model moves to the precision it now asks
        for. The same model at the other precision is a version of its own (another vector space),
        which the next index run re-embeds with, as after switching a base model."""
        from sqlalchemy import select

        from desktop.core.catalog.tables import ModelVersion

        name = self.base_text_name()
        with self._catalog.session() as session:
            active = session.scalars(
                select(ModelVersion).where(ModelVersion.space == "text", ModelVersion.active.is_(True))
            ).first()
            if active is not None and active.base_model and active.weights and active.name != name:
                _activate_twin(session, active, name)

    def active_clip_tower(self) -> str | None:
        """The tuned CLIP text tower file for the active photo model, or None for the base one."""
        image_version = str(self.active_id("image"))
        with reading(self._catalog) as reader:
            row = reads.active_version(reader, CLIP_TEXT)
        if row is None or row.base_model != image_version or not row.weights or not Path(row.weights).is_file():
            return None
        return row.weights


def _still_active(active: Version, space: str, name: str, weights: str | None) -> bool:
    """The active version is the one the settings name; a fine-tuned text model (base_model set)
    stays active while its base is the setting, at the precision it has (changing text_int8 moves
    it to the other one: follow_precision)."""
    return (active.name == name and active.weights == weights) or (
        space == "text" and active.base_model == name.removesuffix(INT8_SUFFIX))


def _activate_twin(session: Any, tuned: ModelVersion, name: str) -> None:
    """The fine-tuned model `tuned` at the precision `name` says, made active (created if new)."""
    from sqlalchemy import select

    from desktop.core.catalog.tables import ModelVersion
    twin = session.scalars(
        select(ModelVersion).where(
            ModelVersion.space == "text", ModelVersion.name == name, ModelVersion.weights == tuned.weights,
            ModelVersion.base_model == tuned.base_model,
        )
    ).first()
    if twin is None:
        twin = ModelVersion(space="text", name=name, weights=tuned.weights, base_model=tuned.base_model,
                            dim=tuned.dim, metrics=tuned.metrics, data_size=tuned.data_size,
                            created_at=tuned.created_at)
        session.add(twin)
    tuned.active = False
    twin.active = True
