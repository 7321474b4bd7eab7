"""Zones: load and validate ``zones.geojson``, and index them in the local plane.

Validation is strict and happens once, at start-up: a zone that silently fails to load
is a geofence that silently never fires. Every error names the file, the feature (index
and id) and how to fix it.

Zones are stored in WGS84 (lon, lat; RFC 7946 order) as written. The rules test them in
the tracker's ENU plane (:meth:`Zones.to_local`) because margins are in metres and track
positions already carry ``east_m``/``north_m``; buffering in degrees would make a 100 m
margin 10 % narrower north-south than east-west at 25 deg N.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import MultiPolygon, Polygon, shape

from fusion.rules.observation import NO_ZONES
from tracking.frames import LocalFrame


class ZoneKind(StrEnum):
    RESTRICTED = "restricted"
    MPA = "mpa"
    ANCHORAGE = "anchorage"
    PORT = "port"
    TSS = "tss"


class ZonesFileError(ValueError):
    """A zones file that cannot be used; the message names the file, the feature and the fix."""


@dataclass(frozen=True, slots=True)
class ZoneSettings:
    """Per-zone rule settings, from the feature's properties; ``None``: the rules config decides.

    Attributes
    ----------
    speed_limit_kn
        ``speeding`` is raised for a track significantly faster than this inside the zone.
    loiter_after_s
        ``loitering`` is raised for a track slow inside the zone for this long; 0 disables.
    require_ais
        ``no_ais_in_zone`` is raised for a radar track without AIS inside the zone.
    """

    speed_limit_kn: float | None = None
    loiter_after_s: float | None = None
    require_ais: bool | None = None


SETTING_KEYS = ("speed_limit_kn", "loiter_after_s", "require_ais")


@dataclass(frozen=True, slots=True)
class Zone:
    """One zone as written in the file: WGS84 geometry, ``x`` = lon, ``y`` = lat."""

    id: str
    name: str
    kind: ZoneKind
    geometry: Polygon | MultiPolygon
    settings: ZoneSettings = ZoneSettings()


@dataclass(frozen=True, slots=True)
class Zones:
    """The validated zones of a scenario, in file order."""

    zones: tuple[Zone, ...]

    def to_local(self, frame: LocalFrame, margin_m: float) -> LocalZones:
        """Project every zone into ``frame`` and build the indexed geometries the rules use.

        Parameters
        ----------
        frame
            The tracker's ENU plane.
        margin_m
            Width of the outer band (metres) used for geofence hysteresis.
        """
        local = np.array([_to_enu(zone.geometry, frame) for zone in self.zones], dtype=object)
        return LocalZones(self.zones, local, shapely.buffer(local, margin_m))


class LocalZones:
    """Zones in ENU metres: each as its own polygon (inner) and grown by a margin (outer).

    Both arrays are ``shapely.prepare``-d and the outer ones are STRtree-indexed, so one
    batch of N positions costs an O(N log Z) tree query plus exact tests only against
    the zones whose bounding box holds a point.
    """

    def __init__(self, zones: tuple[Zone, ...], inner: np.ndarray, outer: np.ndarray) -> None:
        self.zones = zones
        self.inner = inner
        self.outer = outer
        shapely.prepare(self.inner)
        shapely.prepare(self.outer)
        self._tree = shapely.STRtree(self.outer)
        self._grid = _CellIndex(shapely.bounds(self.outer))
        self.kinds = np.array([zone.kind for zone in zones], dtype=object)

    def membership(
        self, east_m: np.ndarray, north_m: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Which points lie in which zones, for every (point, zone) pair near each other.

        Parameters
        ----------
        east_m, north_m
            Point coordinates in the ENU plane, shape (N,).

        Returns
        -------
        point_index, zone_index
            Pairs whose zone's outer bounding box holds the point, sorted by point then
            zone (zone index = position in ``zones``); every zone a point is in appears.
        in_inner, in_outer
            Whether the point is inside the zone / inside the zone grown by the margin.
        """
        east_m = np.asarray(east_m, dtype=float)
        north_m = np.asarray(north_m, dtype=float)
        if east_m.size == 0 or not self.zones:
            empty = np.zeros(0, dtype=int)
            return empty, empty, empty.astype(bool), empty.astype(bool)
        point_index, zone_index = self._tree.query(shapely.points(east_m, north_m))
        order = np.lexsort((zone_index, point_index))
        point_index, zone_index = point_index[order], zone_index[order]
        x, y = east_m[point_index], north_m[point_index]
        in_inner = shapely.contains_xy(self.inner[zone_index], x, y)
        in_outer = shapely.contains_xy(self.outer[zone_index], x, y)
        return point_index, zone_index, in_inner, in_outer

    def sides(self, east_m: np.ndarray, north_m: np.ndarray) -> list[tuple[frozenset[int], frozenset[int]]]:
        """Per point: the zones it is inside, and inside-with-margin.

        Most points are in no zone; they share one empty set instead of building two.
        Batches of up to ``SMALL_BATCH`` points (single AIS reports, mostly) go through
        the cell index point by point: a vectorised STRtree pass costs tens of
        microseconds of call overhead whatever the batch size.
        """
        if np.size(east_m) <= SMALL_BATCH:
            return [self._point_sides(float(x), float(y)) for x, y in zip(east_m, north_m, strict=True)]
        point_index, zone_index, in_inner, in_outer = self.membership(east_m, north_m)
        result: list[tuple[frozenset[int], frozenset[int]]] = [(NO_ZONES, NO_ZONES)] * np.size(east_m)
        if not point_index.size:
            return result
        hits = in_outer  # inner is inside outer: the margin only grows the zone
        points, zones, inner = point_index[hits].tolist(), zone_index[hits].tolist(), in_inner[hits].tolist()
        start = 0
        while start < len(points):
            point = points[start]
            end = start
            while end < len(points) and points[end] == point:
                end += 1
            result[point] = (
                frozenset(z for z, i in zip(zones[start:end], inner[start:end], strict=True) if i),
                frozenset(zones[start:end]),
            )
            start = end
        return result

    def _point_sides(self, east_m: float, north_m: float) -> tuple[frozenset[int], frozenset[int]]:
        candidates = self._grid.candidates(east_m, north_m)
        if not candidates:
            return NO_ZONES, NO_ZONES
        outer = frozenset(z for z in candidates if shapely.contains_xy(self.outer[z], east_m, north_m))
        if not outer:
            return NO_ZONES, NO_ZONES
        return frozenset(z for z in outer if shapely.contains_xy(self.inner[z], east_m, north_m)), outer

    def inside_kind(self, east_m: np.ndarray, north_m: np.ndarray, kind: ZoneKind) -> np.ndarray:
        """Boolean mask, shape (N,): is each point inside some zone of ``kind``."""
        point_index, zone_index, in_inner, _ = self.membership(east_m, north_m)
        mask = np.zeros(np.size(east_m), dtype=bool)
        mask[point_index[in_inner & (self.kinds[zone_index] == kind)]] = True
        return mask


