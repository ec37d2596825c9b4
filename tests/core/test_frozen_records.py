"""ARCHITECTURE.md: records crossing threads are frozen dataclasses or ids. The map's data is made on
a worker (in a child process) and read on the UI thread, so it is frozen all the way down."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
from types import ModuleType

import numpy as np
import pytest

from desktop.core.common import records
from desktop.core.maps import items, map_data
from desktop.core.maps.items import ItemFacts, MapKey
from desktop.core.maps.map_data import MapData

CROSSING = (records, map_data, items)  # the modules whose records the GUI and the CLI receive


def dataclasses_of(module: ModuleType) -> list[type]:
    return [cls for _, cls in inspect.getmembers(module, inspect.isclass)
            if dataclasses.is_dataclass(cls) and cls.__module__ == module.__name__]


@pytest.mark.parametrize("module", CROSSING, ids=lambda m: m.__name__)
def test_every_record_crossing_threads_is_frozen(module: ModuleType) -> None:
    classes = dataclasses_of(module)
    assert classes  # the check looks at something
    assert [cls.__name__ for cls in classes if not cls.__dataclass_params__.frozen] == []  # type: ignore[attr-defined]


def _map() -> MapData:
    facts = ItemFacts(np.arange(3), np.arange(10, 13), ["/a", "/b", "/c"], ["a", "b", "c"], ["x"] * 3,
                      np.zeros(3), ["", "", ""], ["", "", ""])
    xy = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    return MapData(MapKey("text", 1), xy, np.array([0, 0, -1], dtype=np.int32), {0: "zero"}, facts)


def _assert_read_only(data: MapData) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        data.placed = 3  # type: ignore[misc]
    for array in (data.xy, data.clusters, data.facts.ids, data.facts.file_ids, data.facts.dates):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 7
    with pytest.raises(TypeError):
        data.labels[1] = "one"  # type: ignore[index]
    with pytest.raises(AttributeError):
        data.facts.paths.append("/d")  # type: ignore[attr-defined]


def test_map_data_is_frozen_down_to_its_arrays_labels_and_lists() -> None:
    data = _map()
    _assert_read_only(data)
    assert data.nearest(0.9, 0.1, 0.5) == 1  # the point tree is a cache, made on first use
    assert data.item(1).path == "/b" and data.labels == {0: "zero"}


def test_map_data_stays_frozen_after_the_trip_from_a_child_process() -> None:
    """library/apart.py pickles the map made in a child process back to the window."""
    data = _map()
    data.nearest(0.0, 0.0, 1.0)
    again = pickle.loads(pickle.dumps(data))
    _assert_read_only(again)
    assert again.to_json() == data.to_json() and again.nearest(0.1, 0.9, 0.5) == 2


def test_the_callers_arrays_are_left_writable() -> None:
    xy = np.zeros((2, 2), dtype=np.float32)
    facts = ItemFacts(np.arange(2), np.arange(2), ["a", "b"], ["a", "b"], ["x", "x"], np.zeros(2), ["", ""], ["", ""])
    MapData(MapKey("image", 1), xy, np.zeros(2, dtype=np.int32), {}, facts)
    xy[0, 0] = 1.0  # a view was made read-only, not the array the layout still works on
