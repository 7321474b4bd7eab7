"""Identity anomalies on real AIS: the Solent recording (dstl Stone Soup demo, 84 min, 91 MMSIs).

Real traffic is where a spoofing rule earns or loses trust: 91 vessels reporting for 84
minutes must raise nothing except the one real anomaly the recording holds, MMSI 245188000
jumping thousands of kilometres between two reports 12 s apart (a bad position fix).
"""

from __future__ import annotations

import csv
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fusion.rules.engine import RuleEngine
from fusion.rules.zones import Zones
from fusion.schemas import AisReceiverSite, AisReport, AlertKind, AlertState, Sensors, TimeSource
from tracking.frames import LocalFrame
from tracking.tracker import Tracker

SOLENT = (
    Path(__file__).resolve().parents[4]
    / "shared"
    / "data"
    / "real"
    / "dstl-Stone-Soup"
    / "docs"
    / "demos"
    / "SolentAIS_20160112_130211.csv"
)


def _reports(path: Path) -> list[AisReport]:
    with path.open(newline="") as handle:
        return [
            AisReport(
                time=datetime.strptime(row["Time"], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=UTC).timestamp(),
                time_source=TimeSource.RECEIPT,
                mmsi=int(row["MMSI"]),
                msg_type=1,
                lat=float(row["Latitude_degrees"]),
                lon=float(row["Longitude_degrees"]),
                sog_kn=float(row["SOG_knots"]),
                cog_deg=float(row["COG_degrees"]) % 360.0,
                heading_deg=None,
                nav_status=None,
                receiver_id="SOLENT",
                raw="",
            )
            for row in csv.DictReader(handle)
        ]


@pytest.mark.skipif(not SOLENT.is_file(), reason=f"real AIS recording not found at {SOLENT}")
def test_real_traffic_raises_only_the_real_position_jump():
    frame = LocalFrame(50.75, -1.2)
    sensors = Sensors(
        radars=(), ais_receivers=(AisReceiverSite(id="SOLENT", lat=50.75, lon=-1.2, range_m=60e3),)
    )
    tracker, engine = Tracker(frame, sensors), RuleEngine(Zones(()), sensors, frame)
    alerts = []
    reports = sorted(_reports(SOLENT), key=lambda r: r.time)
    next_tick = math.floor(reports[0].time) + 1.0
    for report in reports:
        while report.time >= next_tick:  # the pipeline's 1 s event-time tick
            alerts += engine.on_tracks(tracker.expire(next_tick), next_tick)
            next_tick += 1.0
        alerts += engine.on_tracks(tracker.update_ais(report), report.time)
    spoofing = [a for a in alerts if a.kind is AlertKind.SPOOFING and a.state is AlertState.RAISED]
    assert [(a.mmsi, a.evidence["anomaly"]) for a in spoofing] == [(245188000, "impossible_jump")]
    assert spoofing[0].evidence["distance_m"] > 1_000_000.0
