"""Verdicts, snoozes, notes, risk and rule stats on the dashboard side: the rules and the queries.

Pure: records in, picture-time queries and refusals out. The browser flows are in
tests/integration/browser/test_operator_browser.py.
"""

from __future__ import annotations

import pytest

from dashboard.auth import Role, User
from dashboard.history import History
from dashboard.operator_log import OperatorLog, rule_stats
from dashboard.picture import PictureFeed
from dashboard.snoozes import end_snooze, hide_snoozed, new_snooze
from dashboard.verdicts import annotated_alerts, decorate, new_validation
from dashboard.vessel_history import new_note, past_from_bus, past_from_database, selected_vessel
from dashboard.views import alerts_view
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.history.store import HistoryStore
from fusion.schemas import (
    AlertKind,
    AlertValidation,
    RejectionReason,
    RiskAssessment,
    RiskFactor,
    TrackStatus,
    Verdict,
    to_json,
)
from tests.unit.dashboard.records import T0, alert, static, track

CG = User("cg", "Coast Guard Officer", Role.WATCH_OFFICER, "x", "coastguard")
CUSTOMS = User("cu", "Customs Officer", Role.WATCH_OFFICER, "x", "customs")
ANALYST = User("an", "Analyst", Role.ANALYST, "x", "coastguard")


def _picture(*alerts, time=T0 + 100):
    history = History()
    history.add_track(track("T1", T0, mmsi=463373736))
    for a in alerts:
        history.add_alert(a)
    return history.picture_at(time)


def _view(picture, alert_id="A1"):
    return next(v for v in picture.alerts if v.alert.alert_id == alert_id)


def test_a_rejection_needs_a_reason_and_a_watch_officer_and_a_verdict_is_not_overwritten():
    picture = _picture(alert("A1", T0, mmsi=463373736))
    view = _view(picture)
    assert "watch officer" in new_validation(view, ANALYST, T0 + 50, Verdict.CONFIRMED, None, None, None)
    assert "Choose why" in new_validation(view, CG, T0 + 50, Verdict.REJECTED, None, None, None)
    assert "Choose an alert" in new_validation(None, CG, T0 + 50, Verdict.CONFIRMED, None, None, None)
    rejection = new_validation(view, CG, T0 + 50, Verdict.REJECTED, "sensor_error", "  ghost  ", None)
    assert isinstance(rejection, AlertValidation)
    assert (rejection.reason, rejection.note, rejection.agency, rejection.kind, rejection.mmsi) == (
        RejectionReason.SENSOR_ERROR,
        "ghost",
        "coastguard",
        AlertKind.DARK_VESSEL,
        463373736,
    )
    confirmed = new_validation(view, CUSTOMS, T0 + 60, Verdict.CONFIRMED, "sensor_error", "", None)
    assert confirmed.reason is None and confirmed.note is None  # a confirmation carries no reason
    assert new_validation(view, CUSTOMS, T0 + 60, Verdict.CONFIRMED, None, None, rejection) == (
        "Already rejected by Coast Guard Officer."
    )


def test_verdicts_and_snoozes_count_from_the_time_they_were_published():
    log = OperatorLog()
    picture = _picture(alert("A1", T0, mmsi=463373736))
    verdict = new_validation(_view(picture), CG, T0 + 50, Verdict.CONFIRMED, None, None, None)
    log.add(verdict, T0 + 50)
    assert log.validation_at("A1", T0 + 49) is None
    assert log.validation_at("A1", T0 + 50) == verdict
    snooze = new_snooze(_view(picture), CG, T0 + 60, 30, "patrol boat on exercise")
    log.add(snooze, T0 + 60)
    assert log.snoozes_at(T0 + 59) == [] and log.snoozes_at(T0 + 60) == [snooze]
    assert log.snoozes_at(T0 + 60 + 30 * 60) == []  # over
    ended = end_snooze(snooze, CG, T0 + 200)
    assert (ended.snooze_id, ended.time, ended.until_time) == (snooze.snooze_id, T0 + 60, T0 + 200)
    log.add(ended, T0 + 200)
    assert log.snoozes_at(T0 + 199) == [snooze]  # a replay before the end still shows it
    assert log.snoozes_at(T0 + 200) == []


def test_snooze_rules():
    view = _view(_picture(alert("A1", T0, mmsi=463373736)))
    assert "watch officer" in new_snooze(view, ANALYST, T0, 30, "r")
    assert "reason" in new_snooze(view, CG, T0, 30, "  ")
    assert "duration" in new_snooze(view, CG, T0, 0, "r")
    assert "duration" in new_snooze(view, CG, T0, 25 * 60, "r")
    snooze = new_snooze(view, CG, T0, 15, "known fishing fleet")
    assert (snooze.kind, snooze.mmsi, snooze.track_id, snooze.until_time) == (
        AlertKind.DARK_VESSEL,
        463373736,
        "T1",
        T0 + 900,
    )
    assert "only its officers" in end_snooze(snooze, CUSTOMS, T0 + 10)
    assert "not snoozed" in end_snooze(None, CG, T0 + 10)