SMALL_BATCH = 16
"""Largest batch :meth:`LocalZones.sides` tests point by point rather than vectorised."""


class _CellIndex:
    """Bounding boxes bucketed in square cells: a point's candidate zones in one dict lookup.

    A zone is listed in every cell its box touches, unless that is more than
    ``MAX_CELLS_PER_ZONE`` cells (a zone tens of km wide), in which case it is kept on a
    short list of large zones that every query checks by box.

    Parameters
    ----------
    bounds
        Shape (Z, 4): min east, min north, max east, max north of each zone (m).
    cell_m
        Cell side (m): a few km, the size of a typical zone.
    """

    MAX_CELLS_PER_ZONE = 4096

    def __init__(self, bounds: np.ndarray, cell_m: float = 2_000.0) -> None:
        self._cell_m = cell_m
        self._bounds = [tuple(b) for b in np.asarray(bounds, dtype=float).reshape(-1, 4).tolist()]
        self._large: list[int] = []
        cells: dict[tuple[int, int], list[int]] = {}
        for zone, (x0, y0, x1, y1) in enumerate(self._bounds):
            i0, j0, i1, j1 = (math.floor(v / cell_m) for v in (x0, y0, x1, y1))
            if (i1 - i0 + 1) * (j1 - j0 + 1) > self.MAX_CELLS_PER_ZONE:
                self._large.append(zone)
                continue
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    cells.setdefault((i, j), []).append(zone)
        self._cells = {cell: tuple(zones) for cell, zones in cells.items()}

    def candidates(self, east_m: float, north_m: float) -> list[int]:
        """Zones whose bounding box holds the point, ascending (none for a NaN position)."""
        if not (math.isfinite(east_m) and math.isfinite(north_m)):
            return []
        cell = (math.floor(east_m / self._cell_m), math.floor(north_m / self._cell_m))
        found = [
            z
            for z in (*self._cells.get(cell, ()), *self._large)
            if self._bounds[z][0] <= east_m <= self._bounds[z][2]
            and self._bounds[z][1] <= north_m <= self._bounds[z][3]
        ]
        return sorted(found) if self._large else found


def _to_enu(geometry: Polygon | MultiPolygon, frame: LocalFrame) -> Polygon | MultiPolygon:
    """Vertex-wise projection; zones span a few km, where the plane's curvature error is < 1 m."""

    def lonlat_to_enu(coords: np.ndarray) -> np.ndarray:
        east_m, north_m = frame.to_enu(coords[:, 1], coords[:, 0])
        return np.column_stack([east_m, north_m])

    return shapely.transform(geometry, lonlat_to_enu)


