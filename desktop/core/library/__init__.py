"""The Library facade: the one door through which the CLI and the GUI reach the core.

Each method hands one request to the capability that does the work (indexing, retrieval,
marks, maps, tuning, recovery), giving it the Workspace, never this object. Where a request
spans two capabilities (a map selection's neighbours, finishing a rebuild) it is composed
here, so that capabilities never import each other. Opening a library is instant: encoders
and indexes are made on first use.

The requests about server libraries and copying (server_requests.py), about fine-tuning and
model versions (tuning_requests.py) and about people in photos (people_requests.py) are written
beside this file and joined into one Library.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, cast

from desktop.core.common.errors import SemdeskError
from desktop.core.common.jobs import CancelToken, Job, Progress
from desktop.core.common.records import (
    ChangeSet,
    DuplicateGroup,
    Filters,
    FolderSummary,
    Hit,
    IndexSummary,
    LayoutOptions,
    LibraryStatus,
    MarkRecord,
    PictureLine,
    RebuildReport,
    SkippedFile,
    WatchReport,
)
from desktop.core.library.people_requests import PeopleRequests
from desktop.core.library.protocols import FolderWatching, MapView, SettingValue
from desktop.core.library.server_requests import ServerRequests
from desktop.core.library.tuning_requests import (
    TuningRequests,
    held_out,
    tune_defaults,
    tuning_outcome,
    tuning_report,
)
from desktop.core.retrieval.fusion import GOOD_MATCH
from desktop.core.retrieval.query_syntax import Operator, ParsedQuery
from desktop.core.retrieval.query_syntax import parse as parse_query
from desktop.core.workspace import Workspace, default_library_dir, is_server_address, open_workspace, refuse_server

if TYPE_CHECKING:
    from desktop.core.watching import FolderWatcher

# MIN_MARKED_QUERIES is served by the module's __getattr__ below (read from tuning when asked).
__all__ = ["GOOD_MATCH", "Library", "Operator", "ParsedQuery", "default_library_dir", "held_out",
           "parse_query", "tune_defaults", "tuning_outcome", "tuning_report"]


def __getattr__(name: str) -> int:
    """MIN_MARKED_QUERIES, read from tuning only when asked: a search should not import the tuning room."""
    if name == "MIN_MARKED_QUERIES":
        from desktop.core.tuning.examples import MIN_QUERIES

        return MIN_QUERIES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Library(ServerRequests, TuningRequests, PeopleRequests):
    def __init__(self, path: Path | Workspace) -> None:
        self.workspace = path if isinstance(path, Workspace) else open_workspace(path)

    @classmethod
    def open(cls, path: Path | str | None = None) -> Library:
        """A library folder, or a server library's address (postgresql://user@host/dbname)."""
        return cls(open_workspace(path))

    @classmethod
    def rebuild(cls, path: Path | str | None = None) -> tuple[Library, RebuildReport]:
        """Replace a damaged catalog: moved aside, a fresh one with the folders and marks. The library
        returned holds the write lock until `finish_rebuild` has run to the end."""
        from desktop.core.recovery.rebuild import start_rebuild

        refuse_server(path, "Rebuilding")
        workspace, report = start_rebuild(Path(path) if path else default_library_dir())
        return cls(workspace), report

    def finish_rebuild(self, cancel: CancelToken | None = None) -> Job[IndexSummary]:
        """After `rebuild`: re-index every folder, then tie the marks back to their files."""
        from desktop.core.indexing.job import index_job
        from desktop.core.recovery import rebuild

        try:
            summary = yield from index_job(self.workspace, None, exclude=[], cancel=cancel or CancelToken())
        except BaseException:
            rebuild.release(self.workspace)
            raise
        rebuild.finish_rebuild(self.workspace)
        return summary

    @property
    def path(self) -> Path:
        return self.workspace.path

    @property
    def address(self) -> str:
        """What opens this library again: its folder, or its server address (never with a password)."""
        return self.workspace.reopen_address

    @property
    def display_name(self) -> str:
        """The library's name for a window title: its folder's name, or "DATABASE on HOST"."""
        return self.workspace.display_name

    @staticmethod
    def check_server(address: str) -> str:
        """Test a server library's address, changing nothing there: what was found, in one sentence
        (or a SemdeskError saying what is wrong)."""
        from desktop.core.server.catalog import probe

        return probe(address)

    @property
    def model_notice(self) -> str | None:
        """A plain sentence when a model had to be replaced (a fine-tuned model went missing)."""
        return self.workspace.versions.notice

    def close(self) -> None:
        self.workspace.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- settings and models ----------------------------------------------------------------

    # A setting's value is checked against its declaration (common/settings.py) when stored.
    def get_setting(self, key: str) -> SettingValue:
        return cast(SettingValue, self.workspace.settings.get(key))

    def settings(self) -> dict[str, SettingValue]:
        return cast(dict[str, SettingValue], self.workspace.settings.all())

    def set_setting(self, key: str, value: SettingValue) -> None:
        if key == "clip_weights" and value and Path(str(value)).expanduser().is_file():
            self.workspace.encoders.check_clip_weights(str(Path(str(value)).expanduser()))
        if key == "text_encoder":  # an encoder known to crash here is refused, with the reason
            self.workspace.encoders.check_text_encoder(str(value))
        self.workspace.settings.set(key, value)
        if key == "faces" and not self.workspace.settings.get("faces"):
            self.forget_faces()  # privacy: off means no face data is kept at all

    def text_encoder_report(self) -> str:
        """The text encoders measured on this CPU (speed, quality) and the one in use, as plain lines."""
        return self.workspace.encoders.text_encoder_report()

    def ocr_report(self) -> dict[str, tuple[int, float]]:
        """What OCR has cost in this library: per kind of photo ("none": without text, "text": with text),
        how many and the mean seconds each; Settings words it."""
        from desktop.core.indexing.ocr_phase import ocr_cost

        return ocr_cost(self.workspace)

    def clip_problem(self) -> str | None:
        """None when photo search can work; otherwise a sentence saying what is missing."""
        return self.workspace.encoders.clip_problem()

    def download_clip(self) -> Path:
        """Fetch CLIP weights into the Hugging Face cache (network, only when the user asks)."""
        return self.workspace.encoders.download_clip()

    def clip_download_size(self) -> str:
        """How big the photo model download is, in words ("about 605 MB"), before it is asked for."""
        from desktop.core.embed.clip_weights import download_size_text

        return download_size_text(str(self.workspace.settings.get("clip_model")))

    def text_model_preparation(self) -> bool:
        """True when the first query must wait for the one-time preparation of the text model for
        this computer (converting and measuring it, about a minute). Reads files; call off the UI thread."""
        return self.workspace.encoders.text_preparation_needed()

    def warm_up(self, space: str = "all") -> None:
        """Load models and indexes (seconds) of "text", "image" or "all". Call off the UI thread before
        the first query; one space at a time lets a query typed meanwhile go between them."""
        ws = self.workspace
        if space in ("all", "text"):
            ws.encoders.query().encode_query("warm up")
            ws.indexes.ready("text")
        if space in ("all", "image") and ws.encoders.clip_problem() is None:
            ws.encoders.clip().encode_query("warm up")
            ws.indexes.ready("image")

    # ---- folders and status -----------------------------------------------------------------

    # The counts are ORM queries (catalog/summaries.py): imported when asked, so a search loads no SQLAlchemy.
    def folders(self) -> list[FolderSummary]:
        from desktop.core.catalog.summaries import folder_summaries

        return folder_summaries(self.workspace.catalog)

    def skipped_files(self, limit: int | None = None) -> list[SkippedFile]:
        from desktop.core.catalog.summaries import skipped_files

        return skipped_files(self.workspace.catalog, limit)

    def status(self) -> LibraryStatus:
        ws = self.workspace
        # Notices a fine-tuned model that went missing (model_notice); not while the one-time
        # preparation is pending, since asking the active version then waits a minute for it.
        if not ws.encoders.text_preparation_needed():
            ws.versions.active("text")
        from desktop.core.catalog.summaries import file_counts
        from desktop.core.tuning.language_hint import suggestion

        counts, kinds, chunks = file_counts(ws.catalog)
        settings = ws.settings.all()
        problem = ws.encoders.clip_problem()
        text_encoder, text_runtime, set_aside = ws.encoders.encoder_status()
        suggested, cjk_share = suggestion(ws, settings["text_model"])
        return LibraryStatus(
            path=ws.location,
            counts=counts,
            kinds=kinds,
            chunks=chunks,
            folders=tuple(self.folders()),
            skipped=tuple(self.skipped_files()),
            text_model=settings["text_model"],
            clip_model=settings["clip_model"],
            clip_ready=problem is None,
            clip_problem=problem,
            text_encoder=text_encoder,
            set_aside=set_aside,
            text_runtime=text_runtime,
            photo_encoder=ws.encoders.photo_runtime() if problem is None else "",
            suggested_model=suggested,
            cjk_share=cjk_share,
        )

    # ---- indexing ---------------------------------------------------------------------------

    def index(
        self, paths: list[Path] | None = None, *, exclude: list[str] | None = None, cancel: CancelToken | None = None
    ) -> Job[IndexSummary]:
        """Add `paths` as folders (None: all known folders) and bring them up to date."""
        from desktop.core.indexing.job import index_job

        return index_job(self.workspace, paths, exclude=exclude or [], cancel=cancel or CancelToken())

    def remove(self, path: Path | str) -> int:
        """Forget a folder or file (nothing on disk is touched); returns the number of files dropped."""
        from desktop.core.indexing.remove import remove_path

        return remove_path(self.workspace, Path(path))

    # ---- watched folders --------------------------------------------------------------------

    def watcher(self, *, settle: float = 0.5, max_hold: float = 30.0) -> FolderWatching:
        """A watcher over every folder (start() it; take() settled change sets)."""
        return self._watcher(settle=settle, max_hold=max_hold)

    def _watcher(self, *, settle: float = 0.5, max_hold: float = 30.0) -> FolderWatcher:
        from desktop.core.watching import FolderWatcher

        return FolderWatcher(self.workspace, settle=settle, max_hold=max_hold)

    def apply_changes(self, changes: ChangeSet, cancel: CancelToken | None = None) -> Job[IndexSummary]:
        """Index a watcher's change set: only those paths, renames keep their vectors."""
        from desktop.core.indexing.changes import changes_job

        return changes_job(self.workspace, changes.touched, changes.moves, cancel=cancel or CancelToken())

    def save_indexes(self) -> None:
        """Write the search-index caches that changed (a watcher does it when changes pause)."""
        from desktop.core.indexing.changes import save_indexes

        save_indexes(self.workspace)

    def watch(self, stop: CancelToken, report: Callable[[WatchReport], None], *,
              progress: Callable[[Progress], None] | None = None, settle: float = 0.5) -> None:
        """Watch every folder until `stop`: first catch up with what changed while nobody watched
        (the incremental scan), then index each settled batch of changes (`semdesk watch`)."""
        from desktop.core.watching import run_watch

        watcher = self._watcher(settle=settle)
        watcher.start()  # before catching up, so a change made meanwhile is not missed
        try:
            run_watch(watcher, self.apply_changes, catch_up=lambda cancel: self.index(None, cancel=cancel),
                      save=self.save_indexes, stop=stop, report=report, progress=progress)
        finally:
            watcher.stop()

    # ---- search, similar, documents ---------------------------------------------------------

    def search(self, query: str, *, kind: str = "all", top: int = 20, filters: Filters | None = None,
               like: str | Path | int | None = None) -> list[Hit]:
        """`query` in the query language (parse_query); `like`: an example file (path or id) to look like."""
        from desktop.core.retrieval import search

        return search.search(self.workspace, query, kind=kind, top=top, filters=filters, like=like)

    def search_documents(self, query: str, *, top: int = 20, filters: Filters | None = None,
                         like: str | Path | int | None = None) -> list[Hit]:
        from desktop.core.retrieval import search

        return search.search_documents(self.workspace, query, top=top, filters=filters, like=like)

    def good_match(self) -> float:
        """The "good matches" cut-off on search_documents' scores for the text model in use (each model's)."""
        from desktop.core.retrieval.cut_off import good_match

        return good_match(self.workspace)

    def search_photos(self, query: str, *, top: int = 40, filters: Filters | None = None,
                      like: str | Path | int | None = None) -> list[Hit]:
        from desktop.core.retrieval import search

        return search.search_photos(self.workspace, query, top=top, filters=filters, like=like)

    def folder_names(self) -> list[str]:
        """Names of the folders that hold indexed files (what `folder:` completes to)."""
        from desktop.core.retrieval.folder_names import folder_names

        return folder_names(self.workspace)

    def similar(self, target: str | Path | int, *, top: int = 20, kind: str = "all") -> list[Hit]:
        from desktop.core.retrieval import similar

        return similar.similar(self.workspace, target, top=top, kind=kind)

    def similar_passage(self, chunk_id: int, *, top: int = 20) -> list[Hit]:
        from desktop.core.retrieval import similar

        return similar.similar_passage(self.workspace, chunk_id, top=top)

    def document_text(self, file_id: int) -> str:
        """The extracted text of a document (offsets of passages refer to it), for previews."""
        from desktop.core.retrieval.documents import document_text

        return document_text(self.workspace, file_id)

    # ---- duplicates ---------------------------------------------------------------------------

    def find_duplicates(self, *, similar: float | None = None, cancel: CancelToken | None = None
                        ) -> Job[list[DuplicateGroup]]:
        """Groups of exact copies, near copies and (photos) similar shots; `similar` is the cosine
        for similar shots (None: the similar_photos_percent setting)."""
        from desktop.core.duplicates import find_duplicates

        return find_duplicates(self.workspace, similar=similar, cancel=cancel)

    def move_to_trash(self, paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
        """Move files to the desktop's trash (never delete them) and forget them in the library.
        Returns (moved, [(path, why not)]). Ask the user first: this is what the caller confirms."""
        from desktop.core.duplicates import move_to_trash
        from desktop.core.indexing.remove import remove_path

        report = move_to_trash(paths)
        for path in report.moved:
            with suppress(SemdeskError):  # already forgotten (a scan noticed it was gone)
                remove_path(self.workspace, Path(path))
        return list(report.moved), list(report.failed)

    def picture_lines(self, file_id: int) -> list[PictureLine]:
        """The lines OCR read in a photo or scanned PDF, with their boxes (the preview outlines them)."""
        from desktop.core.retrieval.documents import picture_lines

        return picture_lines(self.workspace, file_id)

    # ---- the map ----------------------------------------------------------------------------

    def map(self, space: str = "text", *, rearrange: bool = False, per_chunk: bool = False,
            options: LayoutOptions | None = None, cancel: CancelToken | None = None,
            apart: bool = False) -> Job[MapView]:
        """The 2-D map of a vector space ("text" or "image"): cached, new items placed, or re-arranged.
        `apart`: in a child process, whose memory goes back when it ends (the window's way; apart.py)."""
        if apart and not is_server_address(self.address):  # a server's address has no password to reopen with
            from desktop.core.library.apart import in_child

            request = {"space": space, "rearrange": rearrange, "per_chunk": per_chunk, "options": options}
            return in_child(Library.open, self.address, "map", request, cancel, "map")
        from desktop.core.maps import map_job

        return map_job(self.workspace, space, per_chunk=per_chunk, rearrange=rearrange, options=options,
                       cancel=cancel)

    def similar_to_selection(self, space: str, file_ids: list[int], *, top: int = 30) -> list[Hit]:
        """Items like a group of items (a lasso on the map): neighbours of their mean vector."""
        from desktop.core.maps.selection import selection_vector
        from desktop.core.retrieval.similar import similar_to_vector

        centre = selection_vector(self.workspace, space, file_ids)
        return similar_to_vector(self.workspace, space, centre, top=top, leave_out=set(file_ids))

    # ---- marks ------------------------------------------------------------------------------

    def mark(self, query: str, target: str | Path | int, relevant: bool, *, chunk_id: int | None = None) -> MarkRecord:
        from desktop.core.marks import marking

        return marking.mark(self.workspace, query, target, relevant, chunk_id=chunk_id)

    def marks(self, query: str | None = None) -> list[MarkRecord]:
        from desktop.core.marks import marking

        return marking.marks(self.workspace, query)

    def unmark(self, mark_id: int) -> None:
        from desktop.core.marks import marking

        marking.unmark(self.workspace, mark_id)


if TYPE_CHECKING:
    from desktop.core.library.protocols import LibraryApi

    def _satisfies(library: Library) -> LibraryApi:
        """Never called: mypy checks here that Library has every capability the window and the CLI use."""
        return library
