"""What would make benchmarks/real_data.py's held-out error wrong: scoring a withheld report
against a later state, a tracker seeing the withheld report, or the wrong speed class.

Not a benchmark: no timing is asserted. A scripted engine stands in for a tracker so every
expected error is known exactly.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

pytest.importorskip("stonesoup", reason="benchmarks/real_data.py imports Stone Soup ('bench' extra)")

from benchmarks.real_data import HoldOutEngine, speed_class
from fusion.schemas import AisReport, RadarPlot, TimeSource, TrackState, TrackStatus
from tracking.frames import LocalFrame

FRAME = LocalFrame(50.77, -1.1)


def _report(time: float, lat: float, lon: float, sog_kn: float | None = 5.0) -> AisReport:
    return AisReport(
        time=time, time_source=TimeSource.TAG_BLOCK, mmsi=235070762, msg_type=1, lat=lat, lon=lon,
        sog_kn=sog_kn, cog_deg=90.0, heading_deg=None, nav_status=None, receiver_id="S", raw="",
    )  # fmt: skip


class _Scripted:
    """Answers each AIS report with a track at the report's place moving east at 2 m/s."""

    def __init__(self) -> None:
        self.seen: list[float] = []

    def update_ais_batch(self, reports: list[AisReport]) -> list[TrackState]:
        self.seen += [r.time for r in reports]
        return [_state(r.time, *(float(v) for v in FRAME.to_enu(r.lat, r.lon))) for r in reports]

    def update_radar_scan(self, plots: list[RadarPlot]) -> list[TrackState]:
        return []

    def expire(self, now: float) -> list[TrackState]:
        return []


def _state(time: float, east: float, north: float, status: TrackStatus = TrackStatus.CONFIRMED) -> TrackState:
    return TrackState(
        time=time, track_id="T1", status=status, lat=0.0, lon=0.0, east_m=east, north_m=north,
        ve_mps=2.0, vn_mps=0.0, sog_kn=3.9, cog_deg=90.0, cov=(0.0,) * 16, mmsi=235070762,
        last_ais_time=time, last_radar_time=None,
    )  # fmt: skip


def test_withheld_report_scored_against_the_earlier_state_moved_forward() -> None:
    inner = _Scripted()
    engine = HoldOutEngine(inner, FRAME, k=2)
    lat, lon = FRAME.to_geodetic(0.0, 0.0)
    engine.update_ais_batch([_report(100.0, float(lat), float(lon))])
    # withheld: the vessel is 30 m east at t=110; the track predicts 2 m/s x 10 s = 20 m east
    lat2, lon2 = FRAME.to_geodetic(30.0, 0.0)
    assert engine.update_ais_batch([_report(110.0, float(lat2), float(lon2))]) == []
    assert inner.seen == [100.0]  # the tracker never saw the withheld report
    (error,) = engine.result.errors_m["1-10 kn"]
    assert error == pytest.approx(10.0, abs=0.01)
    assert engine.result.gaps_s == [10.0] and engine.result.withheld == 1


def test_withheld_report_without_a_track_is_counted_not_scored() -> None:
    engine = HoldOutEngine(_Scripted(), FRAME, k=1)
    engine.update_ais_batch([_report(100.0, 50.77, -1.1)])
    assert engine.result.no_track == 1 and not engine.result.errors_m


def test_a_lost_track_no_longer_predicts() -> None:
    engine = HoldOutEngine(_Scripted(), FRAME, k=2)
    engine.update_ais_batch([_report(100.0, 50.77, -1.1)])
    engine._note([_state(105.0, 0.0, 0.0, TrackStatus.LOST)])
    engine.update_ais_batch([_report(110.0, 50.77, -1.1)])
    assert engine.result.no_track == 1


@pytest.mark.parametrize(
    ("sog", "label"),
    [(0.0, "<1 kn"), (1.0, "1-10 kn"), (19.9, "10-20 kn"), (35.0, ">=20 kn"), (None, "unknown")],
)
def test_speed_classes(sog: float | None, label: str) -> None:
    assert speed_class(sog) == label


def test_a_coasting_duplicate_does_not_stand_in_for_the_track_following_the_vessel() -> None:
    """Two tracks carry the MMSI: the one its reports updated last is scored, not the newest output."""
    engine = HoldOutEngine(_Scripted(), FRAME, k=3)
    following = _state(100.0, 0.0, 0.0)
    stale = replace(_state(105.0, 5000.0, 0.0, TrackStatus.COASTING), track_id="T9", last_ais_time=40.0)
    engine._note([following, stale])
    assert engine.following(235070762).track_id == "T1"
    engine._note([replace(stale, status=TrackStatus.LOST), replace(following, status=TrackStatus.LOST)])
    assert engine.following(235070762) is None