def load_zones(path: Path) -> Zones:
    """Read and validate a GeoJSON FeatureCollection of zones.

    Each feature needs ``properties.id`` (unique, non-empty string), ``properties.kind``
    (one of :class:`ZoneKind`), optional ``properties.name``, optional rule settings
    (:class:`ZoneSettings`: ``speed_limit_kn``, ``loiter_after_s``, ``require_ais``), and a
    valid Polygon or MultiPolygon geometry in lon/lat order.

    Raises
    ------
    ZonesFileError
        On the first problem found, naming the file, the feature and the fix.
    """
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ZonesFileError(
            f"{path}: cannot read zones as JSON ({exc}); fix: provide a GeoJSON file"
        ) from exc
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise ZonesFileError(f"{path}: top level must be a GeoJSON FeatureCollection")
    features = document.get("features")
    if not isinstance(features, list):
        raise ZonesFileError(f"{path}: 'features' must be a list of GeoJSON Features")
    zones: list[Zone] = []
    seen_ids: set[str] = set()
    for index, feature in enumerate(features):
        zone = _parse_feature(path, index, feature)
        if zone.id in seen_ids:
            raise ZonesFileError(
                f"{path}: feature {index} (id {zone.id!r}): duplicate id; fix: make ids unique"
            )
        seen_ids.add(zone.id)
        zones.append(zone)
    return Zones(tuple(zones))


def _parse_feature(path: Path, index: int, feature: Any) -> Zone:
    where = f"{path}: feature {index}"
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise ZonesFileError(f"{where}: not a GeoJSON Feature object")
    properties = feature.get("properties") or {}
    zone_id = properties.get("id")
    if not isinstance(zone_id, str) or not zone_id.strip():
        raise ZonesFileError(f"{where}: missing properties.id; fix: give every zone a unique string id")
    where = f"{where} (id {zone_id!r})"
    kinds = ", ".join(kind.value for kind in ZoneKind)
    try:
        kind = ZoneKind(properties.get("kind"))
    except ValueError:
        raise ZonesFileError(
            f"{where}: properties.kind {properties.get('kind')!r} is not one of: {kinds}"
        ) from None
    name = properties.get("name") or zone_id
    geometry_json = feature.get("geometry")
    geometry_type = geometry_json.get("type") if isinstance(geometry_json, dict) else None
    if geometry_type not in ("Polygon", "MultiPolygon"):
        raise ZonesFileError(
            f"{where}: geometry type {geometry_type!r} is not a zone; fix: use a Polygon or MultiPolygon"
        )
    try:
        geometry = shape(geometry_json)
    except (ValueError, TypeError, AttributeError, IndexError, ShapelyError) as exc:
        raise ZonesFileError(
            f"{where}: malformed {geometry_type} coordinates ({exc}); "
            "fix: rings of [lon, lat] pairs, first point repeated last"
        ) from exc
    if geometry.is_empty:
        raise ZonesFileError(f"{where}: empty geometry; fix: give the zone at least one ring")
    if not geometry.is_valid:
        raise ZonesFileError(
            f"{where}: invalid geometry ({shapely.is_valid_reason(geometry)}); fix: make the ring "
            "simple (edges must not cross; e.g. QGIS 'Fix geometries' or shapely.make_valid)"
        )
    min_lon, min_lat, max_lon, max_lat = geometry.bounds
    if not (-180.0 <= min_lon <= max_lon <= 180.0 and -90.0 <= min_lat <= max_lat <= 90.0):
        raise ZonesFileError(
            f"{where}: coordinates outside lon [-180, 180] / lat [-90, 90]; "
            "fix: GeoJSON order is [lon, lat] (RFC 7946)"
        )
    return Zone(
        id=zone_id, name=str(name), kind=kind, geometry=geometry, settings=_parse_settings(where, properties)
    )


def _parse_settings(where: str, properties: dict[str, Any]) -> ZoneSettings:
    """The rule settings among the properties; other properties are the author's own and ignored."""
    values: dict[str, Any] = {}
    for key in ("speed_limit_kn", "loiter_after_s"):
        value = properties.get(key)
        if value is None:
            continue
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ZonesFileError(
                f'{where}: properties.{key} {value!r} is not a number >= 0; fix: e.g. "{key}": 10'
            )
        values[key] = float(value)
    if values.get("speed_limit_kn") == 0.0:
        raise ZonesFileError(f"{where}: properties.speed_limit_kn is 0; fix: a limit in knots, or omit it")
    require_ais = properties.get("require_ais")
    if require_ais is not None:
        if not isinstance(require_ais, bool):
            raise ZonesFileError(
                f'{where}: properties.require_ais {require_ais!r} is not true/false; fix: "require_ais": true'
            )
        values["require_ais"] = require_ais
    return ZoneSettings(**values)
