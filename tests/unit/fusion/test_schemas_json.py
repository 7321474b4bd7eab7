"""Records' JSON: ``to_json`` (orjson on the dataclass, version key spliced in) writes exactly
the bytes of the plain dict form, and every record reads back equal."""

from __future__ import annotations

import orjson
import pytest

from fusion.schemas import (
    AisReport,
    AisStatic,
    Alert,
    AlertAck,
    AlertKind,
    AlertState,
    MmsiKind,
    RadarPlot,
    Reject,
    RejectReason,
    Severity,
    TimeSource,
    TrackState,
    TrackStatus,
    from_json,
    to_dict,
    to_json,
)

RECORDS = [
    AisReport(
        time=1.5e9,
        time_source=TimeSource.TAG_BLOCK,
        mmsi=463000001,
        msg_type=1,
        lat=24.8,
        lon=66.9,
        sog_kn=None,
        cog_deg=12.5,
        heading_deg=None,
        nav_status=0,
        receiver_id="KHI",
        raw="!AIVDM...",
        mmsi_kind=MmsiKind.SHIP,
        flag_state="PK",
    ),
    AisStatic(time=1.5e9, mmsi=463000001, msg_type=5, name='Ä VESSEL "quoted"', imo=9811000),
    RadarPlot(
        time=1.5e9,
        sensor_id="MANORA",
        plot_id=7,
        range_m=1234.5,
        bearing_deg=359.9,
        range_sigma_m=15.0,
        bearing_sigma_deg=0.3,
        extra={"snr_db": 12.0, "nested": [1, 2]},
    ),
    Reject(time=None, source="file.nmea", line_no=3, reason=RejectReason.BAD_CHECKSUM, detail="x", raw="y"),
    TrackState(
        time=1.5e9,
        track_id="T1",
        status=TrackStatus.CONFIRMED,
        lat=24.8,
        lon=66.9,
        east_m=1.0,
        north_m=-2.0,
        ve_mps=0.1,
        vn_mps=1e-12,
        sog_kn=3.0,
        cog_deg=0.0,
        cov=tuple(float(i) for i in range(16)),
        mmsi=None,
        last_ais_time=None,
        last_radar_time=1.5e9,
        radar_ids=("MANORA",),
    ),
    Alert(
        alert_id="a1",
        time=1.5e9,
        kind=AlertKind.DARK_VESSEL,
        state=AlertState.RAISED,
        severity=Severity.CRITICAL,
        track_id="T1",
        mmsi=None,
        zone_id=None,
        lat=24.8,
        lon=66.9,
        message="dark",
        related_track_ids=("T2",),
        evidence={"dark_s": 600.0, "why": "no AIS"},
        informed_agencies=("customs",),
    ),
    AlertAck(alert_id="a1", time=1.5e9, officer="A. Officer"),
]


@pytest.mark.parametrize("record", RECORDS, ids=[type(r).__name__ for r in RECORDS])
def test_to_json_is_the_dict_form_byte_for_byte(record: object) -> None:
    assert to_json(record) == orjson.dumps(to_dict(record))
    assert from_json(type(record), to_json(record)) == record
