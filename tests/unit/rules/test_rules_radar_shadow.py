"""AIS positions the radar contradicts: an AIS track radar cannot see, shadowed by a radar-only track.

First on hand-built track states (the rule's own conditions), then end to end through the
real tracker: a ship whose transponder reports positions 700 m from where radar sees it.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from fusion.rules.config import RulesConfig
from fusion.schemas import AisReport, AlertKind, AlertState, RadarPlot, Severity, TimeSource
from tracking.frames import KNOT_MPS, range_bearing
from tracking.tracker import Tracker

MMSI = 463000555
SPEED_KN = 10.0
OFFSET_M = 700.0


def _pair(
    world, *, offset_north_m=700.0, radar_course_deg=90.0, ais_radar_s=None, east0_m=5_000.0, end_s=300.0
):
    """An AIS track reporting every 10 s and a radar-only track updated every 2.5 s,
    ``offset_north_m`` apart, both eastbound at 10 kn unless ``radar_course_deg`` says otherwise."""
    speed_mps = SPEED_KN * KNOT_MPS
    ais = [
        world.state(
            t,
            "T1",
            east0_m + speed_mps * t,
            10_000.0,
            sog_kn=SPEED_KN,
            mmsi=MMSI,
            last_ais_s=t,
            last_radar_s=None if ais_radar_s is None else t,
        )
        for t in np.arange(0.0, end_s, 10.0)
    ]
    heading = np.radians(radar_course_deg)
    radar = [
        world.state(
            t,
            "T2",
            east0_m + speed_mps * t * np.sin(heading),
            10_000.0 + offset_north_m + speed_mps * t * np.cos(heading),
            sog_kn=SPEED_KN,
            cog_deg=radar_course_deg,
            last_radar_s=t,
            speed_sigma_kn=1.0,
        )
        for t in np.arange(1.0, end_s, 2.5)
    ]
    return sorted(ais + radar, key=lambda s: s.time)


def _kinds(alerts):
    return [(a.kind, a.state) for a in alerts if a.kind in (AlertKind.SPOOFING, AlertKind.DARK_VESSEL)]


def test_a_radar_shadow_of_an_unseen_ais_track_is_a_spoofing_alert_not_a_dark_vessel(world, feed_states):
    alerts = feed_states(world.engine(), _pair(world), tick_s=1.0)
    assert _kinds(alerts) == [(AlertKind.SPOOFING, AlertState.RAISED)]
    spoof = next(a for a in alerts if a.kind is AlertKind.SPOOFING)
    assert (spoof.mmsi, spoof.track_id, spoof.related_track_ids, spoof.severity) == (
        MMSI,
        "T1",
        ("T2",),
        Severity.HIGH,
    )
    assert spoof.evidence["anomaly"] == "radar_mismatch"
    assert spoof.evidence["offset_m"] == pytest.approx(700.0, abs=5.0)
    # T1 is unsupported once radar has been silent on it for 25 s (from its first update at
    # 0 s: never), T2 confirmed from 1 s: the pair forms on the 1 s sweep, raised 60 s later.
    assert spoof.time - world.t0_s == pytest.approx(61.0)


@pytest.mark.parametrize(
    "case",
    [
        {"ais_radar_s": True},  # radar sees the AIS ship too: a tow or a convoy, not a false position
        {"radar_course_deg": 0.0},  # a radar track crossing, not moving alongside
        {"offset_north_m": 150.0},  # within the antenna offset of a large ship / the radar gate
        {"offset_north_m": 3_000.0},  # too far to be the same hull
    ],
)
def test_no_spoofing_when_radar_does_not_contradict_the_ais_position(world, feed_states, case):
    alerts = feed_states(world.engine(), _pair(world, **case), tick_s=1.0)
    assert [a for a in alerts if a.kind is AlertKind.SPOOFING] == []


def test_a_dark_timer_due_while_the_shadow_is_still_suspected_waits_for_the_verdict(world, feed_states):
    """Radar holds the AIS ship until 80 s, so the pair forms at ~105 s and is shown at ~165 s,
    after the radar track's 120 s dark timer (from 1 s) fell due: it must not be called dark."""
    states = [
        dataclasses.replace(s, last_radar_time=world.t0_s + 80.0)
        if s.track_id == "T1" and s.time - world.t0_s > 80.0
        else s
        for s in _pair(world, ais_radar_s=True)
    ]
    alerts = feed_states(world.engine(), states, tick_s=1.0)
    assert _kinds(alerts) == [(AlertKind.SPOOFING, AlertState.RAISED)]
    assert 160.0 <= alerts[0].time - world.t0_s <= 170.0