def test_a_snooze_hides_its_rule_on_its_vessel_from_its_agency_and_marks_it_for_the_others():
    picture = _picture(
        alert("A1", T0, mmsi=463373736),  # snoozed: same kind, same vessel
        alert("A2", T0 + 1, mmsi=463373736, kind=AlertKind.LOITERING),  # another rule
        alert("A3", T0 + 2, mmsi=None, track_id="T9"),  # another vessel
    )
    snooze = new_snooze(_view(picture), CG, T0 + 10, 60, "known patrol")
    shown, marked, hidden = hide_snoozed(picture, [snooze], CG, show=False)
    assert {v.alert.alert_id for v in shown.alerts} == {"A2", "A3"} and hidden == 1 and marked == {}
    shown, marked, hidden = hide_snoozed(picture, [snooze], CG, show=True)
    assert len(shown.alerts) == 3 and hidden == 0 and set(marked) == {"A1"}
    shown, marked, hidden = hide_snoozed(picture, [snooze], CUSTOMS, show=False)
    assert len(shown.alerts) == 3 and hidden == 0 and set(marked) == {"A1"}  # customs still sees it


def test_the_alert_panel_shows_verdicts_and_snoozes_and_redraws_when_they_arrive():
    picture = _picture(alert("A1", T0, mmsi=463373736), alert("A2", T0 + 1, track_id="T9"))
    log = OperatorLog()
    _, marks, above, before = annotated_alerts(picture, log, CUSTOMS, False)
    assert marks == {} and above == []
    log.add(
        new_validation(_view(picture, "A2"), CG, T0 + 20, Verdict.REJECTED, "duplicate", "see A1", None),
        T0 + 20,
    )
    log.add(new_snooze(_view(picture), CG, T0 + 30, 60, "pilot boat"), T0 + 30)
    shown, marks, above, after = annotated_alerts(picture, log, CUSTOMS, False)
    assert after != before
    text = repr(decorate(alerts_view(shown, "time", CUSTOMS), marks))
    assert "rejected by Coast Guard Officer (coastguard) at" in text and "duplicate · see A1" in text
    assert "snoozed by Coast Guard Officer (coastguard) until" in text and "pilot boat" in text
    shown, marks, above, _ = annotated_alerts(picture, log, CG, False)
    assert [v.alert.alert_id for v in shown.alerts] == ["A2"] and "1 snoozed alert hidden" in repr(above)


def test_rule_stats_count_raised_confirmed_rejected_and_reasons():
    picture = _picture(
        alert("A1", T0),
        alert("A2", T0 + 1),
        alert("A3", T0 + 2),
        alert("A4", T0 + 3, kind=AlertKind.LOITERING),
    )
    verdicts = {
        "A1": new_validation(_view(picture, "A1"), CG, T0 + 9, Verdict.REJECTED, "sensor_error", None, None),
        "A2": new_validation(_view(picture, "A2"), CG, T0 + 9, Verdict.REJECTED, "known_vessel", None, None),
        "A3": new_validation(_view(picture, "A3"), CG, T0 + 9, Verdict.CONFIRMED, None, None, None),
    }
    dark, loitering = rule_stats(picture.alerts, verdicts)
    assert (dark.kind, dark.raised, dark.confirmed, dark.rejected) == ("dark_vessel", 3, 1, 2)
    assert dark.rejections_by_reason == {"sensor_error": 1, "known_vessel": 1}
    assert dark.false_alarm_rate == pytest.approx(2 / 3)
    assert (loitering.raised, loitering.false_alarm_rate) == (1, None)


def test_risk_is_ranked_at_picture_time():
    log = OperatorLog()
    low = RiskAssessment(time=T0, track_id="T1", mmsi=1, score=0.2)
    log.add(low, T0)
    log.add(RiskAssessment(time=T0, track_id="T2", mmsi=None, score=0.5), T0)
    high = RiskAssessment(
        time=T0 + 10,
        track_id="T1",
        mmsi=1,
        score=0.9,
        factors=(RiskFactor(name="rendezvous", contribution=0.6, evidence="T9 alongside"),),
    )
    log.add(high, T0 + 10)
    assert [(a.track_id, a.score) for a in log.risk_at(T0 + 5)] == [("T2", 0.5), ("T1", 0.2)]
    assert [(a.track_id, a.score) for a in log.risk_at(T0 + 10)] == [("T1", 0.9), ("T2", 0.5)]


