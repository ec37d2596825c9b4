"""Actions on a group of map points (a lasso): items similar to the whole group."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from desktop.core.common.errors import SemdeskError
from desktop.core.common.records import Hit
from desktop.core.maps.items import MapKey, load_vectors
from desktop.core.retrieval.search import normalise
from desktop.core.retrieval.similar import _similar_documents, _similar_photos

if TYPE_CHECKING:
    from desktop.core.library import Library


def similar_to_selection(lib: Library, space: str, file_ids: list[int], *, top: int = 30) -> list[Hit]:
    """Nearest items to the mean of the selection's vectors, the selection itself left out.

    The mean of a lasso is "what this region is about"; its neighbours outside the lasso are the
    items the user has not looked at yet.
    """
    if not file_ids:
        raise SemdeskError("Select some points on the map first.")
    key = MapKey(space, lib.active_version_id(space))
    ids = np.unique(np.asarray(file_ids, dtype=np.int64))
    found, vectors = load_vectors(lib, key, ids)
    if len(found) == 0:
        raise SemdeskError("The selected items have no vectors for the current model yet.")
    centre = normalise(vectors.mean(axis=0))
    chosen = set(ids.tolist())
    wanted = top + len(chosen)
    if space == "image":
        hits = _similar_photos(lib, centre, wanted, exclude=None)
    else:
        hits = _similar_documents(lib, centre, wanted, exclude=None)
    return [h for h in hits if h.file_id not in chosen][:top]
