"""A computed map and the questions a map view asks of it, answered with plain Python values.

The GUI holds no vector maths, so everything that needs numpy - colour groups, the point under
the mouse, the points inside a lasso, cluster centres - is a method here, and what comes back
is lists of floats and ints that Qt can draw directly.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

from desktop.core.maps.items import NOBODY, ItemFacts, MapKey, read_only

COLOUR_BY = ("cluster", "folder", "kind", "date", "person")
MAX_GROUPS = 12  # more colours than this cannot be told apart; the rest is "other"
MAX_CLUSTERS = 60
NOISE = "unclustered"


@dataclass(frozen=True)
class Group:
    name: str
    count: int
    xs: list[float]
    ys: list[float]
    muted: bool = False  # noise / "other": drawn grey


@dataclass(frozen=True)
class Colouring:
    by: str
    groups: list[Group]
    sequential: bool  # dates: one hue from old to new rather than distinct colours
    member: np.ndarray = field(repr=False)  # group number per point

    def group_of(self, indices: list[int]) -> list[int]:
        return [int(g) for g in self.member[indices]]


@dataclass(frozen=True)
class MapItem:
    index: int
    item_id: int
    file_id: int
    path: str
    title: str
    snippet: str
    group: str
    date: float
    cluster: int
    label: str
    thumb: str  # cached thumbnail of a photo, "" otherwise
    heading: str = ""  # a passage's section headings (a map of passages), "" otherwise

@dataclass(frozen=True)
class ClusterLabel:
    cluster: int
    label: str
    x: float
    y: float
    size: int


@dataclass(frozen=True)
class MapData:
    """Made on a worker (or in a child process) and read on the UI thread: frozen, its arrays
    read-only and its labels a read-only mapping, so no thread can change what another reads."""

    key: MapKey
    xy: np.ndarray  # (n, 2) float32
    clusters: np.ndarray  # (n,) int32, -1 = noise
    labels: Mapping[int, str]
    facts: ItemFacts
    placed: int = 0  # points added with transform since the last full layout

    def __post_init__(self) -> None:
        object.__setattr__(self, "xy", read_only(self.xy))
        object.__setattr__(self, "clusters", read_only(self.clusters))
        object.__setattr__(self, "labels", MappingProxyType(dict(self.labels)))

    # Pickled to come back from a child process (library/apart.py): the fields only, made read-only
    # again on arrival (a mapping proxy cannot be pickled; the point tree is made again when asked).
    def __reduce__(self) -> tuple[Any, ...]:
        return (MapData, (self.key, self.xy, self.clusters, dict(self.labels), self.facts, self.placed))

    @cached_property
    def _tree(self) -> Any:
        from scipy.spatial import cKDTree

        return cKDTree(self.xy)

    def __len__(self) -> int:
        return len(self.xy)

    @property
    def kind(self) -> str:
        return self.key.space

    def bounds(self) -> tuple[float, float, float, float]:
        if len(self) == 0:
            return (0.0, 0.0, 1.0, 1.0)
        # A few far-off islands would shrink everything else to a speck: frame the bulk.
        cut = 1.0 if len(self) >= 200 else 0.0
        low, high = np.percentile(self.xy, cut, axis=0), np.percentile(self.xy, 100 - cut, axis=0)
        return (float(low[0]), float(low[1]), float(high[0]), float(high[1]))

    def xs_ys(self, indices: list[int] | None = None) -> tuple[list[float], list[float]]:
        xy = self.xy if indices is None else self.xy[indices]
        return xy[:, 0].tolist(), xy[:, 1].tolist()

    # ---- colour -----------------------------------------------------------------------------

    def colouring(self, by: str) -> Colouring:
        names: Sequence[str]
        if by == "cluster":
            names = [self.labels.get(int(c), f"cluster {c}") if c >= 0 else NOISE for c in self.clusters]
        elif by == "folder":
            names = self.facts.groups
        elif by == "kind":
            names = [_kind_name(p, self.kind) for p in self.facts.paths]
        elif by == "person":
            names = self.facts.people or (NOBODY,) * len(self)
        elif by == "date":
            return self._by_date()
        else:
            raise ValueError(f"cannot colour a map by {by!r}")
        counts: dict[str, int] = {}
        for name in names:
            counts[name] = counts.get(name, 0) + 1
        ranked = [n for n in sorted(counts, key=lambda n: -counts[n]) if n != NOISE]
        # Clusters all keep their own group (colours repeat; labels tell them apart); other
        # groupings beyond MAX_GROUPS merge into "other".
        limit = MAX_CLUSTERS if by == "cluster" else MAX_GROUPS
        kept = ranked[: limit - 1] if len(ranked) > limit else ranked
        order = {name: i for i, name in enumerate(kept)}
        other = "other" if len(kept) < len(ranked) else None
        extra = [n for n in (other, NOISE if NOISE in counts else None) if n]
        order.update({name: len(kept) + i for i, name in enumerate(extra)})
        member = np.array([order.get(n, order.get("other", 0)) for n in names], dtype=np.int32)
        return self._groups(by, kept + extra, member, muted={"other", NOISE, NOBODY}, sequential=False)

    def _by_date(self) -> Colouring:
        dates = self.facts.dates
        known = dates > 0
        if not known.any():
            return self._groups("date", ["unknown date"], np.zeros(len(self), np.int32), {"unknown date"}, False)
        years = np.array([time.localtime(d).tm_year if d > 0 else 0 for d in dates])
        span = years[known].max() - years[known].min()
        if span >= 2:
            keys = years
            fmt = str
        else:  # within a year or two, months say more than years
            keys = np.array([_month(d) for d in dates])
            fmt = _month_name
        distinct = sorted(set(keys[known].tolist()))
        if len(distinct) > MAX_GROUPS:  # merge neighbouring periods into at most MAX_GROUPS bins
            edges = np.array_split(np.array(distinct), MAX_GROUPS)
            bins = {k: i for i, part in enumerate(edges) for k in part.tolist()}
            names = [f"{fmt(p[0])}–{fmt(p[-1])}" if len(p) > 1 else fmt(p[0]) for p in edges]
        else:
            bins = {k: i for i, k in enumerate(distinct)}
            names = [fmt(k) for k in distinct]
        member = np.array([bins[k] if ok else len(names) for k, ok in zip(keys.tolist(), known, strict=True)])
        if not known.all():
            names.append("unknown date")
        return self._groups("date", names, member.astype(np.int32), {"unknown date"}, True)

    def _groups(self, by: str, names: list[str], member: np.ndarray, muted: set[str], sequential: bool) -> Colouring:
        groups = []
        for number, name in enumerate(names):
            where = np.flatnonzero(member == number)
            groups.append(Group(name, len(where), self.xy[where, 0].tolist(), self.xy[where, 1].tolist(),
                                name in muted))
        return Colouring(by, groups, sequential, member)

    # ---- finding points ---------------------------------------------------------------------

    def nearest(self, x: float, y: float, radius: float) -> int | None:
        """The point closest to (x, y) within `radius` (map units), or None."""
        if len(self) == 0:
            return None
        distance, index = self._tree.query([x, y], k=1, distance_upper_bound=radius)
        return None if not np.isfinite(distance) else int(index)

    def inside(self, polygon: list[tuple[float, float]]) -> list[int]:
        """Indices of the points inside a closed polygon (even-odd rule, like a lasso)."""
        if len(polygon) < 3 or len(self) == 0:
            return []
        poly = np.asarray(polygon, dtype=np.float64)
        low, high = poly.min(axis=0), poly.max(axis=0)
        candidates = np.flatnonzero(np.all((self.xy >= low) & (self.xy <= high), axis=1))
        px, py = self.xy[candidates, 0].astype(np.float64), self.xy[candidates, 1].astype(np.float64)
        inside = np.zeros(len(candidates), dtype=bool)
        x1, y1 = poly[:, 0], poly[:, 1]
        x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
        for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):  # one pass per edge, all points at once
            crosses = (ay > py) != (by > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = ax + (py - ay) * (bx - ax) / (by - ay)
            inside ^= crosses & (px < at)
        return candidates[inside].tolist()

    def indices_of_files(self, file_ids: list[int]) -> list[int]:
        return np.flatnonzero(np.isin(self.facts.file_ids, np.asarray(file_ids, dtype=np.int64))).tolist()

    def item(self, index: int) -> MapItem:
        f, cluster = self.facts, int(self.clusters[index])
        return MapItem(index, int(f.ids[index]), int(f.file_ids[index]), f.paths[index], f.titles[index],
                       f.snippets[index], f.groups[index], float(f.dates[index]), cluster,
                       self.labels.get(cluster, "") if cluster >= 0 else "", f.thumbs[index],
                       f.headings[index] if index < len(f.headings) else "")

    def cluster_labels(self) -> list[ClusterLabel]:
        """A label per named cluster at its median point (a mean can fall between two lobes)."""
        out = []
        for cluster, label in sorted(self.labels.items()):
            members = self.xy[self.clusters == cluster]
            if len(members):
                centre = np.median(members, axis=0)
                out.append(ClusterLabel(cluster, label, float(centre[0]), float(centre[1]), len(members)))
        return out

    def to_json(self) -> dict[str, Any]:
        f = self.facts
        return {
            "space": self.key.space,
            "unit": "passage" if self.key.per_chunk else "file",
            "model_version": self.key.model_version,
            "clusters": {str(c): label for c, label in sorted(self.labels.items())},
            "points": [
                {"id": int(f.ids[i]), "file_id": int(f.file_ids[i]), "path": f.paths[i],
                 "x": round(float(self.xy[i, 0]), 4), "y": round(float(self.xy[i, 1]), 4),
                 "cluster": int(self.clusters[i])}
                for i in range(len(self))
            ],
        }


def _kind_name(path: str, space: str) -> str:
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    if path.lower().endswith(".rst.txt"):
        ext = "rst"
    return ext or ("photo" if space == "image" else "text")


def _month(timestamp: float) -> int:
    if timestamp <= 0:
        return 0
    t = time.localtime(timestamp)
    return t.tm_year * 12 + t.tm_mon - 1


def _month_name(key: int) -> str:
    return time.strftime("%b %Y", (key // 12, key % 12 + 1, 1, 0, 0, 0, 0, 1, -1))
