"""The map cache in the library's `maps/` folder: coordinates per model version and unit, and the
fitted reducer that places new items.

A map is a derived cache like the HNSW files: unreadable or mismatched means "compute again",
never a crash. The reducer is pickled because that is the only way umap can be saved; the file
is written by semdesk into the library's own data folder and never taken from anywhere else.
"""

from __future__ import annotations

import logging
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from desktop.core.common.atomic import write_atomically
from desktop.core.maps.items import MapKey

log = logging.getLogger("semdesk")
FORMAT = 1


@dataclass
class CachedLayout:
    ids: np.ndarray
    xy: np.ndarray
    clusters: np.ndarray
    labels: dict[int, str]
    placed: int  # points added by transform since the full layout


def maps_dir(library_path: Path) -> Path:
    return library_path / "maps"


def _paths(library_path: Path, key: MapKey) -> tuple[Path, Path]:
    folder = maps_dir(library_path)
    return folder / f"{key.name}.npz", folder / f"{key.name}.reducer.pkl"


def load_layout(library_path: Path, key: MapKey) -> CachedLayout | None:
    path, _ = _paths(library_path, key)
    try:
        with np.load(path, allow_pickle=False) as data:
            if int(data["format"]) != FORMAT:
                return None
            layout = CachedLayout(
                ids=data["ids"].astype(np.int64),
                xy=data["xy"].astype(np.float32),
                clusters=data["clusters"].astype(np.int32),
                labels={int(k): str(v) for k, v in zip(data["label_ids"], data["label_texts"], strict=True)},
                placed=int(data["placed"]),
            )
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged cache is recomputed, not trusted
        log.warning("ignoring unreadable map cache %s: %s", path, error)
        return None
    if not (len(layout.ids) == len(layout.xy) == len(layout.clusters)):
        return None
    return layout


def save_layout(library_path: Path, key: MapKey, layout: CachedLayout) -> None:
    path, _ = _paths(library_path, key)
    path.parent.mkdir(exist_ok=True)
    label_ids = sorted(layout.labels)

    def write(temp: str) -> None:
        with open(temp, "wb") as handle:  # a file object: np.savez would add .npz to a name
            np.savez(
                handle, format=np.int64(FORMAT), ids=layout.ids, xy=layout.xy, clusters=layout.clusters,
                label_ids=np.array(label_ids, dtype=np.int64),
                label_texts=np.array([layout.labels[i] for i in label_ids], dtype=str),
                placed=np.int64(layout.placed),
            )

    write_atomically(path, write)


def load_reducer(library_path: Path, key: MapKey) -> Any:
    _, path = _paths(library_path, key)
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # our own file in our own data dir (see module doc)
    except FileNotFoundError:
        return None
    except Exception as error:
        log.warning("ignoring unreadable map reducer %s: %s", path, error)
        return None


def save_reducer(library_path: Path, key: MapKey, reducer: Any) -> None:
    _, path = _paths(library_path, key)
    if reducer is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(exist_ok=True)
    write_atomically(path, lambda temp: _pickle_to(temp, reducer))


def _pickle_to(path: str, value: Any) -> None:
    with open(path, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
