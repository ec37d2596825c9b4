"""Plain, frozen result records passed from the core to the CLI and the GUI (safe across threads)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Passage:
    chunk_id: int
    start: int  # char offsets into the document's extracted text
    end: int
    text: str
    score: float
    heading: str = ""  # the section headings it stands under ("Installing › From source"), "" when none


@dataclass(frozen=True)
class Hit:
    """One ranked result: a document (with its best passages) or a photo."""

    file_id: int
    path: str
    kind: str  # "text" or "image"
    score: float  # 0..1, higher is better; comparable within one result list
    snippet: str = ""  # best passage text (documents) or "" (photos)
    start: int | None = None
    end: int | None = None
    chunk_id: int | None = None
    title: str | None = None
    folder: str | None = None
    passages: tuple[Passage, ...] = field(default_factory=tuple)
    thumbnail: str | None = None  # path of the cached thumbnail (photos)
    mtime: float | None = None
    taken_at: float | None = None
    camera: str | None = None
    why: str = ""  # "meaning", "keywords" or "meaning + keywords"
    found_in: str = ""  # "text in photo" / "text in scan": the passage was read by OCR
    heading: str = ""  # the best passage's section headings ("Installing › From source"), "" when none

    def to_json(self) -> dict[str, Any]:
        """The CLI contract: {path, kind, score, snippet, start, end} plus a few extras."""
        data = {k: getattr(self, k) for k in ("path", "kind", "score", "snippet", "start", "end")}
        data["score"] = round(self.score, 4)
        data["title"] = self.title
        data["why"] = self.why
        if self.found_in:
            data["found_in"] = self.found_in
        if self.heading:
            data["heading"] = self.heading
        return data


@dataclass(frozen=True)
class PictureLine:
    """A line OCR read: where it is in the document text and where on the picture (page 0: a photo)."""

    page: int
    start: int
    end: int
    box: tuple[tuple[float, float], ...]  # four corners, 0..1 of the picture's width and height
    score: float


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str
    status: str


@dataclass(frozen=True)
class FolderSummary:
    folder_id: int
    path: str
    counts: dict[str, int]  # status -> number of files
    scanned_at: float | None

    @property
    def items(self) -> int:
        """The files a search lists: indexed ones, and photos waiting for the photo model (found by
        their names). "Pictures: 0 items" stood beside 54 photos listed (issue 24)."""
        return self.counts.get("indexed", 0) + self.counts.get("waiting_model", 0)


@dataclass(frozen=True)
class LibraryStatus:
    path: str
    counts: dict[str, int]  # status -> files
    kinds: dict[str, int]  # kind -> files
    chunks: int
    folders: tuple[FolderSummary, ...]
    skipped: tuple[SkippedFile, ...]
    text_model: str
    clip_model: str
    clip_ready: bool
    clip_problem: str | None
    text_encoder: str = ""  # which text encoder runs, and why
    set_aside: tuple[str, ...] = ()  # "openvino-bf16: crashed while measuring on this CPU (signal 11, SIGSEGV)"
    text_runtime: str = ""  # the text encoder's name alone ("openvino-int8"), "" when none runs
    photo_encoder: str = ""  # what encodes photos ("openvino-fp32", "pytorch"), "" without a photo model
    # A text model that reads this library's languages better than the one in use ("multilingual"), and why:
    # the share of sampled passages in Chinese, Japanese or Korean ("" and 0.0 when there is none to suggest).
    suggested_model: str = ""
    cjk_share: float = 0.0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["skipped"] = [{"path": s.path, "reason": s.reason, "status": s.status} for s in self.skipped]
        return data


@dataclass(frozen=True)
class IndexSummary:
    scanned: int = 0
    indexed: int = 0
    unchanged: int = 0
    skipped: int = 0
    waiting_model: int = 0
    removed: int = 0
    moved: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    problems: tuple[SkippedFile, ...] = ()
    text_in_pictures: int = 0  # photos and scanned PDFs in which OCR found words this run
    faces_found: int = 0  # faces the faces phase found this run


@dataclass(frozen=True)
class FolderWatch:
    """Whether a library folder's changes are heard as they happen, and if not, why not."""

    path: str
    watched: bool  # by the system's change notices; False: by a periodic scan
    reason: str = ""  # a plain sentence when not watched ("on a network file system ...")


