"""Engine: deterministic alert ids, independence from tick cadence, output order, batching."""

from __future__ import annotations

import re

from fusion.rules.lifecycle import alert_id_for
from fusion.schemas import AlertKind, to_json

SCAN_S = 2.5


def _scenario(world):
    """A dark vessel crossing a restricted zone next to a silent AIS vessel."""
    states = []
    for k in range(200):
        t_s = k * SCAN_S
        states.append(world.state(t_s, "T1", -500.0 + 12.85 * k, 0.0, last_radar_s=t_s))
        states.append(world.state(t_s + 1.0, "T2", 3_000.0, 2_000.0, mmsi=9, last_ais_s=min(t_s, 50.0) + 1.0))
    return states


def _zones(world):
    return [world.rectangle("NAVAL", "restricted", (0.0, 1_000.0), (-500.0, 500.0))]


def test_replay_gives_identical_alerts_whatever_the_tick_cadence(world, feed_states):
    every_second = feed_states(world.engine(_zones(world)), _scenario(world), tick_s=1.0)
    every_five = feed_states(world.engine(_zones(world)), _scenario(world), tick_s=5.0)
    again = feed_states(world.engine(_zones(world)), _scenario(world), tick_s=1.0)
    assert [to_json(a) for a in every_second] == [to_json(a) for a in again]
    assert {(a.alert_id, a.state, a.time) for a in every_second} == {
        (a.alert_id, a.state, a.time) for a in every_five
    }
    assert {a.kind for a in every_second} == {
        AlertKind.ZONE_ENTRY,
        AlertKind.ZONE_EXIT,
        AlertKind.DARK_VESSEL,
        AlertKind.AIS_GAP,
    }
    assert all(re.fullmatch("[0-9a-f]{16}", a.alert_id) for a in every_second)


def test_one_batch_gives_the_same_alerts_sorted_by_time(world, feed_states):
    one_by_one = feed_states(world.engine(_zones(world)), _scenario(world), tick_s=1.0)
    states = _scenario(world)
    batched = world.engine(_zones(world)).on_tracks(states, states[-1].time)
    assert [a.time for a in batched] == sorted(a.time for a in batched)
    assert {(a.alert_id, a.state) for a in batched} == {(a.alert_id, a.state) for a in one_by_one}


def test_alert_id_depends_on_kind_subject_zone_and_raise_time():
    key = (AlertKind.ZONE_ENTRY, "T1", "Z")
    assert alert_id_for(key, 100.0) == alert_id_for(key, 100.0)
    others = {
        alert_id_for((AlertKind.ZONE_EXIT, "T1", "Z"), 100.0),
        alert_id_for((AlertKind.ZONE_ENTRY, "T2", "Z"), 100.0),
        alert_id_for((AlertKind.ZONE_ENTRY, "T1", "Y"), 100.0),
        alert_id_for(key, 100.5),
    }
    assert alert_id_for(key, 100.0) not in others
    assert len(others) == 4
