"""The picture at time T is a pure query of what was read: the same whatever route led to T."""

from __future__ import annotations

import random

import pytest

from dashboard.history import History, HistoryConfig
from fusion.schemas import AlertAck, AlertState, TrackStatus
from tests.unit.dashboard.records import T0, alert, static, track


def _records():
    """Three tracks over 10 minutes (one lost at +300 s, one tentative), alerts, static data."""
    out = []
    for i in range(0, 600, 5):
        t = T0 + i
        out.append(track("T1", t, lon=66.9 + i * 1e-4))
        out.append(track("T2", t, mmsi=None, radar_ids=("MANORA",), lat=24.6 + i * 1e-4))
        if i <= 300:
            out.append(track("T3", t, status=TrackStatus.LOST if i == 300 else TrackStatus.CONFIRMED))
    out.append(track("T4", T0 + 100, status=TrackStatus.TENTATIVE))
    out += [alert("A1", T0 + 120), alert("A1", T0 + 400, state=AlertState.CLEARED), alert("A2", T0 + 200)]
    out.append(static(time=T0 + 50))
    return out


def _load(records) -> History:
    history = History()
    for record in records:
        if hasattr(record, "track_id") and not hasattr(record, "alert_id"):
            history.add_track(record)
        elif hasattr(record, "alert_id"):
            history.add_alert(record)
        else:
            history.add_static(record)
    return history


def _summary(picture):
    return (
        picture.time,
        {k: (v.state, v.trail_lon, v.trail_lat) for k, v in picture.tracks.items()},
        [(a.alert, a.ack) for a in picture.alerts],
        picture.statics,
    )


def test_picture_at_t_does_not_depend_on_later_data_or_arrival_order():
    records = _records()
    full = _load(records)
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)  # late arrivals, as from two Kafka partitions
    reordered = _load(shuffled)
    for t in (T0 + 60, T0 + 250, T0 + 301, T0 + 599):
        only_up_to_t = _load([r for r in records if r.time <= t])  # the live page at t
        assert _summary(full.picture_at(t)) == _summary(only_up_to_t.picture_at(t))
        assert _summary(full.picture_at(t)) == _summary(reordered.picture_at(t))


def test_lost_and_tentative_tracks_are_not_drawn():
    history = _load(_records())
    assert set(history.picture_at(T0 + 200).tracks) == {"T1", "T2", "T3"}
    assert set(history.picture_at(T0 + 300).tracks) == {"T1", "T2"}  # T3 lost at +300 s
    assert set(history.picture_at(T0 - 1).tracks) == set()
    shown = History(HistoryConfig(show_tentative=True))
    shown.add_track(track("T4", T0, status=TrackStatus.TENTATIVE))
    assert set(shown.picture_at(T0).tracks) == {"T4"}


def test_trail_is_thinned_and_ends_at_the_current_position():
    history = History(HistoryConfig(trail_s=300.0, trail_points=10))
    for i in range(0, 600):
        history.add_track(track("T1", T0 + i, lon=66.0 + i * 1e-3))
    view = history.picture_at(T0 + 599).tracks["T1"]
    assert 10 <= len(view.trail_lon) <= 12
    assert view.trail_lon[-1] == view.state.lon == 66.0 + 599e-3
    assert min(view.trail_lon) >= 66.0 + 299e-3  # nothing older than trail_s


def test_alerts_latest_state_newest_first_and_acks_from_their_time_on():
    history = _load(_records())
    history.add_ack(AlertAck(alert_id="A2", officer="Amina Qureshi", username="officer", time=T0 + 250))
    at_300 = history.picture_at(T0 + 300)
    assert [(a.alert.alert_id, a.alert.state) for a in at_300.alerts] == [("A2", "raised"), ("A1", "raised")]
    assert at_300.alerts[0].ack.officer == "Amina Qureshi"
    assert history.picture_at(T0 + 240).alerts[0].ack is None  # before the officer acknowledged it
    at_500 = history.picture_at(T0 + 500)
    assert at_500.alerts[0].alert.state == "cleared" and at_500.alerts[0].raised_time == T0 + 120
    assert [a.alert.alert_id for a in at_500.open_alerts] == ["A2"]


