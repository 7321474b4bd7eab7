"""The vessel history on SQLite: what each event writes, idempotence, verdicts, stats, history.

The same tests run against a real PostgreSQL server in tests/integration/history/ (one code
path for both)."""

from __future__ import annotations

from pathlib import Path

import pytest

from fusion.history.store import HistoryStore
from fusion.schemas import (
    AisStatic,
    AlertKind,
    AlertState,
    AlertValidation,
    RejectionReason,
    RuleSnooze,
    Verdict,
    VesselNote,
)
from tests.factories import T0 as T
from tests.factories import make_alert


def verdict(
    alert_id: str, kind: AlertKind, track_id: str, mmsi: int | None, time: float, v: Verdict, reason=None
):
    return AlertValidation(
        alert_id=alert_id,
        time=time,
        verdict=v,
        officer="Lt Khan",
        kind=kind,
        track_id=track_id,
        mmsi=mmsi,
        reason=reason,
        agency="coastguard",
    )


EVENTS = [
    make_alert(AlertKind.AIS_GAP, "T1", 463000001, T, alert_id="g1"),
    make_alert(AlertKind.AIS_GAP, "T1", 463000001, T + 300, alert_id="g1", state=AlertState.CLEARED),
    make_alert(AlertKind.DARK_VESSEL, "T2", None, T + 10, alert_id="d1"),
    make_alert(AlertKind.DARK_VESSEL, "T3", None, T + 20, alert_id="d2"),
    verdict("g1", AlertKind.AIS_GAP, "T1", 463000001, T + 400, Verdict.CONFIRMED),
    verdict("d1", AlertKind.DARK_VESSEL, "T2", None, T + 410, Verdict.REJECTED, RejectionReason.KNOWN_VESSEL),
    verdict("d2", AlertKind.DARK_VESSEL, "T3", None, T + 420, Verdict.REJECTED, RejectionReason.SENSOR_ERROR),
    RuleSnooze(
        snooze_id="s1",
        time=T + 500,
        until_time=T + 2300,
        kind=AlertKind.DARK_VESSEL,
        track_id="T2",
        officer="Lt Khan",
        reason="pilot boat on station",
    ),
    VesselNote(
        note_id="n1",
        time=T + 600,
        officer="Lt Khan",
        text="boarded 2026-01-15, papers in order",
        mmsi=463000001,
    ),
    AisStatic(time=T - 100, mmsi=463000001, msg_type=5, name="OLD NAME", imo=9811000),
    AisStatic(time=T + 50, mmsi=463000001, msg_type=5, name="NEW NAME", imo=9811000),
    AisStatic(time=T + 60, mmsi=463000001, msg_type=5, name="NEW NAME", imo=9811000),
]


@pytest.fixture
def store(tmp_path: Path) -> HistoryStore:
    history = HistoryStore(f"sqlite:///{tmp_path / 'history.db'}")
    history.apply(EVENTS)
    yield history
    history.close()


def check_vessel_history(store: HistoryStore) -> None:
    history = store.vessel_history(mmsi=463000001)
    [gap] = history["alerts"]
    assert (gap["state"], gap["raised_time"], gap["last_time"]) == ("cleared", T, T + 300)
    assert [r["alert_id"] for r in history["reportings"]] == ["g1"]  # a confirmed alert is a reporting
    assert [n["text"] for n in history["notes"]] == ["boarded 2026-01-15, papers in order"]
    names = [(i["name"], i["first_time"], i["last_time"]) for i in history["identities"]]
    assert names == [("OLD NAME", T - 100, T - 100), ("NEW NAME", T + 50, T + 60)]  # past names kept
    dark = store.vessel_history(track_id="T2")
    assert [r["reason"] for r in dark["rejections"]] == ["known_vessel"]
    assert [s["reason"] for s in dark["snoozes"]] == ["pilot boat on station"]


def check_rule_stats(store: HistoryStore) -> None:
    stats = {s.kind: s for s in store.rule_stats()}
    assert (stats["dark_vessel"].raised, stats["dark_vessel"].rejected, stats["dark_vessel"].confirmed) == (
        2,
        2,
        0,
    )
    assert stats["dark_vessel"].false_alarm_rate == 1.0
    assert stats["dark_vessel"].rejections_by_reason == {"known_vessel": 1, "sensor_error": 1}
    assert stats["ais_gap"].false_alarm_rate == 0.0


def test_vessel_history(store: HistoryStore) -> None:
    check_vessel_history(store)


def test_rule_stats(store: HistoryStore) -> None:
    check_rule_stats(store)


def test_the_same_events_again_or_reordered_change_nothing(store: HistoryStore, tmp_path: Path) -> None:
    before = store.dump()
    store.apply(EVENTS)
    assert store.dump() == before
    other = HistoryStore(f"sqlite:///{tmp_path / 'other.db'}")
    other.apply(list(reversed(EVENTS)))
    assert other.dump() == before
    other.close()


def test_a_changed_verdict_replaces_the_earlier_one(store: HistoryStore) -> None:
    store.apply([verdict("d1", AlertKind.DARK_VESSEL, "T2", None, T + 900, Verdict.CONFIRMED)])
    stats = {s.kind: s for s in store.rule_stats()}
    assert (stats["dark_vessel"].confirmed, stats["dark_vessel"].rejected) == (1, 1)
    store.apply(
        [verdict("d1", AlertKind.DARK_VESSEL, "T2", None, T + 800, Verdict.REJECTED)]
    )  # older: ignored
    assert {s.kind: s for s in store.rule_stats()}["dark_vessel"].confirmed == 1


def test_only_sqlite_and_postgresql_are_accepted() -> None:
    with pytest.raises(ValueError, match="use sqlite"):
        HistoryStore("mysql://localhost/x")
