"""The demo agencies file and zones, and alerts placed where a test needs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from fusion.agencies.config import AgenciesConfig, load_agencies
from fusion.agencies.routing import AlertRouter
from fusion.rules.zones import Zones, load_zones
from fusion.schemas import Alert, AlertKind, AlertState, Severity

REPO_ROOT = Path(__file__).resolve().parents[3]
AGENCIES = REPO_ROOT / "config" / "agencies.toml"
ZONES = REPO_ROOT / "zones.geojson"

OPEN_SEA_40NM = (66.75, 24.05)
"""(lon, lat) about 40 nm south-west of Karachi: in the EEZ, beyond the contiguous zone."""
SHARED_AREA = (67.0, 24.55)
"""(lon, lat) inside the demo's shared area with the partner, and in the territorial sea."""
ANCHORAGE = (66.95, 24.70)
"""(lon, lat) inside zone KHI-ANCH (kind anchorage)."""


@pytest.fixture(scope="session")
def zones() -> Zones:
    return load_zones(ZONES)


@pytest.fixture(scope="session")
def agencies(zones: Zones) -> AgenciesConfig:
    return load_agencies(AGENCIES, zones)


@pytest.fixture(scope="session")
def router(agencies: AgenciesConfig, zones: Zones) -> AlertRouter:
    return AlertRouter(agencies, zones)


def alert_at(
    lon_lat: tuple[float, float],
    kind: AlertKind = AlertKind.DARK_VESSEL,
    *,
    zone_id: str | None = None,
    evidence: dict[str, float | str] | None = None,
    state: AlertState = AlertState.RAISED,
) -> Alert:
    lon, lat = lon_lat
    return Alert(
        alert_id="a1b2c3d4e5f60718",
        time=1_768_464_000.0,
        kind=kind,
        state=state,
        severity=Severity.HIGH,
        track_id="T000042",
        mmsi=463_000_123,
        zone_id=zone_id,
        lat=lat,
        lon=lon,
        message="Vessel of interest in sight: T000042 (MMSI 463000123), watch list {'matched': 'imo'}",
        related_track_ids=("T000043",),
        evidence=evidence if evidence is not None else {"matched": "imo", "imo": 9_123_456, "sog_kn": 4.0},
    )
