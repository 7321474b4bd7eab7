"""Loitering, speeding and no-AIS-in-zone: conditions held inside a zone, per-zone settings."""

from __future__ import annotations

import dataclasses

from fusion.rules.config import DEFAULT_CONFIG
from fusion.rules.zones import ZoneKind
from fusion.schemas import AlertKind, AlertState, Severity

SCAN_S = 2.5


def _zone(world, kind="mpa", **settings):
    feature = world.rectangle("Z", kind, (0.0, 4_000.0), (-2_000.0, 2_000.0))
    feature["properties"].update(settings)
    return feature


def _track(world, track_id, start_s, end_s, east_m, *, sog_kn, mmsi=None, speed_sigma_kn=0.0, east_mps=0.0):
    """Updates every scan from ``start_s`` to ``end_s``; moves east at ``east_mps`` from ``east_m``."""
    count = int((end_s - start_s) / SCAN_S) + 1
    return [
        world.state(
            start_s + k * SCAN_S,
            track_id,
            east_m + east_mps * k * SCAN_S,
            0.0,
            sog_kn=sog_kn,
            mmsi=mmsi,
            last_ais_s=None if mmsi is None else start_s + k * SCAN_S,
            last_radar_s=start_s + k * SCAN_S,
            speed_sigma_kn=speed_sigma_kn,
        )
        for k in range(count)
    ]


def _summary(world, alerts):
    return [(a.kind, a.state, a.severity, round(a.time - world.t0_s, 1)) for a in alerts]


def test_loitering_in_a_protected_area_after_the_threshold_cleared_on_leaving(world, feed_states):
    engine = world.engine([_zone(world, "mpa")])
    drifting = _track(world, "T1", 0.0, 1_300.0, 2_000.0, sog_kn=0.8, mmsi=463000001)
    leaving = _track(world, "T1", 1_302.5, 1_320.0, 4_100.0, sog_kn=0.8, mmsi=463000001)
    alerts = [a for a in feed_states(engine, drifting + leaving, tick_s=1.0) if a.kind is AlertKind.LOITERING]
    assert _summary(world, alerts) == [
        (AlertKind.LOITERING, AlertState.RAISED, Severity.MEDIUM, 1_200.0),
        (AlertKind.LOITERING, AlertState.CLEARED, Severity.MEDIUM, 1_302.5),
    ]
    assert alerts[0].alert_id == alerts[1].alert_id and alerts[0].zone_id == "Z"


def test_loitering_threshold_per_zone_and_off_where_the_zone_says_so(world, feed_states):
    short = world.engine([_zone(world, "port", loiter_after_s=300)])
    states = _track(world, "T1", 0.0, 400.0, 2_000.0, sog_kn=0.5, mmsi=463000001)
    alerts = [a for a in feed_states(short, states, tick_s=1.0) if a.kind is AlertKind.LOITERING]
    assert _summary(world, alerts) == [(AlertKind.LOITERING, AlertState.RAISED, Severity.LOW, 300.0)]
    off = world.engine([_zone(world, "mpa", loiter_after_s=0)])
    states = _track(world, "T1", 0.0, 1_500.0, 2_000.0, sog_kn=0.5, mmsi=463000001)
    assert not [a for a in feed_states(off, states, tick_s=1.0) if a.kind is AlertKind.LOITERING]


def test_a_moving_vessel_does_not_loiter(world, feed_states):
    engine = world.engine([_zone(world, "restricted")])
    # 6 kn round and round inside: never slow, so never loitering (noisy radar speed allowed for).
    states = _track(world, "T1", 0.0, 1_500.0, 2_000.0, sog_kn=6.0, mmsi=463000001, speed_sigma_kn=0.5)
    assert not [a for a in feed_states(engine, states, tick_s=1.0) if a.kind is AlertKind.LOITERING]


def test_speeding_raised_after_confirmation_escalated_then_cleared(world, feed_states):
    engine = world.engine([_zone(world, "port", speed_limit_kn=8)])
    fast = _track(world, "T1", 0.0, 20.0, 500.0, sog_kn=11.0, mmsi=463000001)
    faster = _track(world, "T1", 22.5, 30.0, 600.0, sog_kn=14.0, mmsi=463000001)
    slowed = _track(world, "T1", 32.5, 40.0, 700.0, sog_kn=7.0, mmsi=463000001)
    alerts = [
        a for a in feed_states(engine, fast + faster + slowed, tick_s=1.0) if a.kind is AlertKind.SPEEDING
    ]
    assert _summary(world, alerts) == [
        (AlertKind.SPEEDING, AlertState.RAISED, Severity.MEDIUM, 7.5),
        (AlertKind.SPEEDING, AlertState.UPDATED, Severity.HIGH, 22.5),
        (AlertKind.SPEEDING, AlertState.CLEARED, Severity.HIGH, 32.5),
    ]
    assert len({a.alert_id for a in alerts}) == 1
    assert alerts[0].evidence["speed_limit_kn"] == 8.0


def test_speed_within_its_uncertainty_of_the_limit_is_not_speeding(world, feed_states):
    engine = world.engine([_zone(world, "port", speed_limit_kn=8)])
    # 9.5 kn with a 1 kn sigma (radar only): not significantly above 8 kn.
    states = _track(world, "T1", 0.0, 60.0, 500.0, sog_kn=9.5, speed_sigma_kn=1.0)
    assert not [a for a in feed_states(engine, states, tick_s=1.0) if a.kind is AlertKind.SPEEDING]


def test_no_ais_in_a_zone_that_requires_it_until_identified(world, feed_states):
    engine = world.engine([_zone(world, "tss", require_ais=True)])
    dark = _track(world, "T1", 0.0, 150.0, 500.0, sog_kn=10.0)
    identified = _track(world, "T1", 152.5, 155.0, 500.0, sog_kn=10.0, mmsi=463000001)
    alerts = [
        a for a in feed_states(engine, dark + identified, tick_s=1.0) if a.kind is AlertKind.NO_AIS_IN_ZONE
    ]
    assert _summary(world, alerts) == [
        (AlertKind.NO_AIS_IN_ZONE, AlertState.RAISED, Severity.HIGH, 120.0),
        (AlertKind.NO_AIS_IN_ZONE, AlertState.CLEARED, Severity.HIGH, 152.5),
    ]


def test_no_ais_only_where_required_by_zone_or_config(world, feed_states):
    dark = _track(world, "T1", 0.0, 150.0, 500.0, sog_kn=10.0)
    plain = world.engine([_zone(world, "tss")])
    assert not [a for a in feed_states(plain, dark, tick_s=1.0) if a.kind is AlertKind.NO_AIS_IN_ZONE]
    config = dataclasses.replace(DEFAULT_CONFIG, require_ais_kinds=frozenset({ZoneKind.TSS}))
    by_kind = world.engine([_zone(world, "tss")], config)
    dark = _track(world, "T1", 0.0, 150.0, 500.0, sog_kn=10.0)
    assert [a.kind for a in feed_states(by_kind, dark, tick_s=1.0) if a.kind is AlertKind.NO_AIS_IN_ZONE] == [
        AlertKind.NO_AIS_IN_ZONE
    ]
