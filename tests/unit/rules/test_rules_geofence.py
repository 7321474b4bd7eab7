"""Geofence: one entry and one exit per crossing, no flapping on the edge, time-based commits."""

from __future__ import annotations

from fusion.rules.config import RulesConfig
from fusion.schemas import AlertKind, AlertState, Severity, TrackStatus

ZONE_E_M = (0.0, 2000.0)
ZONE_N_M = (-1000.0, 1000.0)
SCAN_S = 2.5
NO_STARTUP = RulesConfig(geofence_startup_s=0.0)
"""For tests whose track starts the stream but whose subject is not the start-up picture."""


def _transitions(alerts):
    return [(a.kind, a.state) for a in alerts]


def test_crossing_gives_one_entry_then_one_exit(world, feed_states):
    engine = world.engine([world.rectangle("Z", "restricted", ZONE_E_M, ZONE_N_M)])
    # 10 kn = 5.14 m/s eastwards from 500 m west of the zone to 500 m east of it.
    states = [
        world.state(k * SCAN_S, "T1", -500.0 + 5.14 * SCAN_S * k, 0.0, mmsi=7, last_ais_s=k * SCAN_S)
        for k in range(240)
    ]
    alerts = feed_states(engine, states, tick_s=1.0)
    assert _transitions(alerts) == [
        (AlertKind.ZONE_ENTRY, AlertState.RAISED),
        (AlertKind.ZONE_ENTRY, AlertState.CLEARED),
        (AlertKind.ZONE_EXIT, AlertState.RAISED),
    ]
    entry, cleared, exit_ = alerts
    assert entry.alert_id == cleared.alert_id != exit_.alert_id
    assert entry.zone_id == exit_.zone_id == "Z"
    assert entry.severity is Severity.HIGH
    # Entry commits on the second update inside the zone (first inside at x = 0 .. 12.85 m).
    first_inside_s = min(s.time for s in states if s.east_m >= 0.0) - world.t0_s
    assert entry.time - world.t0_s == first_inside_s + SCAN_S
    # Exit needs 3 sigma beyond the edge, at least 15 m (an exact track: 15 m), confirmed on
    # a second update.
    assert exit_.evidence["dwell_s"] > 0
    exit_state = next(s for s in states if s.time == exit_.time)
    assert 2015.0 < exit_state.east_m < 2015.0 + 3 * 5.14 * SCAN_S
    assert "T1 (MMSI 7) entered restricted zone Z" in entry.message


def test_edge_sitter_jittering_across_the_edge_raises_nothing(world, feed_states):
    engine = world.engine([world.rectangle("Z", "restricted", ZONE_E_M, ZONE_N_M)])
    # Alternately 20 m inside and 20 m outside the west edge, for ten minutes.
    states = [world.state(k * SCAN_S, "T1", 20.0 if k % 2 else -20.0, 0.0, sog_kn=0.5) for k in range(240)]
    assert feed_states(engine, states, tick_s=1.0) == []


def test_vessel_inside_sitting_on_the_edge_does_not_exit(world, feed_states):
    """A radar track known to 20 m (exit band 50 m) wanders 40 m out twice in three updates."""
    engine = world.engine([world.rectangle("Z", "mpa", ZONE_E_M, ZONE_N_M)], config=NO_STARTUP)
    inside = [world.state(k * SCAN_S, "T1", 300.0, 0.0, position_sigma_m=20.0) for k in range(4)]
    jitter = [
        world.state((4 + k) * SCAN_S, "T1", -40.0 if k % 3 else 15.0, 0.0, position_sigma_m=20.0)
        for k in range(200)
    ]
    alerts = feed_states(engine, inside + jitter, tick_s=1.0)
    assert _transitions(alerts) == [(AlertKind.ZONE_ENTRY, AlertState.RAISED)]
    assert alerts[0].severity is Severity.MEDIUM


def test_sparse_ais_track_commits_after_confirm_time(world):
    engine = world.engine([world.rectangle("Z", "port", ZONE_E_M, ZONE_N_M)])
    outside = world.state(0.0, "T1", -100.0, 0.0, sog_kn=1.0, mmsi=1, last_ais_s=0.0)
    inside = world.state(180.0, "T1", 50.0, 0.0, sog_kn=1.0, mmsi=1, last_ais_s=180.0)
    assert engine.on_tracks([outside], outside.time) == []
    assert engine.on_tracks([inside], inside.time) == []
    assert engine.on_tracks([], inside.time + 9.0) == []
    alerts = engine.on_tracks([], inside.time + 10.0)
    assert _transitions(alerts) == [(AlertKind.ZONE_ENTRY, AlertState.RAISED)]
    assert alerts[0].time == inside.time + 10.0
    assert alerts[0].severity is Severity.INFO
    assert alerts[0].mmsi == 1


def test_first_fix_inside_alerts_only_for_restricted_and_mpa(world, feed_states):
    engine = world.engine(
        [
            world.rectangle("R", "restricted", ZONE_E_M, ZONE_N_M),
            world.rectangle("A", "anchorage", ZONE_E_M, ZONE_N_M),
        ],
        config=NO_STARTUP,
    )
    born_inside = [world.state(k * SCAN_S, "T1", 1000.0, 0.0) for k in range(3)]
    alerts = feed_states(engine, born_inside)
    assert [(a.kind, a.zone_id) for a in alerts] == [(AlertKind.ZONE_ENTRY, "R")]
    # Leaving: the anchorage exit is still reported though its entry never was.
    leaving = [world.state((3 + k) * SCAN_S, "T1", 2200.0, 0.0) for k in range(2)]
    alerts = feed_states(engine, leaving)
    assert sorted((a.kind, a.state, a.zone_id) for a in alerts) == [
        (AlertKind.ZONE_ENTRY, AlertState.CLEARED, "R"),
        (AlertKind.ZONE_EXIT, AlertState.RAISED, "A"),
        (AlertKind.ZONE_EXIT, AlertState.RAISED, "R"),
    ]


