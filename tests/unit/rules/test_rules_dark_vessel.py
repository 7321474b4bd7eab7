"""Dark vessel: raised exactly at its threshold inside AIS coverage, cleared on identification."""

from __future__ import annotations

from fusion.schemas import AlertKind, AlertState, Severity, TrackStatus

SCAN_S = 2.5


def _radar_track(world, track_id, until_s, *, east_m=10_000.0, sog_kn=10.0):
    """A radar-only track updated every scan from t = 0 up to ``until_s`` (inclusive)."""
    count = int(until_s / SCAN_S) + 1
    return [
        world.state(k * SCAN_S, track_id, east_m, 0.0, sog_kn=sog_kn, last_radar_s=k * SCAN_S)
        for k in range(count)
    ]


def test_raised_exactly_at_threshold_and_cleared_on_binding(world, feed_states):
    engine = world.engine()
    assert feed_states(engine, _radar_track(world, "T1", 117.5)) == []
    assert engine.on_tracks([], world.t0_s + 119.0) == []
    raised = engine.on_tracks([], world.t0_s + 120.0)
    assert [(a.kind, a.state, a.severity) for a in raised] == [
        (AlertKind.DARK_VESSEL, AlertState.RAISED, Severity.HIGH)
    ]
    assert raised[0].time == world.t0_s + 120.0
    assert raised[0].mmsi is None
    assert raised[0].evidence["dark_s"] == 120.0
    assert engine.on_tracks([], world.t0_s + 300.0) == []  # never raised twice
    bound = world.state(301.0, "T1", 10_000.0, 0.0, mmsi=463000123, last_ais_s=301.0, last_radar_s=300.0)
    cleared = engine.on_tracks([bound], bound.time)
    assert [(a.kind, a.state, a.alert_id) for a in cleared] == [
        (AlertKind.DARK_VESSEL, AlertState.CLEARED, raised[0].alert_id)
    ]
    assert cleared[0].mmsi == 463000123
    assert "identified as MMSI 463000123" in cleared[0].message


def test_slow_vessel_waits_for_two_class_b_intervals(world, feed_states):
    engine = world.engine()
    alerts = feed_states(engine, _radar_track(world, "T1", 400.0, sog_kn=1.0), tick_s=1.0)
    assert [a.time - world.t0_s for a in alerts] == [360.0]


def test_outside_ais_coverage_is_not_dark(world, feed_states):
    engine = world.engine()
    # 59.8 km from the receiver: inside its 60 km range but not by the 500 m margin.
    assert feed_states(engine, _radar_track(world, "T1", 600.0, east_m=59_800.0), tick_s=1.0) == []


def test_identified_before_threshold_and_tentative_tracks_never_raise(world, feed_states):
    engine = world.engine()
    tentative = [
        world.state(k * SCAN_S, "T2", 5_000.0, 0.0, status=TrackStatus.TENTATIVE, last_radar_s=k * SCAN_S)
        for k in range(100)
    ]
    assert feed_states(engine, tentative, tick_s=1.0) == []
    states = _radar_track(world, "T1", 100.0)
    states.append(world.state(102.5, "T1", 10_000.0, 0.0, mmsi=5, last_ais_s=102.0, last_radar_s=102.5))
    assert feed_states(engine, states) == []
    later = engine.on_tracks([], world.t0_s + 600.0)
    assert AlertKind.DARK_VESSEL not in {a.kind for a in later}


def test_lost_dark_track_is_cleared_when_no_successor_turns_up(world, feed_states):
    engine = world.engine()
    raised = feed_states(engine, _radar_track(world, "T1", 130.0))
    assert [a.state for a in raised] == [AlertState.RAISED]
    lost = world.state(140.0, "T1", 10_000.0, 0.0, status=TrackStatus.LOST, last_radar_s=130.0)
    assert engine.on_tracks([lost], lost.time) == []  # a successor may still take it over
    assert engine.on_tracks([], world.t0_s + 319.0) == []
    cleared = engine.on_tracks([], world.t0_s + 320.0)
    assert [(a.state, a.alert_id, a.time - world.t0_s) for a in cleared] == [
        (AlertState.CLEARED, raised[0].alert_id, 320.0)
    ]
    assert "track lost" in cleared[0].message


def test_a_re_acquired_dark_boat_keeps_its_incident(world, feed_states):
    """The tracker loses a 25 kn boat in a hard turn and starts a new track 30 s later nearby."""
    engine = world.engine()
    speed_mps = 25.0 * 0.514444
    before = [
        world.state(
            k * SCAN_S, "T1", 10_000.0 + speed_mps * k * SCAN_S, 0.0, sog_kn=25.0, last_radar_s=k * SCAN_S
        )
        for k in range(int(150.0 / SCAN_S) + 1)
    ]
    lost = world.state(
        170.0, "T1", before[-1].east_m, 0.0, status=TrackStatus.LOST, sog_kn=25.0, last_radar_s=150.0
    )
    # Turned north: 30 s after the last update it is ~300 m off the eastward prediction.
    start_e = before[-1].east_m + 250.0
    after = [
        world.state(
            180.0 + k * SCAN_S,
            "T7",
            start_e,
            300.0 + speed_mps * k * SCAN_S,
            sog_kn=25.0,
            cog_deg=0.0,
            last_radar_s=180.0 + k * SCAN_S,
        )
        for k in range(int(200.0 / SCAN_S))
    ]
    alerts = [
        a for a in feed_states(engine, [*before, lost, *after], tick_s=1.0) if a.kind is AlertKind.DARK_VESSEL
    ]
    assert [(a.state, a.track_id, a.time - world.t0_s) for a in alerts] == [
        (AlertState.RAISED, "T1", 120.0),
        (AlertState.UPDATED, "T7", 300.0),
    ]
    assert alerts[0].alert_id == alerts[1].alert_id
    assert alerts[1].evidence["previous_track_id"] == "T1"


