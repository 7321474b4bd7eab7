"""Fixtures of the dashboard's unit tests: users, zones, a config."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dashboard.auth import Role, User, hash_password
from dashboard.config import DashboardConfig
from fusion.schemas import RadarSite

REPO_ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def users() -> dict[str, User]:
    return {
        "officer": User("officer", "Amina Qureshi", Role.WATCH_OFFICER, hash_password("sea-officer")),
        "analyst": User("analyst", "Bilal Ahmed", Role.ANALYST, hash_password("sea-analyst")),
    }


@pytest.fixture(scope="session")
def zones() -> dict:
    return json.loads((REPO_ROOT / "zones.geojson").read_text())


@pytest.fixture
def config(users, zones) -> DashboardConfig:
    radar = RadarSite(
        id="MANORA",
        lat=24.7958,
        lon=66.9736,
        height_m=30.0,
        range_sigma_m=25.0,
        bearing_sigma_deg=0.3,
        max_range_m=40_000.0,
        scan_period_s=2.5,
    )
    return DashboardConfig(
        zones_geojson=zones, radars=(radar,), centre_lat=24.6, users=users, secret_key=b"k" * 32
    )