def test_beyond_radar_coverage_an_unseen_ais_ship_is_not_suspect(world, feed_states):
    # The AIS receiver reaches 60 km, the radar 40 km: at 45 km radar cannot contradict anything.
    alerts = feed_states(world.engine(), _pair(world, east0_m=45_000.0), tick_s=1.0)
    assert [a for a in alerts if a.kind is AlertKind.SPOOFING] == []


def test_the_mismatch_thresholds_come_from_the_config(world, feed_states):
    config = RulesConfig(radar_mismatch_min_m=800.0)
    alerts = feed_states(world.engine(config=config), _pair(world), tick_s=1.0)
    assert [a for a in alerts if a.kind is AlertKind.SPOOFING] == []


def test_a_spoofed_position_through_the_tracker(world):
    """A ship at 10 kn; radar sees it where it is; from 120 s its transponder reports 700 m
    north of that. The tracker follows the AIS positions, so the plots start a radar-only
    track: the rules must call it spoofing, not a dark vessel."""
    frame, sensors = world.frame, world.sensors
    radar = sensors.radars[0]
    tracker = Tracker(frame, sensors)
    engine = world.engine()
    rng = np.random.default_rng(5)
    speed_mps = SPEED_KN * KNOT_MPS
    records: list[AisReport | RadarPlot] = []
    for k in range(600):
        t = world.t0_s + k
        east_m, north_m = 5_000.0 + speed_mps * k, 10_000.0
        if k % 10 == 3:
            lat, lon = frame.to_geodetic(east_m, north_m + (OFFSET_M if k >= 120 else 0.0))
            records.append(
                AisReport(
                    time=t,
                    time_source=TimeSource.TAG_BLOCK,
                    mmsi=MMSI,
                    msg_type=1,
                    lat=float(lat),
                    lon=float(lon),
                    sog_kn=SPEED_KN,
                    cog_deg=90.0,
                    heading_deg=None,
                    nav_status=0,
                    receiver_id="AIS1",
                    raw="",
                )
            )
        if k % 5 == 0:  # one plot every other 2.5 s scan: a small ship at 11 km
            lat, lon = frame.to_geodetic(east_m, north_m)
            range_m, bearing_deg = range_bearing(radar.lat, radar.lon, lat, lon)
            records.append(
                RadarPlot(
                    time=t + 0.1,
                    sensor_id=radar.id,
                    plot_id=k,
                    range_m=float(range_m) + rng.normal() * radar.range_sigma_m,
                    bearing_deg=float(bearing_deg) + rng.normal() * radar.bearing_sigma_deg,
                    range_sigma_m=radar.range_sigma_m,
                    bearing_sigma_deg=radar.bearing_sigma_deg,
                )
            )
    alerts = []
    next_tick = records[0].time
    for record in records:
        while next_tick <= record.time:
            alerts += engine.on_tracks(tracker.expire(next_tick), next_tick)
            next_tick += 1.0
        if isinstance(record, AisReport):
            engine.on_report(record)
            states = tracker.update_ais(record)
        else:
            states = tracker.update_radar_scan([record])
        alerts += engine.on_tracks(states, record.time)
    assert _kinds(alerts) == [(AlertKind.SPOOFING, AlertState.RAISED)]
    spoof = next(a for a in alerts if a.kind is AlertKind.SPOOFING)
    assert spoof.mmsi == MMSI and spoof.evidence["anomaly"] == "radar_mismatch"
    assert 120.0 < spoof.time - world.t0_s < 300.0
    assert spoof.evidence["offset_m"] == pytest.approx(700.0, abs=150.0)