def test_a_distant_new_dark_track_is_a_new_incident(world, feed_states):
    engine = world.engine()
    states = _radar_track(world, "T1", 150.0)
    states.append(world.state(160.0, "T1", 10_000.0, 0.0, status=TrackStatus.LOST, last_radar_s=150.0))
    far = [
        world.state(170.0 + k * SCAN_S, "T8", 25_000.0, 0.0, last_radar_s=170.0 + k * SCAN_S)
        for k in range(60)
    ]
    alerts = [a for a in feed_states(engine, states + far, tick_s=1.0) if a.kind is AlertKind.DARK_VESSEL]
    assert [(a.state, a.track_id) for a in alerts] == [
        (AlertState.RAISED, "T1"),
        (AlertState.RAISED, "T8"),
    ]


def test_noisy_track_that_may_be_slow_waits_the_slow_time(world, feed_states):
    engine = world.engine()
    # 4 kn read with sigma 2 kn (e.g. an anchored vessel's radar duplicate): maybe slow, so
    # maybe a 3 min AIS reporter: 360 s. The same speed measured precisely is moving: 120 s.
    noisy = [
        world.state(k * SCAN_S, "T1", 10_000.0, 0.0, sog_kn=4.0, speed_sigma_kn=2.0, last_radar_s=k * SCAN_S)
        for k in range(161)
    ]
    precise = [
        world.state(k * SCAN_S, "T2", 20_000.0, 0.0, sog_kn=4.0, speed_sigma_kn=0.3, last_radar_s=k * SCAN_S)
        for k in range(161)
    ]
    alerts = feed_states(engine, sorted(noisy + precise, key=lambda s: s.time), tick_s=1.0)
    assert [(a.track_id, a.time - world.t0_s) for a in alerts] == [("T2", 120.0), ("T1", 360.0)]


def test_a_successor_that_appears_while_the_old_track_still_coasts_takes_over(world, feed_states):
    engine = world.engine()
    old = _radar_track(world, "T1", 400.0, sog_kn=1.0)
    coasting = [
        world.state(t, "T1", 10_000.0, 0.0, sog_kn=1.0, status=TrackStatus.COASTING, last_radar_s=400.0)
        for t in (405.0, 415.0, 425.0)
    ]
    new = [
        world.state(402.5 + k * SCAN_S, "T2", 10_300.0, 200.0, last_radar_s=402.5 + k * SCAN_S)
        for k in range(60)
    ]
    states = sorted([*old, *coasting, *new], key=lambda s: s.time)
    alerts = [a for a in feed_states(engine, states, tick_s=1.0) if a.kind is AlertKind.DARK_VESSEL]
    assert [(a.state, a.track_id, a.time - world.t0_s) for a in alerts] == [
        (AlertState.RAISED, "T1", 360.0),
        (AlertState.UPDATED, "T2", 522.5),
    ]


def _slow_boat_lost_then_re_acquired(world, *, identified_at_s: float | None = None):
    """A dark boat at 20 kn, raised at 120 s, brakes hard beside a ship; its track overshoots
    and is lost at 150 s, and a new track picks the boat up at rest 400 m behind. At 1 kn
    the new track's timer runs 360 s, longer than the 180 s hand-over window."""
    speed_mps = 20.0 * 0.514444
    before = [
        world.state(k * SCAN_S, "T1", speed_mps * k * SCAN_S, 0.0, sog_kn=20.0, last_radar_s=k * SCAN_S)
        for k in range(int(140.0 / SCAN_S) + 1)
    ]
    lost = world.state(150.0, "T1", before[-1].east_m + 100.0, 0.0, status=TrackStatus.LOST, sog_kn=20.0)
    after = []
    for k in range(int(420.0 / SCAN_S)):
        t = 150.0 + k * SCAN_S
        mmsi = 463000099 if identified_at_s is not None and t >= identified_at_s else None
        after.append(
            world.state(
                t, "T2", lost.east_m - 400.0, 0.0, sog_kn=1.0, mmsi=mmsi,
                last_ais_s=identified_at_s if mmsi else None, last_radar_s=t,
            )
        )  # fmt: skip
    return [*before, lost, *after]


def test_a_slow_successor_keeps_the_incident_past_the_hand_over_window(world, feed_states):
    engine = world.engine()
    alerts = [
        a
        for a in feed_states(engine, _slow_boat_lost_then_re_acquired(world), tick_s=1.0)
        if a.kind is AlertKind.DARK_VESSEL
    ]
    assert [(a.state, a.track_id, a.time - world.t0_s) for a in alerts] == [
        (AlertState.RAISED, "T1", 120.0),
        (AlertState.UPDATED, "T2", 510.0),
    ]
    assert alerts[0].alert_id == alerts[1].alert_id


def test_a_held_incident_is_cleared_when_its_would_be_successor_is_identified(world, feed_states):
    engine = world.engine()
    states = _slow_boat_lost_then_re_acquired(world, identified_at_s=400.0)
    alerts = [a for a in feed_states(engine, states, tick_s=1.0) if a.kind is AlertKind.DARK_VESSEL]
    assert [(a.state, a.track_id) for a in alerts] == [(AlertState.RAISED, "T1"), (AlertState.CLEARED, "T1")]
    assert 400.0 <= alerts[1].time - world.t0_s <= 401.0
    assert "may have continued it is not dark" in alerts[1].message
