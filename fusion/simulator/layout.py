"""Where the simulated picture happens: sensor sites, the sea area, the zones and coverage.

The scenario is the approaches to Karachi: two coastal radars (Manora at the harbour
mouth, Cape Monze 30 km west) and two AIS base receivers on the same sites. Vessels are
kept inside ``SEA``, a deliberately conservative, *approximate* sea polygon (not a chart):
open water south of about 24.74 N between 66.55 E and 67.35 E, a corridor up the Karachi
approach channel to about 24.794 N, the Port Qasim approach to about 24.765 N and a bump
north to 24.785 N off Cape Monze so the reef protected area is water. Every route is
planned inside it, so truth never puts a ship on land.

Zones come from the validated loader the rules use (:func:`fusion.rules.zones.load_zones`),
so a zones file the replay would reject cannot be simulated either. Coverage ("is this
vessel inside radar / AIS range") is the rules' own :class:`fusion.rules.coverage.RangeCoverage`
in the area plane, so the ground-truth events' coverage flags mean what the rules and the
evaluation mean by it; what a sensor actually measures (radar range and bearing, AIS
reception range) is geodesic (:func:`tracking.frames.range_bearing`).
"""

from __future__ import annotations

from typing import Any

import shapely
from shapely.geometry import Polygon

from fusion.rules.coverage import RangeCoverage
from fusion.rules.zones import Zone, Zones
from fusion.schemas import AisReceiverSite, RadarSite, Sensors
from tracking.frames import LocalFrame

AREA_LAT = 24.60
AREA_LON = 66.95
FRAME = LocalFrame(AREA_LAT, AREA_LON)
"""The area tangent plane the vessels move in (also written to sensors.json as ``area``)."""

_RADAR_COMMON: dict[str, float] = dict(
    range_sigma_m=25.0, bearing_sigma_deg=0.3, max_range_m=40000.0, scan_period_s=2.5
)
SENSORS = Sensors(
    radars=(
        RadarSite(id="MANORA", lat=24.7958, lon=66.9736, height_m=30.0, **_RADAR_COMMON),
        RadarSite(id="CAPE-MONZE", lat=24.8420, lon=66.6700, height_m=60.0, **_RADAR_COMMON),
    ),
    ais_receivers=(
        AisReceiverSite(id="KHI-AIS", lat=24.7958, lon=66.9736, range_m=60000.0),
        AisReceiverSite(id="MONZE-AIS", lat=24.8420, lon=66.6700, range_m=45000.0),
    ),
)
SCAN_PHASE_S: dict[str, float] = {"MANORA": 0.0, "CAPE-MONZE": 1.3}
"""Offset of each radar's first scan after the scenario start, so the two sweeps never align."""
RADAR_COVERAGE = RangeCoverage.of_radars(SENSORS.radars, FRAME)
"""Where some radar is within its ``max_range_m``; tested on ``FRAME`` positions."""
AIS_COVERAGE = RangeCoverage.of_ais_receivers(SENSORS.ais_receivers, FRAME)
"""Where some AIS receiver is within its ``range_m`` (no margin: this is truth, not a rule)."""

SEA = Polygon(
    [
        (66.55, 24.30),
        (67.35, 24.30),
        (67.35, 24.72),
        (67.315, 24.765),
        (67.275, 24.765),
        (67.23, 24.74),
        (66.995, 24.74),
        (66.99, 24.794),
        (66.952, 24.794),
        (66.895, 24.74),
        (66.78, 24.74),
        (66.78, 24.785),
        (66.64, 24.785),
        (66.64, 24.74),
        (66.55, 24.74),
    ]
)
"""Approximate navigable sea, (lon, lat) degrees. Conservative: real water extends further."""
shapely.prepare(SEA)


def zone_by_id(zones: Zones, zone_id: str) -> Zone:
    """The zone ``zone_id``; the traffic is laid out around the demo zones, so it must exist."""
    for zone in zones.zones:
        if zone.id == zone_id:
            return zone
    raise ValueError(f"zones file has no zone {zone_id!r}, which the simulated traffic is laid out around")


def sensors_json() -> dict[str, Any]:
    """The sensors.json document (docs/formats.md), including the tracking ``area`` origin."""
    return {
        "area": {"lat": AREA_LAT, "lon": AREA_LON},
        "radars": [
            {
                "id": r.id,
                "lat": r.lat,
                "lon": r.lon,
                "height_m": r.height_m,
                "range_sigma_m": r.range_sigma_m,
                "bearing_sigma_deg": r.bearing_sigma_deg,
                "max_range_m": r.max_range_m,
                "scan_period_s": r.scan_period_s,
            }
            for r in SENSORS.radars
        ],
        "ais_receivers": [
            {"id": a.id, "lat": a.lat, "lon": a.lon, "range_m": a.range_m} for a in SENSORS.ais_receivers
        ],
    }
