"""A Library is one data dir: the catalog, the vector indexes, thumbnails and models.

It is the one object the CLI and the GUI talk to. Heavy things (encoders, HNSW
indexes) are created lazily so opening a library is instant.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import func, select

from desktop.core.catalog import Catalog, FileRecord, FileStatus, Folder, ModelVersion, SettingRow
from desktop.core.common.errors import ClipUnavailable, SemdeskError, SkipFile
from desktop.core.common.jobs import CancelToken, Job
from desktop.core.common.records import FolderSummary, Hit, IndexSummary, LibraryStatus, MarkRecord, SkippedFile
from desktop.core.common.settings import SETTINGS
from desktop.core.tuning.examples import MIN_QUERIES as MIN_MARKED_QUERIES
from desktop.core.workspace.lock import WriteLock

if TYPE_CHECKING:
    from desktop.core.recovery.rebuild import RebuildReport

__all__ = ["MIN_MARKED_QUERIES", "Library", "default_library_dir", "tune_defaults", "tuning_report"]

ENV_LIBRARY = "SEMDESK_LIBRARY"
# Marks a text model version whose vectors came from the OpenVINO int8 encoder. (" [int8]" was
# torch's dynamic quantisation, another space: those versions now re-embed.)
INT8_SUFFIX = " [openvino int8]"
log = logging.getLogger(__name__)

# Encoders are expensive (seconds, hundreds of MB) and stateless: one per model in a process,
# shared by every Library opened in it (the GUI reopening a library, tests).
_ENCODERS: dict[tuple[Any, ...], Any] = {}
_ENCODERS_LOCK = threading.Lock()


# The settings each encoder is made from: changing one forgets the library's encoder.
TEXT_SETTINGS = ("text_model", "text_int8")
CLIP_SETTINGS = ("clip_model", "clip_pretrained", "clip_weights", "clip_openvino")


def shared_encoder(key: tuple[Any, ...], make: Any) -> Any:
    with _ENCODERS_LOCK:
        if key not in _ENCODERS:
            _ENCODERS[key] = make()
        return _ENCODERS[key]


def shared_text_encoder(model: str, int8: bool, *, queries: bool = False) -> Any:
    """The process's TextEncoder for `model`: the indexer's copy, or the copy that answers queries
    (see Library.query_encoder). One key for everyone, so no model is loaded twice."""
    from desktop.core.embed import TextEncoder

    return shared_encoder(("text-query" if queries else "text", model, int8), lambda: TextEncoder(model, int8=int8))


def text_model_of(version: ModelVersion) -> tuple[str, bool]:
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


def default_library_dir() -> Path:
    env = os.environ.get(ENV_LIBRARY)
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir("semdesk", appauthor=False)) / "library"


class Library:
    def __init__(self, path: Path) -> None:
        self.path = path.expanduser().resolve()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            (self.path / "indexes").mkdir(exist_ok=True)
            (self.path / "thumbs").mkdir(exist_ok=True)
            (self.path / "models").mkdir(exist_ok=True)
        except OSError as error:
            raise SemdeskError(f"Cannot use {self.path} as a library folder: {error.strerror}.") from error
        self.catalog = Catalog(self.path / "catalog.sqlite")
        self.write_lock = WriteLock(self.path / "write.lock")
        self._lazy_lock = threading.RLock()
        self._text_encoder: Any = None
        self._clip_encoder: Any = None
        self._indexes: dict[str, Any] = {}
        self.model_notice: str | None = None  # a plain sentence when a model had to be replaced

    @classmethod
    def open(cls, path: Path | str | None = None) -> Library:
        return cls(Path(path) if path else default_library_dir())

    @classmethod
    def rebuild(cls, path: Path | str | None = None) -> tuple[Library, RebuildReport]:
        """Replace a damaged catalog: moved aside, a fresh one with the folders and marks. The library
        returned holds the write lock until `finish_rebuild` has run to the end."""
        from desktop.core.recovery.rebuild import start_rebuild

        lib, report = start_rebuild(Path(path) if path else default_library_dir())
        return lib, report

    def finish_rebuild(self, cancel: CancelToken | None = None) -> Job[IndexSummary]:
        """After `rebuild`: re-index every folder, then tie the marks back to their files."""
        from desktop.core.recovery.rebuild import rebuild_job

        return rebuild_job(self, cancel)

    def close(self) -> None:
        self.catalog.dispose()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- settings -------------------------------------------------------------------------

    def get_setting(self, key: str) -> Any:
        definition = SETTINGS.get(key)
        if definition is None:
            raise SemdeskError(f"There is no setting called {key!r}. Known settings: {', '.join(SETTINGS)}.")
        with self.catalog.session() as session:
            row = session.get(SettingRow, key)
            return definition.default if row is None else json.loads(row.value)

    def settings(self) -> dict[str, Any]:
        with self.catalog.session() as session:
            stored = {row.key: json.loads(row.value) for row in session.scalars(select(SettingRow))}
        return {key: stored.get(key, s.default) for key, s in SETTINGS.items()}

    def set_setting(self, key: str, value: Any) -> None:
        if key not in SETTINGS:
            raise SemdeskError(f"There is no setting called {key!r}. Known settings: {', '.join(SETTINGS)}.")
        if isinstance(value, str) and not isinstance(SETTINGS[key].default, str):
            value = SETTINGS[key].parse(value)
        if key == "clip_weights" and value:
            value = str(Path(value).expanduser().resolve())
            if not Path(value).is_file():
                raise SemdeskError(f"There is no file at {value}.")
        with self.catalog.session() as session:
            session.merge(SettingRow(key=key, value=json.dumps(value)))
        if key in TEXT_SETTINGS:
            self._text_encoder = None
        if key == "text_int8":
            self._tuned_model_follows_int8()
        if key in CLIP_SETTINGS:
            self._clip_encoder = None

    # ---- models ---------------------------------------------------------------------------

    def text_encoder(self) -> Any:
        with self._lazy_lock:
            if self._text_encoder is None:
                self._text_encoder = shared_text_encoder(*self._text_model())
            return self._text_encoder

    def query_encoder(self) -> Any:
        """A second copy of the text model for queries: the indexer's copy is busy for seconds per
        batch (its tokenizer is not shareable between threads), and typing must not wait for it."""
        with self._lazy_lock:
            return shared_text_encoder(*self._text_model(), queries=True)

    def clip_encoder(self) -> Any:
        with self._lazy_lock:
            if self._clip_encoder is None:
                from desktop.core.tuning.clip_tower import make_clip_encoder
                from desktop.core.tuning.versions import active_clip_tower

                s = self.settings()
                tower = active_clip_tower(self)  # a tuned text side changes queries only, never photo vectors
                key = ("clip", *(s[name] for name in CLIP_SETTINGS), tower)
                self._clip_encoder = shared_encoder(key, lambda: make_clip_encoder(s, tower))
            return self._clip_encoder

    def reset_encoders(self) -> None:
        """Forget the cached encoders after the active model version changed (tuning, rollback)."""
        with self._lazy_lock:
            self._text_encoder = None
            self._clip_encoder = None

    def clip_problem(self) -> str | None:
        """None when photo search can work; otherwise a sentence saying what is missing."""
        try:
            return self.clip_encoder().problem()
        except ClipUnavailable as error:
            return str(error)

    def download_clip(self) -> Path:
        """Fetch CLIP weights into the Hugging Face cache (network, only when the user asks)."""
        path = self.clip_encoder().download()
        self._clip_encoder = None  # the next use resolves the freshly cached weights
        return path

    def active_text_model_path(self) -> str:
        """The fine-tuned model dir when one is active, else the `text_model` setting."""
        return text_model_of(self._active_version_row("text"))[0]

    def _text_model(self) -> tuple[str, bool]:
        """(model path or name, int8?) of the active text version."""
        return text_model_of(self._active_version_row("text"))

    def base_text_version_name(self) -> str:
        """The version name of the settings' text model: int8 vectors are another space than fp32
        ones, so they are a version of their own (switching re-embeds). Without the int8 runtime
        installed, the setting means full precision."""
        return self.get_setting("text_model") + (INT8_SUFFIX if self.text_int8_enabled() else "")

    def text_int8_enabled(self) -> bool:
        """The text_int8 setting, when the int8 runtime is installed (else it means full precision)."""
        from desktop.core.embed.text import int8_available

        return bool(self.get_setting("text_int8")) and int8_available()

    def _model_identity(self, space: str) -> tuple[str, str | None]:
        s = self.settings()
        if space == "text":
            return self.base_text_version_name(), None
        weights = s["clip_weights"] or (f"pretrained:{s['clip_pretrained']}" if s["clip_pretrained"] else None)
        return s["clip_model"], weights

    def _active_version_row(self, space: str) -> ModelVersion:
        """The active model version of a space, created to match the settings when they changed."""
        name, weights = self._model_identity(space)
        with self.catalog.session() as session:
            active = session.scalars(
                select(ModelVersion).where(ModelVersion.space == space, ModelVersion.active.is_(True))
            ).first()
            if active is not None and active.base_model and _model_folder_incomplete(active.weights):
                # A missing or half-written fine-tuned model cannot embed anything: fall back to the
                # base model (matched below) instead of failing every search and index run.
                self.model_notice = (
                    f"The fine-tuned text model in {active.weights} is missing or incomplete, so semdesk "
                    f"uses the base model {name} instead."
                )
                log.warning(self.model_notice)
            # A fine-tuned text model (base_model set) stays active while its base is the setting, at
            # the precision it has (changing text_int8 moves it to the other one: set_setting).
            elif active is not None and (
                (active.name == name and active.weights == weights)
                or (active.base_model == name.removesuffix(INT8_SUFFIX) and space == "text")
            ):
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

    def _tuned_model_follows_int8(self) -> None:
        """An active fine-tuned model moves to the precision text_int8 now asks for: the same model
        at the other precision is a version of its own (another vector space), which the next index
        run re-embeds with, as after switching a base model."""
        name = self.base_text_version_name()
        with self.catalog.session() as session:
            active = session.scalars(
                select(ModelVersion).where(ModelVersion.space == "text", ModelVersion.active.is_(True))
            ).first()
            if active is not None and active.base_model and active.weights and active.name != name:
                self._activate_twin(session, active, name)

    @staticmethod
    def _activate_twin(session: Any, tuned: ModelVersion, name: str) -> None:
        """The fine-tuned model `tuned` at the precision `name` says, made active (created if new)."""
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

    def active_version_id(self, space: str) -> int:
        return self._active_version_row(space).id

    def vector_index(self, space: str) -> Any:
        with self._lazy_lock:
            if space not in self._indexes:
                from desktop.core.vectors import VectorIndex

                self._indexes[space] = VectorIndex(self.catalog, space, self.path / "indexes")
            return self._indexes[space]

    def loaded_indexes(self) -> list[Any]:
        with self._lazy_lock:
            return list(self._indexes.values())

    def forget_vectors(self, *, chunk_ids: list[int], photo_ids: list[int]) -> None:
        """Drop labels from the in-memory HNSW caches after their rows left the catalog."""
        import numpy as np

        with self._lazy_lock:
            text_index, image_index = self._indexes.get("text"), self._indexes.get("image")
        if text_index is not None and chunk_ids:
            text_index.remove(np.asarray(chunk_ids, dtype=np.int64))
        if image_index is not None and photo_ids:
            image_index.remove(np.asarray(photo_ids, dtype=np.int64))

    def ready_index(self, space: str) -> Any:
        """The HNSW index of a space, current with the catalog for the active model."""
        dim = self.query_encoder().dim if space == "text" else self.clip_encoder().dim
        index = self.vector_index(space)
        index.ensure(self.active_version_id(space), dim)
        return index

    def warm_up(self) -> None:
        """Load models and indexes (seconds). Call off the UI thread before the first query."""
        self.query_encoder().encode_query("warm up")
        self.ready_index("text")
        if self.clip_problem() is None:
            self.clip_encoder().encode_query("warm up")
            self.ready_index("image")

    # ---- folders and status -----------------------------------------------------------------

    def folders(self) -> list[FolderSummary]:
        with self.catalog.session() as session:
            folders = session.scalars(select(Folder).order_by(Folder.path)).all()
            counts = session.execute(
                select(FileRecord.folder_id, FileRecord.status, func.count()).group_by(
                    FileRecord.folder_id, FileRecord.status
                )
            ).all()
        per_folder: dict[int, dict[str, int]] = {}
        for folder_id, status, count in counts:
            per_folder.setdefault(folder_id, {})[status] = count
        return [FolderSummary(f.id, f.path, per_folder.get(f.id, {}), f.scanned_at) for f in folders]

    def skipped_files(self, limit: int | None = None) -> list[SkippedFile]:
        with self.catalog.session() as session:
            query = (
                select(FileRecord.path, FileRecord.reason, FileRecord.status)
                .where(FileRecord.status.in_([FileStatus.SKIPPED, FileStatus.WAITING_MODEL]))
                .order_by(FileRecord.path)
            )
            if limit:
                query = query.limit(limit)
            return [SkippedFile(p, r or "", s) for p, r, s in session.execute(query)]

    def status(self) -> LibraryStatus:
        with self.catalog.session() as session:
            counts = Counter(
                dict(session.execute(select(FileRecord.status, func.count()).group_by(FileRecord.status)).all())
            )
            kinds = Counter(
                dict(session.execute(select(FileRecord.kind, func.count()).group_by(FileRecord.kind)).all())
            )
            from desktop.core.catalog import Chunk

            chunks = session.scalar(select(func.count()).select_from(Chunk)) or 0
        settings = self.settings()
        problem = self.clip_problem()
        return LibraryStatus(
            path=str(self.path),
            counts=dict(counts),
            kinds=dict(kinds),
            chunks=chunks,
            folders=tuple(self.folders()),
            skipped=tuple(self.skipped_files()),
            text_model=settings["text_model"],
            clip_model=settings["clip_model"],
            clip_ready=problem is None,
            clip_problem=problem,
        )

    # ---- work ------------------------------------------------------------------------------

    def index(
        self, paths: list[Path] | None = None, *, exclude: list[str] | None = None, cancel: CancelToken | None = None
    ) -> Job[IndexSummary]:
        """Add `paths` as folders (None: all known folders) and bring them up to date."""
        from desktop.core.indexing.job import index_job

        return index_job(self, paths, exclude=exclude or [], cancel=cancel or CancelToken())

    def remove(self, path: Path | str) -> int:
        """Forget a folder or file (nothing on disk is touched); returns the number of files dropped."""
        from desktop.core.indexing.job import remove_path

        return remove_path(self, Path(path))

    # ---- search and marks (thin doors to the modules that do the work) ------------------------

    def search(self, query: str, *, kind: str = "all", top: int = 20, filters: Any = None) -> list[Hit]:
        from desktop.core.retrieval import search

        return search.search(self, query, kind=kind, top=top, filters=filters)

    def search_documents(self, query: str, *, top: int = 20, filters: Any = None) -> list[Hit]:
        from desktop.core.retrieval import search

        return search.search_documents(self, query, top=top, filters=filters)

    def search_photos(self, query: str, *, top: int = 40, filters: Any = None) -> list[Hit]:
        from desktop.core.retrieval import search

        return search.search_photos(self, query, top=top, filters=filters)

    def similar(self, target: str | Path | int, *, top: int = 20, kind: str = "all") -> list[Hit]:
        from desktop.core.retrieval import similar

        return similar.similar(self, target, top=top, kind=kind)

    def similar_passage(self, chunk_id: int, *, top: int = 20) -> list[Hit]:
        from desktop.core.retrieval import similar

        return similar.similar_passage(self, chunk_id, top=top)

    # ---- the map (desktop/core/maps) ----------------------------------------------------------

    def map(self, space: str = "text", *, rearrange: bool = False, per_chunk: bool = False,
            options: Any = None, cancel: CancelToken | None = None) -> Job[Any]:
        """The 2-D map of a vector space ("text" or "image"): cached, new items placed, or re-arranged."""
        from desktop.core.maps import map_job

        return map_job(self, space, per_chunk=per_chunk, rearrange=rearrange, options=options, cancel=cancel)

    def similar_to_selection(self, space: str, file_ids: list[int], *, top: int = 30) -> list[Hit]:
        """Items like a group of items (a lasso on the map): neighbours of their mean vector."""
        from desktop.core.maps.selection import similar_to_selection

        return similar_to_selection(self, space, file_ids, top=top)

    def mark(self, query: str, target: str | Path | int, relevant: bool, *, chunk_id: int | None = None) -> MarkRecord:
        from desktop.core.marks import marking as marks

        return marks.mark(self, query, target, relevant, chunk_id=chunk_id)

    def marks(self, query: str | None = None) -> list[MarkRecord]:
        from desktop.core.marks import marking as marks

        return marks.marks(self, query)

    def unmark(self, mark_id: int) -> None:
        from desktop.core.marks import marking as marks

        marks.unmark(self, mark_id)

    def document_text(self, file_id: int) -> str:
        """The extracted text of a document (offsets of passages refer to it), for previews."""
        from desktop.core.ingest.extract import extract_text
        from desktop.core.ingest.read import read_stable

        with self.catalog.session() as session:
            record = session.get(FileRecord, file_id)
            if record is None:
                raise SemdeskError("That file is no longer in the library.")
            path = record.path
        try:
            data, _ = read_stable(path, max_bytes=int(self.get_setting("max_text_mb")) * 1024 * 1024)
            return extract_text(data, os.path.basename(path)).text
        except SkipFile as skip:
            raise SemdeskError(f"Cannot show {os.path.basename(path)}: {skip.reason}.") from None

    # ---- fine-tuning (desktop/core/tuning) ----------------------------------------------------

    def tune(self, target: str = "text", *, settings: Any = None, cancel: CancelToken | None = None) -> Job[Any]:
        """Train a candidate model on the marks and measure it on held-out marks; nothing changes yet."""
        from desktop.core.tuning import tune_job

        return tune_job(self, target, settings=settings, cancel=cancel)

    def keep(self, candidate: Any, *, cancel: CancelToken | None = None) -> Job[Any]:
        """Install a candidate as the active model (re-embeds what it needs, cancellable)."""
        from desktop.core.tuning import keep_job

        return keep_job(self, candidate, cancel=cancel)

    def discard(self, candidate: Any) -> None:
        """Throw a candidate away; the active model and the marks are untouched."""
        from desktop.core.tuning import discard

        discard(candidate)

    def model_versions(self) -> list[Any]:
        from desktop.core.tuning import versions

        return versions(self)

    def activate_model(self, version_id: int, *, cancel: CancelToken | None = None) -> Job[Any]:
        from desktop.core.tuning import activate_job

        return activate_job(self, version_id, cancel=cancel)

    def use_base_model(self, target: str = "all", *, cancel: CancelToken | None = None) -> Job[None]:
        from desktop.core.tuning import use_base_job

        return use_base_job(self, target, cancel=cancel)


def tune_defaults() -> dict[str, Any]:
    """The training settings each target starts from (the wizard's and `semdesk tune`'s defaults)."""
    from desktop.core.tuning.job import DEFAULTS

    return dict(DEFAULTS)


def tuning_report(candidate: Any) -> tuple[list[str], list[tuple[str, float, float]]]:
    """A candidate's before/after in plain sentences, and as (label, current, new) figures."""
    from desktop.core.tuning.report import figures, sentences

    return sentences(candidate), figures(candidate)
