"""Rendezvous: a meeting pair raises once and clears on parting; passing pairs and berths do not."""

from __future__ import annotations

from fusion.schemas import AlertKind, AlertState, Severity, TrackStatus

STEP_S = 10.0


def _pair(world, steps, east_a, east_b, *, sog_kn=0.5, start_step=0, mmsi_b=222):
    """Two tracks updated every 10 s; ``east_a``/``east_b`` map a step to a position."""
    states = []
    for k in range(start_step, start_step + steps):
        t_s = k * STEP_S
        states.append(world.state(t_s, "T1", east_a(k), 0.0, sog_kn=sog_kn, mmsi=111, last_ais_s=t_s))
        states.append(
            world.state(t_s + 0.5, "T2", east_b(k), 0.0, sog_kn=sog_kn, mmsi=mmsi_b, last_ais_s=t_s + 0.5)
        )
    return states


def _rendezvous(alerts):
    return [a for a in alerts if a.kind is AlertKind.RENDEZVOUS]


def test_meeting_pair_raises_once_then_clears_on_parting(world, feed_states):
    engine = world.engine()
    together = _pair(world, 60, lambda k: 5_000.0, lambda k: 5_150.0)
    alerts = _rendezvous(feed_states(engine, together, tick_s=2.0))
    assert [(a.state, a.severity, a.track_id, a.related_track_ids) for a in alerts] == [
        (AlertState.RAISED, Severity.MEDIUM, "T1", ("T2",))
    ]
    # Together from the later state of the first close observation (t = 0.5 s), for 240 s.
    assert alerts[0].time - world.t0_s == 240.5
    assert alerts[0].evidence["distance_m"] == 150.0
    # Drifting to 500 m apart keeps it open (hysteresis); 700 m clears it.
    drifting = _pair(world, 5, lambda k: 5_000.0, lambda k: 5_500.0, start_step=60)
    assert _rendezvous(feed_states(engine, drifting)) == []
    parted = _pair(world, 2, lambda k: 5_000.0, lambda k: 5_700.0, start_step=65)
    cleared = _rendezvous(feed_states(engine, parted))
    assert [(a.state, a.alert_id) for a in cleared] == [(AlertState.CLEARED, alerts[0].alert_id)]


def test_pair_with_a_dark_vessel_is_high_and_cleared_when_lost(world, feed_states):
    engine = world.engine()
    states = []
    for k in range(30):
        states.append(
            world.state(k * STEP_S, "T1", 5_000.0, 0.0, sog_kn=1.0, mmsi=111, last_ais_s=k * STEP_S)
        )
        states.append(world.state(k * STEP_S, "T9", 5_100.0, 0.0, sog_kn=1.0, last_radar_s=k * STEP_S))
    raised = _rendezvous(feed_states(engine, states))
    assert [(a.state, a.severity) for a in raised] == [(AlertState.RAISED, Severity.HIGH)]
    lost = world.state(300.0, "T9", 5_100.0, 0.0, sog_kn=1.0, status=TrackStatus.LOST, last_radar_s=290.0)
    cleared = _rendezvous(engine.on_tracks([lost], lost.time))
    assert [(a.state, a.alert_id) for a in cleared] == [(AlertState.CLEARED, raised[0].alert_id)]


def test_passing_pairs_do_not_raise(world, feed_states):
    engine = world.engine()
    # Fast vessels passing 100 m apart for ten minutes, then slow ones close for only 3 min.
    fast = _pair(world, 60, lambda k: 5_000.0 + 51.4 * k, lambda k: 5_100.0 + 51.4 * k, sog_kn=10.0)
    brief = _pair(world, 18, lambda k: 20_000.0, lambda k: 20_000.0 + 5.0 * (k - 60) ** 2, start_step=60)
    assert _rendezvous(feed_states(engine, fast + brief, tick_s=2.0)) == []


def test_neighbours_at_berth_inside_a_port_do_not_raise(world, feed_states):
    engine = world.engine([world.rectangle("P", "port", (4_000.0, 6_000.0), (-1_000.0, 1_000.0))])
    berthed = _pair(world, 60, lambda k: 5_000.0, lambda k: 5_100.0, sog_kn=0.0)
    assert _rendezvous(feed_states(engine, berthed)) == []


def _noisy_sog_kn(k):
    """Speeds a radar-only track of a vessel drifting at 0.6 kn reads: 0.2 to 6.2 kn."""
    return 0.2 + (k * 7 % 11) * 0.6


def test_noisy_speed_slow_pair_raises(world, feed_states):
    engine = world.engine()
    # A dark drifter whose radar speed jumps to 3-6 kn (sigma 2.8 kn), beside an AIS track.
    states = []
    for k in range(40):
        t_s = k * STEP_S
        states.append(world.state(t_s, "T1", 5_000.0, 0.0, sog_kn=0.6, mmsi=111, speed_sigma_kn=0.5))
        states.append(
            world.state(
                t_s, "T9", 5_120.0, 0.0, sog_kn=_noisy_sog_kn(k), speed_sigma_kn=2.8, last_radar_s=t_s
            )
        )
    assert max(_noisy_sog_kn(k) for k in range(40)) > 6.0
    raised = _rendezvous(feed_states(engine, states, tick_s=2.0))
    assert [(a.state, a.severity, a.time - world.t0_s) for a in raised] == [
        (AlertState.RAISED, Severity.HIGH, 240.0)
    ]


def test_noisy_pair_passing_at_speed_does_not_raise(world, feed_states):
    engine = world.engine()
    # Two radar-only tracks at 10 kn (sigma 2.8 kn: 10 - 2 x 2.8 is still above 3 kn), 100 m apart.
    states = []
    for k in range(60):
        t_s = k * STEP_S
        for track_id, north_m in (("T1", 0.0), ("T2", 100.0)):
            states.append(
                world.state(t_s, track_id, 5_000.0 + 51.4 * k, north_m, speed_sigma_kn=2.8, last_radar_s=t_s)
            )
    assert _rendezvous(feed_states(engine, states, tick_s=2.0)) == []
