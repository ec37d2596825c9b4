"""The collection as a 2-D map: UMAP layout, HDBSCAN clusters with names, cached per model version."""

from desktop.core.maps.items import MapKey
from desktop.core.maps.job import SPACES, map_job
from desktop.core.maps.layout import LayoutOptions
from desktop.core.maps.map_data import COLOUR_BY, ClusterLabel, Colouring, Group, MapData, MapItem

__all__ = [
    "COLOUR_BY",
    "SPACES",
    "ClusterLabel",
    "Colouring",
    "Group",
    "LayoutOptions",
    "MapData",
    "MapItem",
    "MapKey",
    "map_job",
]
