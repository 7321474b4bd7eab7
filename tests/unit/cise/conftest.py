"""The CISE XML Schemas (``../shared/data/cise``) built once, and the records the tests share."""

from __future__ import annotations

import os

import pytest

from fusion.cise.validate import CiseValidator
from fusion.schemas import TrackState, TrackStatus
from ingest.vessels import VesselRecord
from tests.conftest import SHARED_DATA

CISE_DIR = SHARED_DATA / "cise"


@pytest.fixture(scope="session")
def cise_validator() -> CiseValidator:
    """Both CISE schemas, or skip (fail under CI, where ../shared is always beside the repo)."""
    if not (CISE_DIR / "MANIFEST.md").is_file():
        reason = f"the CISE schemas are not at {CISE_DIR} (../shared/data/cise beside the repo)"
        if os.environ.get("CI", "").lower() in ("1", "true"):
            pytest.fail(reason)
        pytest.skip(reason)
    return CiseValidator(CISE_DIR)


T0 = 1768464000.0  # 2026-01-15 08:00:00 UTC
MMSI = 463000123


@pytest.fixture
def identity() -> VesselRecord:
    return VesselRecord(
        mmsi=MMSI,
        kind=None,
        flag_state="PK",
        time=T0 - 60,
        msg_types=(5,),
        name="AL NOOR",
        call_sign="AP1234",
        imo=9123456,
        ship_type=70,
        to_bow_m=100,
        to_stern_m=20,
        to_port_m=10,
        to_starboard_m=12,
        destination="KARACHI",
    )


def track(track_id: str = "T000001", time: float = T0, mmsi: int | None = MMSI, **changes) -> TrackState:
    """A confirmed track fed by AIS and radar, 0.01 deg off Karachi, 12 kn on 045."""
    fields = dict(
        time=time,
        track_id=track_id,
        status=TrackStatus.CONFIRMED,
        lat=24.75,
        lon=66.95,
        east_m=100.0,
        north_m=200.0,
        ve_mps=4.36,
        vn_mps=4.36,
        sog_kn=12.0,
        cog_deg=45.0,
        cov=(400.0, 0, 0, 0, 0, 1.0, 0, 0, 0, 0, 400.0, 0, 0, 0, 0, 1.0),
        mmsi=mmsi,
        last_ais_time=time,
        last_radar_time=time - 1.0,
    )
    fields.update(changes)
    return TrackState(**fields)