def test_notes_and_the_vessel_past_from_the_bus():
    feed = PictureFeed(MemoryBus(MemoryBroker(), "test"))
    history = feed.history
    history.add_static(static(463373736, T0, "OLD NAME"))
    history.add_static(static(463373736, T0 + 5, "NEW NAME"))
    history.add_track(track("T1", T0, mmsi=463373736))
    history.add_track(track("T1", T0 + 10, mmsi=463999999))
    history.add_alert(alert("A1", T0 + 1, mmsi=463373736))
    picture = history.picture_at(T0 + 20)
    vessel = selected_vessel(feed, picture, "T1")
    assert vessel == ("T1", 463999999)
    assert selected_vessel(feed, picture, "T404") is None
    assert "watch officer" in new_note(vessel, picture.time, ANALYST, "x")
    assert "Write" in new_note(vessel, picture.time, CG, "   ")
    assert "Select a vessel" in new_note(None, picture.time, CG, "x")
    note = new_note(vessel, picture.time, CG, "seen transferring cargo")
    assert (note.mmsi, note.track_id, note.time, note.agency) == (463999999, "T1", T0 + 20, "coastguard")
    feed.operator.add(note, note.time)
    feed.operator.add(
        new_validation(_view(picture), CG, T0 + 15, Verdict.CONFIRMED, None, None, None), T0 + 15
    )
    past = past_from_bus(picture, feed, feed.operator, "T1", 463373736)
    assert [label.split(" · ")[0] for label, _, _ in past.identities] == ["OLD NAME", "NEW NAME"]
    assert [(m, first, last) for m, _, first, last in past.mmsis] == [
        (463373736, T0, T0),
        (463999999, T0 + 10, T0 + 10),
    ]
    assert [(a, v) for _, _, a, v in past.alerts] == [("A1", "confirmed")]
    assert [(a, who) for _, _, a, who in past.reportings] == [("A1", "Coast Guard Officer")]
    assert [text for _, _, text in past.notes] == ["seen transferring cargo"]  # on the track
    # by MMSI on another track: only the vessel that carried the note's MMSI
    assert past_from_bus(picture, feed, feed.operator, "T7", 463373736).notes == []
    assert len(past_from_bus(picture, feed, feed.operator, "T7", 463999999).notes) == 1
    history.add_track(track("T1", T0 + 30, mmsi=463999999, status=TrackStatus.LOST))
    later = history.picture_at(T0 + 40)
    assert "T1" not in later.tracks and selected_vessel(feed, later, "T1") == ("T1", 463999999)


def test_the_vessel_past_from_the_database_is_cut_at_picture_time(tmp_path):
    store = HistoryStore(f"sqlite:///{tmp_path / 'history.db'}")
    a1, a2 = alert("A1", T0, mmsi=463373736), alert("A2", T0 + 100, mmsi=463373736)
    picture = _picture(a1, a2, time=T0 + 200)
    verdict = new_validation(_view(picture, "A1"), CG, T0 + 50, Verdict.CONFIRMED, None, None, None)
    note = new_note(("T1", 463373736), T0 + 150, CG, "watch this one")
    store.apply([static(463373736, T0, "KIRTHAR 22"), a1, a2, verdict, note])
    early = past_from_database(store, T0 + 60, "T1", 463373736)
    assert [a for _, _, a, _ in early.alerts] == ["A1"] and early.notes == []
    assert [a for _, _, a, _ in early.reportings] == ["A1"]
    late = past_from_database(store, T0 + 200, "T1", 463373736)
    assert [(a, v) for _, _, a, v in late.alerts] == [("A1", "confirmed"), ("A2", "")]
    assert [text for _, _, text in late.notes] == ["watch this one"]
    assert late.identities[0][0].startswith("KIRTHAR 22") and late.mmsis[0][:2] == (463373736, "T1")
    store.close()


def test_the_feed_reads_verdicts_snoozes_notes_and_risk_back_from_the_bus():
    broker = MemoryBroker()
    bus = MemoryBus(broker, "pipeline")
    bus.publish(topics.ALERTS, "A1", to_json(alert("A1", T0, mmsi=463373736)), T0)
    bus.publish(topics.RISK, "T1", to_json(RiskAssessment(time=T0, track_id="T1", mmsi=1, score=0.7)), T0)
    bus.publish(topics.RISK, "T2", b"{not json", T0)
    one, other = PictureFeed(MemoryBus(broker, "one")), PictureFeed(MemoryBus(broker, "two"))
    one.refresh()
    view = _view(one.picture_at(T0 + 5))
    one.publish(
        topics.ALERT_VALIDATIONS,
        "A1",
        new_validation(view, CG, T0 + 5, Verdict.CONFIRMED, None, None, None),
        T0 + 5,
    )
    other.refresh()
    assert other.operator.validation_at("A1", T0 + 5).officer == "Coast Guard Officer"
    assert [a.track_id for a in other.operator.risk_at(T0 + 5)] == ["T1"]
    assert other.undecodable[topics.RISK] == 1
