"""Identity anomalies (spoofing): one MMSI in two places at once, impossible jumps, invalid MMSIs."""

from __future__ import annotations

import pytest

from fusion.schemas import (
    AisReport,
    AisStatic,
    AlertKind,
    AlertState,
    MmsiKind,
    Severity,
    TimeSource,
    TrackStatus,
)

MMSI = 463000777


def _ais_track(world, track_id, start_s, end_s, east_m, *, step_s=10.0, mmsi=MMSI):
    """An AIS-fed track reporting every ``step_s`` at a fixed position (state time = AIS time)."""
    count = int((end_s - start_s) / step_s) + 1
    return [
        world.state(
            start_s + k * step_s,
            track_id,
            east_m,
            0.0,
            sog_kn=8.0,
            mmsi=mmsi,
            last_ais_s=start_s + k * step_s,
        )
        for k in range(count)
    ]


def _spoofing(alerts):
    return [a for a in alerts if a.kind is AlertKind.SPOOFING]


def test_a_spoofed_position_puts_the_mmsi_in_two_places(world, feed_states):
    engine = world.engine()
    real = _ais_track(world, "T1", 0.0, 300.0, 0.0)
    # Someone else transmits the same MMSI 8 km away from t = 100 s; the tracker gives it T2.
    spoofed = _ais_track(world, "T2", 105.0, 205.0, 8_000.0)
    states = sorted(real + spoofed, key=lambda s: s.time)
    alerts = _spoofing(feed_states(engine, states, tick_s=1.0))
    assert [(a.state, a.severity, a.mmsi, round(a.time - world.t0_s)) for a in alerts] == [
        (AlertState.RAISED, Severity.HIGH, MMSI, 105)
    ]
    assert alerts[0].evidence["anomaly"] in {"impossible_jump", "two_places"}
    assert alerts[0].related_track_ids == ("T1",)
    # T2 fused its last report at 205 s, so T1's reports keep it "at once" until 205 + 60 s;
    # T2 is lost at 305 s, and identity_clear_s after the last anomaly (260 s) it clears.
    lost = world.state(305.0, "T2", 8_000.0, 0.0, status=TrackStatus.LOST, mmsi=MMSI, last_ais_s=205.0)
    later = sorted([lost, *_ais_track(world, "T1", 310.0, 900.0, 0.0)], key=lambda s: s.time)
    cleared = _spoofing(feed_states(engine, later, tick_s=1.0))
    assert [(a.state, a.alert_id) for a in cleared] == [(AlertState.CLEARED, alerts[0].alert_id)]
    assert round(cleared[0].time - world.t0_s) == 260 + 600


def test_an_impossible_jump_between_consecutive_reports(world, feed_states):
    engine = world.engine()
    before = _ais_track(world, "T1", 0.0, 50.0, 0.0)
    # 5 km in 10 s (~970 kn), on a new track: the old one no longer fuses AIS (not "at once").
    after = _ais_track(world, "T3", 60.0, 100.0, 5_000.0)
    alerts = _spoofing(feed_states(engine, before + after, tick_s=1.0))
    assert [(a.state, a.evidence["anomaly"]) for a in alerts] == [(AlertState.RAISED, "impossible_jump")]
    assert alerts[0].evidence["implied_speed_kn"] > 900


def test_a_fast_vessel_and_a_track_handover_are_not_anomalies(world, feed_states):
    engine = world.engine()
    # 30 kn: 1.5 km per 100 s between sparse reports; plausible.
    fast = [
        world.state(k * 100.0, "T1", k * 1_543.0, 0.0, sog_kn=30.0, mmsi=MMSI, last_ais_s=k * 100.0)
        for k in range(6)
    ]
    # The track is re-created 200 m on (a tracker hand-over): same place, no anomaly.
    handover = _ais_track(world, "T9", 510.0, 600.0, 5 * 1_543.0 + 200.0)
    assert _spoofing(feed_states(engine, fast + handover, tick_s=1.0)) == []


def _report(world, t_s, mmsi, **reading):
    """An AIS report at ``T0 + t_s`` carrying ingest's reading of ``mmsi`` (``reading``)."""
    return AisReport(
        time=world.t0_s + t_s,
        time_source=TimeSource.TAG_BLOCK,
        mmsi=mmsi,
        msg_type=1,
        lat=world.frame.lat0,
        lon=world.frame.lon0,
        sog_kn=8.0,
        cog_deg=90.0,
        heading_deg=None,
        nav_status=0,
        receiver_id="AIS1",
        raw="",
        **reading,
    )