def test_feed_health_rate_age_rejects_and_stall_in_event_time():
    history = History(HistoryConfig(stall_after_s=30.0))
    for i in range(0, 120):
        history.add_feed_message("radar", "MANORA", T0 + i)  # 1 plot/s for two minutes
    for i in range(0, 60, 10):
        history.add_feed_message("ais", "KHI-AIS", T0 + i)  # then silent
    history.add_reject("KHI-AIS", T0 + 5)
    history.add_track(track("T1", T0 + 119))
    feeds = {f.source: f for f in history.picture_at(T0 + 119).feeds}
    assert (
        feeds["MANORA"].messages_per_s == 1.0 and feeds["MANORA"].age_s == 0 and not feeds["MANORA"].stalled
    )
    assert feeds["KHI-AIS"].age_s == 69 and feeds["KHI-AIS"].stalled and feeds["KHI-AIS"].rejects == 1
    assert not {f.source: f for f in history.picture_at(T0 + 60).feeds}["KHI-AIS"].stalled


def test_statics_are_the_latest_identity_at_t():
    history = History()
    history.add_static(static(time=T0, name="OLD NAME"))
    history.add_static(static(time=T0 + 100, name="NEW NAME"))
    assert history.picture_at(T0 + 50).statics[463373736].name == "OLD NAME"
    assert history.picture_at(T0 + 100).statics[463373736].name == "NEW NAME"


def test_window_queries_for_export():
    history = _load(_records())
    states = history.states_between(T0 + 100, T0 + 110)
    assert {s.time for s in states} == {T0 + 100, T0 + 105, T0 + 110}
    assert states == sorted(states, key=lambda s: (s.time, s.track_id))
    assert [a.alert_id for a in history.alerts_between(T0 + 150, T0 + 450)] == ["A2", "A1"]


def _long_watch(retention_s: float | None) -> History:
    """Two hours: T1 all along, T3 lost after 20 min; A1 raised and cleared early, A2 raised
    early and still open, A3 late; rejects and feed messages throughout."""
    history = History(HistoryConfig(retention_s=retention_s))
    for i in range(0, 7200, 5):
        t = T0 + i
        history.add_track(track("T1", t, lon=66.9 + i * 1e-5))
        if i <= 1200:
            history.add_track(track("T3", t, status=TrackStatus.LOST if i == 1200 else TrackStatus.CONFIRMED))
        history.add_feed_message("radar", "MANORA", t)
        if i % 600 == 0:
            history.add_reject("ais.nmea", t)
            history.add_static(static(time=t, name=f"NAME {i}"))
        if i == 300:
            history.add_alert(alert("A1", t))
            history.add_alert(alert("A2", t, track_id="T3"))
            history.add_ack(AlertAck(alert_id="A2", officer="Amina Qureshi", username="officer", time=t + 5))
        if i == 900:
            history.add_alert(alert("A1", t, state=AlertState.CLEARED))
        if i == 7000:
            history.add_alert(alert("A3", t))
        history.trim()
    return history


def test_retention_bounds_the_history_and_keeps_the_window_exact():
    kept, full = _long_watch(1800.0), _long_watch(None)
    assert full.start == T0 and kept.end == full.end == T0 + 7195
    assert T0 + 7195 - 1800 - 60 <= kept.start <= T0 + 7195 - 1800  # trimmed once a minute
    # bounded: the window, a trail before it, and the state before that (one state per 5 s)
    assert len(kept.tracks["T1"].times) <= (1800 + 60 + 300) / 5 + 1
    assert len(kept.feeds[("radar", "MANORA")].times) <= (1800 + 60 + 300) / 5 + 1
    assert "T3" not in kept.tracks  # lost long before the window
    for t in (kept.start, kept.start + 1, kept.start + 400, kept.end):
        summary, expected = _summary(kept.picture_at(t)), _summary(full.picture_at(t))
        # the one difference: A1, cleared before the window, has left the panel
        assert [a for a in expected[2] if a[0].alert_id != "A1"] == summary[2]
        assert summary[:2] == expected[:2] and summary[3] == expected[3]
        assert kept.picture_at(t).feeds == full.picture_at(t).feeds
        assert kept.rejects_at(t) == full.rejects_at(t)  # counts stay cumulative
    assert kept.rejects_at(kept.end) == {"ais.nmea": 12}
    a2 = next(a for a in kept.picture_at(kept.end).alerts if a.alert.alert_id == "A2")
    assert a2.raised_time == T0 + 300 and a2.ack.officer == "Amina Qureshi"  # open: kept with its ack


def test_retention_shorter_than_a_trail_is_refused():
    with pytest.raises(ValueError, match=r"retention_s=100\.0 is shorter than a trail"):
        HistoryConfig(retention_s=100.0)
