"""AIS gap: keyed by MMSI, raised inside coverage only, survives track loss, cleared on resume."""

from __future__ import annotations

from fusion.schemas import AlertKind, AlertState, Severity, TrackStatus

MMSI = 463000456
SCAN_S = 2.5


def _gaps(alerts):
    return [a for a in alerts if a.kind is AlertKind.AIS_GAP]


def test_gap_inside_coverage_with_radar_is_high_and_clears_on_resume(world, feed_states):
    engine = world.engine()
    # AIS every 10 s until t = 100, radar every scan throughout, moving at 10 kn.
    states = [
        world.state(
            k * SCAN_S,
            "T1",
            8_000.0,
            0.0,
            mmsi=MMSI,
            last_ais_s=10.0 * (min(k * SCAN_S, 100.0) // 10.0),
            last_radar_s=k * SCAN_S,
        )
        for k in range(int(279.0 / SCAN_S) + 1)
    ]
    assert _gaps(feed_states(engine, states)) == []
    assert _gaps(engine.on_tracks([], world.t0_s + 279.0)) == []
    raised = _gaps(engine.on_tracks([], world.t0_s + 280.0))
    assert [(a.state, a.severity, a.time - world.t0_s) for a in raised] == [
        (AlertState.RAISED, Severity.HIGH, 280.0)
    ]
    assert raised[0].message == f"MMSI {MMSI} silent for 3 min inside AIS coverage; radar still tracking"
    assert raised[0].evidence["gap_s"] == 180.0
    resumed = world.state(400.0, "T1", 8_000.0, 0.0, mmsi=MMSI, last_ais_s=400.0, last_radar_s=400.0)
    cleared = _gaps(engine.on_tracks([resumed], resumed.time))
    assert [(a.state, a.alert_id) for a in cleared] == [(AlertState.CLEARED, raised[0].alert_id)]
    assert cleared[0].evidence["gap_s"] == 300.0


def test_no_gap_outside_ais_coverage(world, feed_states):
    engine = world.engine()
    states = [world.state(k * 10.0, "T1", 70_000.0, 0.0, mmsi=MMSI, last_ais_s=k * 10.0) for k in range(5)]
    assert feed_states(engine, states) == []
    assert engine.on_tracks([], world.t0_s + 3_600.0) == []


def test_vessel_that_sailed_out_of_coverage_on_radar_is_not_silent(world, feed_states):
    engine = world.engine()
    heard = [world.state(0.0, "T1", 59_000.0, 0.0, mmsi=MMSI, last_ais_s=0.0, last_radar_s=0.0)]
    beyond = [
        world.state(
            k * SCAN_S, "T1", 59_000.0 + 12.8 * k, 0.0, mmsi=MMSI, last_ais_s=0.0, last_radar_s=k * SCAN_S
        )
        for k in range(1, 160)
    ]
    assert _gaps(feed_states(engine, heard + beyond, tick_s=1.0)) == []


def test_gap_survives_track_loss_and_clears_on_new_track(world, feed_states):
    engine = world.engine()
    t1 = [
        world.state(k * 10.0, "T1", 20_000.0 + 51.4 * k, 0.0, mmsi=MMSI, last_ais_s=k * 10.0)
        for k in range(4)
    ]
    coasting = [
        world.state(
            30.0 + k * SCAN_S,
            "T1",
            20_154.0 + 12.8 * k,
            0.0,
            mmsi=MMSI,
            last_ais_s=30.0,
            status=TrackStatus.COASTING,
        )
        for k in range(1, 13)
    ]
    lost = [world.state(62.5, "T1", 20_300.0, 0.0, mmsi=MMSI, last_ais_s=30.0, status=TrackStatus.LOST)]
    assert feed_states(engine, t1 + coasting + lost) == []
    assert engine.on_tracks([], world.t0_s + 209.0) == []
    raised = engine.on_tracks([], world.t0_s + 210.0)
    assert [(a.kind, a.state, a.severity, a.track_id) for a in raised] == [
        (AlertKind.AIS_GAP, AlertState.RAISED, Severity.MEDIUM, "T1")
    ]
    assert raised[0].message.endswith("not held by radar")
    t2 = world.state(900.0, "T7", 24_000.0, 0.0, mmsi=MMSI, last_ais_s=900.0, status=TrackStatus.TENTATIVE)
    cleared = engine.on_tracks([t2], t2.time)
    assert [(a.state, a.alert_id, a.track_id) for a in cleared] == [
        (AlertState.CLEARED, raised[0].alert_id, "T7")
    ]


def test_slow_vessel_gap_waits_three_reports_of_three_minutes(world, feed_states):
    engine = world.engine()
    at_anchor = world.state(0.0, "T1", 5_000.0, 0.0, sog_kn=0.2, mmsi=MMSI, last_ais_s=0.0)
    engine.on_tracks([at_anchor], at_anchor.time)
    assert engine.on_tracks([], world.t0_s + 539.0) == []
    assert [a.time - world.t0_s for a in engine.on_tracks([], world.t0_s + 540.0)] == [540.0]


def test_report_arriving_before_the_due_time_prevents_the_gap(world):
    engine = world.engine()
    first = world.state(0.0, "T1", 5_000.0, 0.0, mmsi=MMSI, last_ais_s=0.0)
    # Batched late: the update carrying the t = 170 report is processed with now = 200.
    late = world.state(200.0, "T1", 5_000.0, 0.0, mmsi=MMSI, last_ais_s=170.0)
    assert engine.on_tracks([first], first.time) == []
    assert engine.on_tracks([late], late.time) == []


def test_anchored_vessel_with_noisy_radar_speed_is_not_silent_between_3_min_reports(world, feed_states):
    engine = world.engine()
    # AIS at 0, 180 and 360 s (anchored rate); radar between reads 3.0-3.5 kn, sigma 1.9 kn.
    states = [
        world.state(
            k * SCAN_S,
            "T1",
            8_000.0,
            0.0,
            sog_kn=0.2 if k * SCAN_S % 180.0 == 0.0 else 3.0 + 0.5 * (k % 2),
            speed_sigma_kn=0.3 if k * SCAN_S % 180.0 == 0.0 else 1.9,
            mmsi=MMSI,
            last_ais_s=180.0 * (k * SCAN_S // 180.0),
            last_radar_s=k * SCAN_S,
        )
        for k in range(int(360.0 / SCAN_S) + 1)
    ]
    assert _gaps(feed_states(engine, states, tick_s=1.0)) == []


def _reporting_then_radar_only(world, east_m, *, last_ais_s, until_s, sog_before_kn, sog_after_kn):
    """AIS + radar at ``sog_before_kn`` until ``last_ais_s``, then radar only at ``sog_after_kn``."""
    return [
        world.state(
            k * SCAN_S,
            "T1",
            east_m,
            0.0,
            mmsi=MMSI,
            sog_kn=sog_before_kn if k * SCAN_S <= last_ais_s else sog_after_kn,
            last_ais_s=min(k * SCAN_S, last_ais_s),
            last_radar_s=k * SCAN_S,
        )
        for k in range(int(until_s / SCAN_S) + 1)
    ]


def test_a_vessel_that_reported_slow_keeps_its_three_minute_slot_after_speeding_up(world, feed_states):
    engine = world.engine()
    # Last report at 100 s while drifting (next due 3 min later), then off at 20 kn: the
    # gap is 180 s + 5 x 30 s, not 6 x 30 s from the last report.
    states = _reporting_then_radar_only(
        world, 8_000.0, last_ais_s=100.0, until_s=500.0, sog_before_kn=0.5, sog_after_kn=20.0
    )
    raised = _gaps(feed_states(engine, states, tick_s=1.0))
    assert [(a.state, a.time - world.t0_s, a.evidence["gap_s"]) for a in raised] == [
        (AlertState.RAISED, 430.0, 330.0)
    ]


def test_no_gap_where_reception_is_unreliable(world, feed_states):
    # 50 km from a 60 km receiver: in range, but beyond 70 % of it reports are often missed.
    far = world.engine()
    states = _reporting_then_radar_only(
        world, 50_000.0, last_ais_s=100.0, until_s=800.0, sog_before_kn=10.0, sog_after_kn=10.0
    )
    assert _gaps(feed_states(far, states, tick_s=1.0)) == []
    near = world.engine()
    states = _reporting_then_radar_only(
        world, 40_000.0, last_ais_s=100.0, until_s=800.0, sog_before_kn=10.0, sog_after_kn=10.0
    )
    assert [a.state for a in _gaps(feed_states(near, states, tick_s=1.0))] == [AlertState.RAISED]