def test_tentative_updates_are_ignored_and_lost_track_clears_entry(world, feed_states):
    engine = world.engine([world.rectangle("Z", "restricted", ZONE_E_M, ZONE_N_M)], config=NO_STARTUP)
    tentative = [
        world.state(k * SCAN_S, "T1", -100.0 + 60 * k, 0.0, status=TrackStatus.TENTATIVE) for k in range(4)
    ]
    assert feed_states(engine, tentative) == []
    confirmed = [world.state((4 + k) * SCAN_S, "T1", 200.0, 0.0) for k in range(2)]
    assert _transitions(feed_states(engine, confirmed)) == [(AlertKind.ZONE_ENTRY, AlertState.RAISED)]
    lost = world.state(6 * SCAN_S, "T1", 200.0, 0.0, status=TrackStatus.LOST)
    alerts = engine.on_tracks([lost], lost.time)
    assert _transitions(alerts) == [(AlertKind.ZONE_ENTRY, AlertState.CLEARED)]
    assert "track lost" in alerts[0].message


def test_tracks_of_the_start_up_picture_start_inside_silently(world, feed_states):
    engine = world.engine([world.rectangle("R", "restricted", ZONE_E_M, ZONE_N_M)])
    # T1 is inside when the system starts: found there, not seen entering; its exit is real.
    already_inside = [world.state(k * SCAN_S, "T1", 1900.0 + 5.14 * SCAN_S * k, 0.0) for k in range(20)]
    alerts = feed_states(engine, already_inside, tick_s=1.0)
    assert [(a.kind, a.state) for a in alerts] == [(AlertKind.ZONE_EXIT, AlertState.RAISED)]
    # T2 appears inside after start-up (180 s): that still matters however it got there.
    appears = [world.state(200.0 + k * SCAN_S, "T2", 1000.0, 0.0) for k in range(3)]
    alerts = feed_states(engine, appears)
    assert [(a.kind, a.state, a.track_id) for a in alerts] == [
        (AlertKind.ZONE_ENTRY, AlertState.RAISED, "T2")
    ]


def test_coasting_predictions_neither_enter_nor_exit(world, feed_states):
    engine = world.engine([world.rectangle("P", "port", ZONE_E_M, ZONE_N_M)])
    # Measured 100 m short of the zone, then predicted into it after the vessel vanished.
    measured = [world.state(k * SCAN_S, "T1", -150.0 + 25.0 * k, 0.0, mmsi=1) for k in range(3)]
    coasting = [
        world.state(10.0 + k, "T1", 100.0 + 5.0 * k, 0.0, mmsi=1, status=TrackStatus.COASTING)
        for k in range(3)
    ]
    assert feed_states(engine, measured + coasting, tick_s=1.0) == []
    assert engine.on_tracks([], world.t0_s + 60.0) == []
    # A track inside (silently: a port) whose prediction runs out of the zone does not exit;
    # measured outside, it does.
    inside = [world.state(100.0 + k * SCAN_S, "T2", 1950.0, 0.0, mmsi=2) for k in range(2)]
    predicted_out = [
        world.state(110.0 + k, "T2", 2100.0 + 5.0 * k, 0.0, mmsi=2, status=TrackStatus.COASTING)
        for k in range(3)
    ]
    assert feed_states(engine, inside + predicted_out, tick_s=1.0) == []
    assert engine.on_tracks([], world.t0_s + 200.0) == []
    measured_out = [world.state(200.0 + k * SCAN_S, "T2", 2150.0, 0.0, mmsi=2) for k in range(2)]
    alerts = feed_states(engine, measured_out)
    assert [(a.kind, a.state, a.track_id) for a in alerts] == [(AlertKind.ZONE_EXIT, AlertState.RAISED, "T2")]


def test_exit_band_scales_with_the_track_uncertainty(world, feed_states):
    """At 7 kn an AIS track known to 5 m is out 15 m past the edge; a radar track known to
    30 m needs 50 m (the cap), as the fixed band did for everyone."""
    speed_mps = 7.0 * 0.514444
    exits = {}
    for sigma_m in (5.0, 30.0):
        engine = world.engine([world.rectangle("Z", "mpa", ZONE_E_M, ZONE_N_M)], config=NO_STARTUP)
        states = [
            world.state(k * 1.0, "T1", 1900.0 + speed_mps * k, 0.0, sog_kn=7.0, position_sigma_m=sigma_m)
            for k in range(60)
        ]
        alerts = [a for a in feed_states(engine, states, tick_s=1.0) if a.kind is AlertKind.ZONE_EXIT]
        exits[sigma_m] = next(s for s in states if s.time == alerts[0].time).east_m - 2000.0
    assert 15.0 <= exits[5.0] < 15.0 + 2 * speed_mps
    assert 50.0 <= exits[30.0] < 50.0 + 2 * speed_mps
