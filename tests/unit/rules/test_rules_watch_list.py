"""Vessel of interest: watch-listed MMSI, IMO number or name raises an alert on sight."""

from __future__ import annotations

import dataclasses

from fusion.rules.config import DEFAULT_CONFIG, WatchList
from fusion.schemas import AisStatic, AlertKind, AlertState, Severity, TrackStatus


def _config(**watch):
    return dataclasses.replace(DEFAULT_CONFIG, watch_list=WatchList(**watch))


def _sighting(world, track_id, mmsi, start_s, end_s):
    return [
        world.state(t, track_id, 1_000.0, 0.0, mmsi=mmsi, last_ais_s=t)
        for t in range(int(start_s), int(end_s), 10)
    ]


def _of_interest(alerts):
    return [a for a in alerts if a.kind is AlertKind.VESSEL_OF_INTEREST]


def test_listed_mmsi_raises_on_sight_and_clears_when_lost(world, feed_states):
    engine = world.engine(config=_config(mmsi=frozenset({463000042})))
    states = _sighting(world, "T1", 463000001, 0, 50) + _sighting(world, "T2", 463000042, 0, 50)
    states.sort(key=lambda s: s.time)
    raised = _of_interest(feed_states(engine, states))
    assert [(a.state, a.severity, a.mmsi, a.time - world.t0_s) for a in raised] == [
        (AlertState.RAISED, Severity.HIGH, 463000042, 0.0)
    ]
    lost = world.state(60.0, "T2", 1_000.0, 0.0, status=TrackStatus.LOST, mmsi=463000042, last_ais_s=40.0)
    cleared = _of_interest(engine.on_tracks([lost], lost.time))
    assert [(a.state, a.alert_id) for a in cleared] == [(AlertState.CLEARED, raised[0].alert_id)]
    again = _of_interest(feed_states(engine, _sighting(world, "T5", 463000042, 500, 510)))
    assert [a.state for a in again] == [AlertState.RAISED] and again[0].alert_id != raised[0].alert_id


def test_name_or_imo_from_static_data_reveals_a_vessel_already_in_sight(world, feed_states):
    engine = world.engine(config=_config(names=frozenset({"Sea  Ghost"}), imo=frozenset({9123456})))
    assert _of_interest(feed_states(engine, _sighting(world, "T1", 463000001, 0, 30))) == []
    static = AisStatic(time=world.t0_s + 35.0, mmsi=463000001, msg_type=5, name="SEA GHOST@@@@")
    by_name = _of_interest(engine.on_static(static))
    assert [(a.state, a.track_id, a.evidence["matched"]) for a in by_name] == [
        (AlertState.RAISED, "T1", "name")
    ]
    other = AisStatic(time=world.t0_s + 36.0, mmsi=463000002, msg_type=5, name="X", imo=9123456)
    assert engine.on_static(other) == []  # not in sight yet
    seen = _of_interest(feed_states(engine, _sighting(world, "T2", 463000002, 40, 50)))
    assert [(a.state, a.evidence["matched"]) for a in seen] == [(AlertState.RAISED, "imo")]


def test_no_watch_list_no_alerts(world, feed_states):
    engine = world.engine()
    assert engine.on_static(AisStatic(time=world.t0_s, mmsi=463000042, msg_type=5, name="ANY")) == []
    assert _of_interest(feed_states(engine, _sighting(world, "T1", 463000042, 0, 30))) == []
