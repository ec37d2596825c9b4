"""Actions on a group of map points (a lasso): the vector that stands for the whole group."""

from __future__ import annotations

import numpy as np

from desktop.core.common.errors import SemdeskError
from desktop.core.common.vector_codec import normalise
from desktop.core.maps.items import MapKey, load_vectors
from desktop.core.workspace import Workspace


def selection_vector(ws: Workspace, space: str, file_ids: list[int]) -> np.ndarray:
    """The normalised mean of the selection's vectors: "what this region is about". Its nearest
    neighbours outside the lasso are the items the user has not looked at yet (retrieval finds them)."""
    if not file_ids:
        raise SemdeskError("Select some points on the map first.")
    key = MapKey(space, ws.versions.active_id(space))
    ids = np.unique(np.asarray(file_ids, dtype=np.int64))
    found, vectors = load_vectors(ws, key, ids)
    if len(found) == 0:
        raise SemdeskError("The selected items have no vectors for the current model yet.")
    return normalise(vectors.mean(axis=0))
