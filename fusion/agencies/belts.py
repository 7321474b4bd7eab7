"""Maritime belts (territorial sea, contiguous zone, EEZ) as distance bands from a coastline.

The belts are computed once, offline, by ``scripts/make_belts.py`` from the project's own
GSHHS coastline and committed as GeoJSON; the router only reads that file. Distances are
geodesic in effect: the land is projected into an azimuthal equidistant frame centred on the
area (distances from the centre exact, other distances within 0.1 % up to 500 km away),
buffered there in metres, and projected back. Buffering in degrees would make a "12 nm" belt
about 9 % narrower east-west than north-south at 25 deg N.

The bands are disjoint, so every position is in at most one belt:

- ``territorial_sea``: within 12 nm of the shoreline, and everything landward of it
  (harbours, creeks and internal waters: the GSHHS shoreline does not separate them);
- ``contiguous_zone``: 12 to 24 nm;
- ``eez``: 24 to 200 nm, clipped to the extent the file covers.

The normal baseline is approximated by the GSHHS shoreline; declared straight baselines and
lateral boundaries with neighbours are not modelled (docs/agencies.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import shapely
from pyproj import CRS, Transformer
from shapely.geometry import box, mapping, shape
from shapely.geometry.base import BaseGeometry

NM_M = 1852.0
"""One international nautical mile in metres."""

BELT_LIMITS_NM: dict[str, tuple[float, float]] = {
    "territorial_sea": (0.0, 12.0),
    "contiguous_zone": (12.0, 24.0),
    "eez": (24.0, 200.0),
}
"""Each belt's (inner, outer) distance from the shoreline in nautical miles (UNCLOS arts. 3, 33, 57)."""

BELTS = tuple(BELT_LIMITS_NM)

QUAD_SEGS = 16
"""Arc segments per quarter circle when buffering: the chord error at 200 nm is under 0.5 %
of a segment's length, far below the shoreline's own resolution."""


class BeltsFileError(ValueError):
    """A belts file that cannot be used; the message names the file and the fix."""


def compute_belts(
    land: BaseGeometry,
    centre_lat: float,
    centre_lon: float,
    extent: tuple[float, float, float, float],
) -> dict[str, BaseGeometry]:
    """The belts of ``land`` (lon/lat polygons), clipped to ``extent``, in lon/lat.

    Parameters
    ----------
    land
        The state's land (lon/lat degrees, WGS84), islands included.
    centre_lat, centre_lon
        Centre of the azimuthal equidistant frame (deg): the middle of the area of interest.
    extent
        (west, south, east, north) degrees: the belts are clipped to this box.

    Returns
    -------
    dict
        Belt name (``BELTS``) -> polygon or multipolygon in lon/lat.
    """
    frame = CRS.from_proj4(
        f"+proj=aeqd +lat_0={centre_lat} +lon_0={centre_lon} +datum=WGS84 +units=m +no_defs"
    )
    to_frame = Transformer.from_crs("EPSG:4326", frame, always_xy=True).transform
    to_lonlat = Transformer.from_crs(frame, "EPSG:4326", always_xy=True).transform
    land_m = shapely.transform(land, to_frame, interleaved=False)
    clip_m = shapely.transform(shapely.segmentize(box(*extent), 0.05), to_frame, interleaved=False)
    reach = {0.0: land_m}  # land within distance d of the shoreline, for each belt's limits
    for _, outer_nm in BELT_LIMITS_NM.values():
        reach[outer_nm] = land_m.buffer(outer_nm * NM_M, quad_segs=QUAD_SEGS)
    belts = {}
    for name, (inner_nm, outer_nm) in BELT_LIMITS_NM.items():
        band = reach[outer_nm] if name == "territorial_sea" else reach[outer_nm].difference(reach[inner_nm])
        belts[name] = shapely.transform(band.intersection(clip_m), to_lonlat, interleaved=False)
    return belts


def belts_geojson(belts: dict[str, BaseGeometry], properties: dict[str, object]) -> dict:
    """A FeatureCollection with one feature per belt, ``properties.belt`` naming it."""
    features = []
    for name, geometry in belts.items():
        inner_nm, outer_nm = BELT_LIMITS_NM[name]
        features.append(
            {
                "type": "Feature",
                "properties": {"belt": name, "inner_nm": inner_nm, "outer_nm": outer_nm, **properties},
                "geometry": mapping(geometry),
            }
        )
    return {"type": "FeatureCollection", "name": "maritime belts", "features": features}


@dataclass(frozen=True)
class Belts:
    """The maritime belts of an area, prepared for point tests."""

    geometries: dict[str, BaseGeometry]

    def belt_at(self, lon: float, lat: float) -> str | None:
        """The belt containing (``lon``, ``lat``) degrees, or None outside every belt."""
        point = shapely.Point(lon, lat)
        for name, geometry in self.geometries.items():
            if geometry.covers(point):
                return name
        return None


def load_belts(path: Path) -> Belts:
    """Read a belts GeoJSON written by ``scripts/make_belts.py``.

    Raises
    ------
    BeltsFileError
        If the file is missing, not GeoJSON, or lacks one of ``BELTS``.
    """
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        features = {f["properties"]["belt"]: f["geometry"] for f in document["features"]}
    except FileNotFoundError:
        raise BeltsFileError(f"{path}: belts file not found; fix: run scripts/make_belts.py") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BeltsFileError(
            f"{path}: not a belts GeoJSON ({exc!r}); fix: regenerate it with scripts/make_belts.py"
        ) from None
    missing = [name for name in BELTS if name not in features]
    if missing:
        raise BeltsFileError(
            f"{path}: no feature for belt(s) {', '.join(missing)}; "
            "fix: regenerate it with scripts/make_belts.py"
        )
    geometries = {name: shape(features[name]) for name in BELTS}
    for geometry in geometries.values():
        shapely.prepare(geometry)
    return Belts(geometries)
