"""What one desktop knows about a server library that the others must not share: where its shared
folder is mounted here, and how folder roots seen by other desktops map to paths on this one.

Kept in the user's config folder (`server-libraries.json`, or $SEMDESK_DESKTOP_CONFIG), keyed by
the library's address without its password:

    {"<cache key>": {"address": "postgresql://me@nas/photos",
                     "shared_folder": "/Volumes/photos/.semdesk",
                     "path_map": {"/mnt/nas/photos": "/Volumes/photos"}}}
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from desktop.core.common.atomic import write_text_atomically
from desktop.core.common.errors import SemdeskError
from desktop.core.common.locations import cache_root as user_cache_root
from desktop.core.common.locations import desktop_config_file
from desktop.core.server.url import cache_key, masked

log = logging.getLogger(__name__)


@dataclass
class DesktopConfig:
    shared_folder: str | None = None
    path_map: dict[str, str] = field(default_factory=dict)  # root as stored -> root on this desktop


def _read_all() -> dict[str, dict]:
    path = desktop_config_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        log.warning("ignoring %s: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def load(location: str) -> DesktopConfig:
    entry = _read_all().get(cache_key(location), {})
    path_map = entry.get("path_map") or {}
    return DesktopConfig(entry.get("shared_folder") or None,
                         {str(k): str(v) for k, v in path_map.items()} if isinstance(path_map, dict) else {})


def save(location: str, config: DesktopConfig) -> None:
    data = _read_all()
    data[cache_key(location)] = {"address": masked(location), "shared_folder": config.shared_folder,
                                 "path_map": config.path_map}
    path = desktop_config_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=True))
    except OSError as error:
        raise SemdeskError(f"Could not save this desktop's settings in {path}: {error.strerror or error}.") from error


def cache_root(location: str) -> Path:
    """This desktop's cache folder for a server library (thumbnails, map layouts, logs)."""
    return user_cache_root() / "server-libraries" / cache_key(location)