INVALID = {"mmsi_problem": "MMSI 123456789 fits no ITU-R M.585 pattern (ship, coast, group, SAR, AtoN, ...)"}


def test_an_invalid_mmsi_is_an_anomaly_while_it_transmits_and_clears_after(world, feed_states):
    engine = world.engine()
    assert engine.on_report(_report(world, 0.0, 123456789, **INVALID)) == []
    states = _ais_track(world, "T1", 0.0, 120.0, 0.0, mmsi=123456789)
    alerts = _spoofing(feed_states(engine, states, tick_s=1.0))
    assert [(a.state, a.severity, a.mmsi, a.time - world.t0_s) for a in alerts] == [
        (AlertState.RAISED, Severity.MEDIUM, 123456789, 0.0)
    ]
    assert alerts[0].evidence == {"anomaly": "invalid_mmsi", "problem": INVALID["mmsi_problem"]}
    # Heard until 120 s: one incident, cleared identity_clear_s after its last fix.
    lost = world.state(400.0, "T1", 0.0, 0.0, status=TrackStatus.LOST, mmsi=123456789, last_ais_s=120.0)
    cleared = _spoofing(feed_states(engine, [lost], tick_s=1.0) + engine.on_tracks([], world.t0_s + 720.0))
    assert [(a.state, a.alert_id, a.time - world.t0_s) for a in cleared] == [
        (AlertState.CLEARED, alerts[0].alert_id, 720.0)
    ]


@pytest.mark.parametrize(
    ("mmsi", "reading", "why"),
    [
        (46300012, {"mmsi_kind": MmsiKind.GROUP, "flag_state": "PK"}, "group number"),  # a digit short
        (2573345, {"mmsi_kind": MmsiKind.COAST_STATION, "flag_state": "NO"}, "coast station number"),
        (217000001, {"mmsi_kind": MmsiKind.SHIP, "flag_state": None}, "not allocated"),
    ],
)
def test_numbers_that_are_no_vessels_identity(world, feed_states, mmsi, reading, why):
    engine = world.engine()
    engine.on_static(AisStatic(time=world.t0_s, mmsi=mmsi, msg_type=5, **reading))
    alerts = _spoofing(feed_states(engine, _ais_track(world, "T1", 5.0, 30.0, 0.0, mmsi=mmsi)))
    assert [a.evidence["anomaly"] for a in alerts] == ["invalid_mmsi"]
    assert why in alerts[0].message


def test_valid_and_unclassified_mmsis_raise_nothing(world, feed_states):
    engine = world.engine()
    engine.on_report(_report(world, 0.0, MMSI, mmsi_kind=MmsiKind.SHIP, flag_state="PK"))
    engine.on_report(_report(world, 0.0, 970123456, mmsi_kind=MmsiKind.SART))  # no MID: no flag
    engine.on_report(_report(world, 0.0, 123456789))  # schema version 1: not classified
    states = [
        *_ais_track(world, "T1", 0.0, 60.0, 0.0),
        *_ais_track(world, "T2", 0.0, 60.0, 5_000.0, mmsi=970123456),
        *_ais_track(world, "T3", 0.0, 60.0, -5_000.0, mmsi=123456789),
    ]
    assert _spoofing(feed_states(engine, sorted(states, key=lambda s: s.time), tick_s=1.0)) == []


def test_a_position_anomaly_raises_an_open_invalid_mmsi_incident_to_high(world, feed_states):
    engine = world.engine()
    engine.on_report(_report(world, 0.0, 123456789, **INVALID))
    before = _ais_track(world, "T1", 0.0, 50.0, 0.0, mmsi=123456789)
    after = _ais_track(world, "T3", 60.0, 100.0, 5_000.0, mmsi=123456789)
    alerts = _spoofing(feed_states(engine, before + after, tick_s=1.0))
    assert [(a.state, a.severity, a.evidence["anomaly"]) for a in alerts] == [
        (AlertState.RAISED, Severity.MEDIUM, "invalid_mmsi"),
        (AlertState.UPDATED, Severity.HIGH, "impossible_jump"),
    ]
    assert alerts[0].alert_id == alerts[1].alert_id
