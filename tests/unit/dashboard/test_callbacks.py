"""The page's behaviour as plain functions: replay clock, status, alerts, table, acknowledgement."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.callbacks import clicked_index, view_box
from dashboard.clock import next_clock, seek_from_slider, slider_marks
from dashboard.history import History
from dashboard.views import (
    ZoneIndex,
    acknowledge,
    alerts_signature,
    alerts_view,
    filter_tracks,
    sorted_alerts,
    status_view,
    table_view,
    vessel_view,
)
from fusion.schemas import AlertAck, Severity
from tests.unit.dashboard.records import T0, alert, static, track

LIVE = {"mode": "live", "time": None, "playing": False}


def _clock(clock, *, tick=False, presses=None, seek=None, live_time=T0 + 1000, speed=10.0):
    return next_clock(
        clock, tick=tick, presses=presses or {}, seek=seek, live_time=live_time, speed=speed,
        interval_s=1.0, step_s=5.0,
    )  # fmt: skip


def _shown(clock):
    return clock["mode"], clock["time"], clock["playing"]


def test_live_clock_follows_the_newest_data():
    assert _shown(_clock(LIVE, tick=True)) == ("live", T0 + 1000, False)
    assert _clock(LIVE, tick=True, live_time=None)["time"] is None  # nothing received yet


def test_seek_step_play_pause_and_back_to_live():
    seek = _clock(LIVE, seek={"time": T0 + 100, "seq": 1})
    assert _shown(seek) == ("replay", T0 + 100, False)
    assert _clock(seek, tick=True)["time"] == T0 + 100  # paused: a tick changes nothing
    assert _clock(seek, seek={"time": T0 + 100, "seq": 1}, tick=True) == _clock(
        seek, tick=True
    )  # seek applied once
    back = _clock(seek, presses={ids.STEP_BACK: 1})
    assert back["time"] == T0 + 95
    assert _clock(back, presses={ids.STEP_BACK: 1})["time"] == T0 + 95  # the same press, not a second one
    assert _clock(back, presses={ids.STEP_BACK: 1, ids.STEP_FORWARD: 1})["time"] == T0 + 100
    playing = _clock(seek, presses={ids.PLAY: 1})
    assert playing["playing"]
    assert (
        _clock(playing, tick=True, presses={ids.PLAY: 1}, speed=60.0)["time"] == T0 + 160
    )  # 60x: 1 min/tick
    assert _clock(playing, presses={ids.PLAY: 1, ids.PAUSE: 1})["playing"] is False
    assert _shown(_clock(playing, presses={ids.PLAY: 1, ids.LIVE: 1})) == ("live", T0 + 1000, False)


def test_a_press_lost_to_an_earlier_response_is_applied_on_the_next_tick():
    seek = _clock(LIVE, seek={"time": T0 + 100, "seq": 1})
    stale = _clock(LIVE, tick=True)  # a tick computed before the seek overwrote the clock in the browser
    assert _shown(_clock(stale, tick=True, seek={"time": T0 + 100, "seq": 1})) == _shown(seek)
    assert _clock(seek, tick=True, presses={ids.PLAY: 1})["playing"]  # Play pressed while a tick was out


def test_play_stops_at_the_newest_data():
    near_end = {"mode": "replay", "time": T0 + 990, "playing": True}
    assert _shown(_clock(near_end, tick=True, speed=30.0)) == ("replay", T0 + 1000, False)


def test_slider_moves_by_the_analyst_become_seeks():
    clock = {"mode": "live", "time": T0 + 1000.2}
    assert seek_from_slider(T0 + 1000, clock, None) is None  # the clock moved the slider itself
    assert seek_from_slider(T0 + 10, clock, {"time": T0, "seq": 4}) == {"time": T0 + 10, "seq": 5}


def test_slider_marks_every_five_minutes():
    marks = slider_marks(T0 + 10, T0 + 901)
    assert list(marks) == [int(T0 + 300), int(T0 + 600), int(T0 + 900)]
    assert marks[int(T0 + 300)] == "08:05"


def _history() -> History:
    history = History()
    history.add_track(track("T1", T0, mmsi=463373736))
    history.add_track(track("T2", T0, mmsi=None, lat=24.71, lon=66.95))  # in the anchorage zone
    history.add_track(track("T3", T0, mmsi=463000001, radar_ids=(), lat=24.2, lon=66.3))
    history.add_static(static(463373736, T0, "KIRTHAR 22"))
    history.add_alert(alert("A1", T0 - 10, severity=Severity.LOW, track_id="T3"))
    history.add_alert(alert("A2", T0 - 5, severity=Severity.CRITICAL, track_id="T2"))
    history.add_alert(alert("A3", T0, severity=Severity.MEDIUM, track_id="T1"))
    return history


def test_alert_sort_newest_first_or_by_severity():
    alerts = _history().picture_at(T0).alerts
    assert [a.alert.alert_id for a in sorted_alerts(alerts, "time")] == ["A3", "A2", "A1"]
    assert [a.alert.alert_id for a in sorted_alerts(alerts, "severity")] == ["A2", "A3", "A1"]


def test_search_and_filters(zones):
    picture = _history().picture_at(T0)
    index = ZoneIndex(zones)

    def ids_of(search=None, filters=()):
        return [v.state.track_id for v in filter_tracks(picture, search, list(filters), index)]

    assert ids_of() == ["T1", "T2", "T3"]
    assert ids_of("kirthar") == ["T1"]  # by name, any case
    assert ids_of("463000") == ["T3"]  # by MMSI digits
    assert ids_of(filters=["dark"]) == ["T2"]
    assert ids_of(filters=["zone"]) == ["T2"]
    assert ids_of(filters=["alerts"]) == ["T1", "T2", "T3"]
    assert ids_of("4633", filters=["alerts"]) == ["T1"]


def test_acknowledge_needs_a_watch_officer_and_an_unacknowledged_alert(users):
    history = _history()
    picture = history.picture_at(T0)
    ack = acknowledge("A2", users["officer"], T0, picture)
    assert ack == AlertAck(alert_id="A2", officer="Amina Qureshi", username="officer", time=T0)
    assert "watch officer" in acknowledge("A2", users["analyst"], T0, picture)
    assert "watch officer" in acknowledge("A2", None, T0, picture)
    assert "not in the picture" in acknowledge("nope", users["officer"], T0, picture)
    history.add_ack(ack)
    assert "Already acknowledged by Amina Qureshi" in acknowledge(
        "A2", users["officer"], T0, history.picture_at(T0)
    )


def _text(component) -> str:
    return json.dumps(component, default=lambda c: c.to_plotly_json())


def test_alert_panel_shows_ack_buttons_only_to_watch_officers(users):
    history = _history()
    history.add_ack(AlertAck(alert_id="A1", officer="Amina Qureshi", username="officer", time=T0))
    picture = history.picture_at(T0)
    officer = _text(alerts_view(picture, "time", users["officer"]))
    analyst = _text(alerts_view(picture, "time", users["analyst"]))
    assert officer.count(ids.ACK_BUTTON) == 2 and "acknowledged by Amina Qureshi" in officer
    assert ids.ACK_BUTTON not in analyst and analyst.count("not acknowledged") == 2
    assert "MMSI 463373736 KIRTHAR 22" not in officer  # alerts A1..A3 carry no MMSI in these records


def test_status_bar_and_stall_banner():
    history = _history()
    history.add_feed_message("radar", "MANORA", T0)
    history.add_feed_message("ais", "MONZE-AIS", T0 - 120)
    history.add_reject("/data/ais.nmea", T0 - 1)
    picture = history.picture_at(T0)
    status, banner = status_view(picture, history.rejects_at(T0), LIVE)
    text = _text(status)
    assert "3 tracks (1 dark)" in text and "3 open alerts" in text and "ais.nmea 1" in text
    assert "FEED STALLED: ais MONZE-AIS silent for 120 s of picture time" in _text(banner)
    assert "MANORA" not in _text(banner)


def test_table_and_vessel_record():
    picture = _history().picture_at(T0)
    table = _text(table_view(picture, list(picture.tracks.values()), "T1"))
    assert "3 tracks" in table and "KIRTHAR 22" in table
    record = _text(vessel_view(picture, "T1", lambda mid: "Pakistan (PK)" if mid == 463 else None))
    for expected in ("KIRTHAR 22", "Pakistan (PK) (MID 463)", "120 m x 22 m", "KARACHI", "AIS, radar MANORA"):
        assert expected in record
    assert "not in the picture" in _text(vessel_view(picture, "T9", None))


@pytest.mark.parametrize(
    ("relayout", "expected"),
    [
        (
            {"xaxis.range[0]": 66.8, "xaxis.range[1]": 67.0, "yaxis.range[0]": 24.6, "yaxis.range[1]": 24.8},
            {"west": 66.8, "east": 67.0, "south": 24.6, "north": 24.8},
        ),
        ({"xaxis.autorange": True}, {"west": 66.0, "south": 24.0, "east": 67.5, "north": 25.0}),
        (None, {"west": 66.0, "south": 24.0, "east": 67.5, "north": 25.0}),
    ],
)
def test_view_box_follows_zoom_for_export(relayout, expected):
    assert view_box(relayout, None, (66.0, 24.0, 67.5, 25.0)) == expected


def test_alert_panel_signature_changes_only_with_what_it_shows(users):
    history = _history()
    first = alerts_signature(history.picture_at(T0), "time", users["officer"])
    history.add_track(track("T1", T0 + 1))  # a track moving does not redraw the panel
    assert alerts_signature(history.picture_at(T0 + 1), "time", users["officer"]) == first
    history.add_ack(AlertAck(alert_id="A1", officer="Amina Qureshi", username="officer", time=T0 + 1))
    assert alerts_signature(history.picture_at(T0 + 1), "time", users["officer"]) != first
    assert alerts_signature(history.picture_at(T0), "severity", users["officer"]) != first
    assert alerts_signature(history.picture_at(T0), "time", users["analyst"]) != first


def test_a_click_counts_even_when_it_arrives_with_a_redraw():
    redraw = {"prop_id": '{"index":"T2","type":"track-row"}.n_clicks', "value": None}
    click = {"prop_id": '{"index":"T1","type":"track-row"}.n_clicks', "value": 1}
    assert clicked_index([redraw, click]) == "T1"
    assert clicked_index([redraw]) is None
    assert clicked_index([{"prop_id": "map.clickData", "value": 1}]) is None


def test_a_replay_stays_inside_the_retention_window():
    paused = {"mode": "replay", "time": T0 + 100, "playing": False}
    moved = next_clock(
        paused, tick=True, presses={}, seek=None, live_time=T0 + 1000, speed=10.0,
        interval_s=1.0, step_s=5.0, earliest=T0 + 400,
    )  # fmt: skip
    assert _shown(moved) == ("replay", T0 + 400, False)  # the window passed it: at its start
    seek_before = next_clock(
        moved, tick=False, presses={}, seek={"time": T0, "seq": 1}, live_time=T0 + 1000, speed=10.0,
        interval_s=1.0, step_s=5.0, earliest=T0 + 400,
    )  # fmt: skip
    assert seek_before["time"] == T0 + 400