@dataclass(frozen=True)
class WatchReport:
    """Something the folder watcher did or could not do, for the CLI to print and the window to show."""

    kind: str  # "watching", "caught up", "indexed", "busy", "failed", "stopped"
    paths: tuple[str, ...] = ()  # the changed paths of an "indexed" batch
    summary: IndexSummary | None = None
    message: str = ""


@dataclass(frozen=True)
class MarkRecord:
    mark_id: int
    query: str
    path: str
    kind: str
    relevant: bool
    created_at: float
    passage: str | None = None
    file_id: int | None = None
    chunk_id: int | None = None


@dataclass(frozen=True)
class Filters:
    folder: str | None = None  # only files under this folder
    date_from: float | None = None  # photo date taken, else file modification time
    date_to: float | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.folder, self.date_from, self.date_to))


@dataclass(frozen=True)
class DuplicateFile:
    file_id: int
    path: str
    kind: str  # "text" or "image"
    size: int
    date: float  # photo date taken, else file modification time
    folder: str
    width: int | None = None
    height: int | None = None
    thumbnail: str | None = None


@dataclass(frozen=True)
class DuplicateGroup:
    """Files that are the same ("exact": same bytes), the same picture or text re-saved ("near"),
    or similar shots ("similar"); `keep` is the one suggested to keep."""

    kind: str  # "exact", "near" or "similar"
    files: tuple[DuplicateFile, ...]
    keep: str  # path
    similarity: float  # the lowest cosine (or 1 - hash distance share) that joined the group

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "files": [f.path for f in self.files], "keep": self.keep,
                "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class IndexStamp:
    """What a saved vector index file was made from: a file that disagrees with it is rebuilt."""

    model_version_id: int
    dim: int
    count: int
    sha256: str
    file_name: str


@dataclass(frozen=True)
class RebuildReport:
    damaged_copy: Path | None  # where the old catalog now lives
    folders: tuple[str, ...]
    marks: int  # marks read back from marks.jsonl


@dataclass(frozen=True)
class FaceRef:
    """One face: the photo it is in and its box (fractions of the photo's width and height)."""

    face_id: int
    file_id: int
    path: str
    box: tuple[float, float, float, float]  # left, top, right, bottom
    person_id: int | None = None


@dataclass(frozen=True)
class PersonSummary:
    person_id: int
    name: str | None
    faces: int
    photos: int
    hidden: bool = False
    samples: tuple[FaceRef, ...] = ()  # a few of the person's clearest faces

    @property
    def label(self) -> str:
        return self.name or f"Person {self.person_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.person_id, "name": self.name, "faces": self.faces, "photos": self.photos,
                "hidden": self.hidden, "samples": [{"face": s.face_id, "path": s.path, "box": list(s.box)}
                                                   for s in self.samples]}


@dataclass(frozen=True)
class TrainSettings:
    """How a fine-tuning run trains (tuning/job.DEFAULTS per target; the wizard and `semdesk tune` change them)."""

    epochs: int = 1
    learning_rate: float = 5e-5
    batch_size: int = 16
    warmup_ratio: float = 0.1
    seed: int = 13

    def to_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


@dataclass(frozen=True)
class LayoutOptions:
    """How a map is laid out (UMAP and the clusters); the defaults suit a library, tests set fewer epochs."""

    n_neighbors: int = 15
    min_dist: float = 0.1
    n_epochs: int | None = None  # None: layout_epochs(n) for the map, a share of it for the clusters
    random_state: int | None = None  # set it for a reproducible map (tests); costs parallelism
    min_cluster_size: int | None = None  # None: grows with the square root of the item count


@dataclass(frozen=True)
class ChangeSet:
    """A settled batch of changed paths, as a folder watcher hands it out (watching/buffer.py)."""

    touched: frozenset[str] = frozenset()
    moves: tuple[tuple[str, str], ...] = ()  # (from, to), in the order they happened

    def __len__(self) -> int:
        return len(self.touched | {dest for _, dest in self.moves})

    @property
    def paths(self) -> list[str]:
        return sorted(self.touched | {dest for _, dest in self.moves})
