"""The dashboard records every operator action in the audit log before taking it, or refuses it."""

from __future__ import annotations

import dataclasses
import hashlib
import json

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.audit_trail import REFUSED
from dashboard.callbacks import export_files
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.audit import Action, AuditLog
from fusion.audit_store import FileAuditStore
from fusion.audit_verify import verify_file
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import to_json
from tests.unit.dashboard.records import T0, alert, track
from tests.unit.dashboard.test_auth import _ack_request


@pytest.fixture
def audit_path(tmp_path):
    return tmp_path / "audit.jsonl"


@pytest.fixture
def setup(config, audit_path):
    broker = MemoryBroker()
    source = MemoryBus(broker, "pipeline")
    source.publish(topics.TRACKS, "T1", to_json(track("T1", T0)), T0)
    source.publish(topics.ALERTS, "A1", to_json(alert("A1", T0)), T0)
    audit = AuditLog(FileAuditStore(audit_path), source="dashboard-test")
    feed = PictureFeed(MemoryBus(broker, "dashboard"))
    app = create_app(feed, dataclasses.replace(config, audit=audit))
    return app, broker, feed, audit


def _entries(audit: AuditLog) -> list[tuple]:
    return [(e.action, e.actor, e.subject) for e in audit.store.entries()]


def _break(audit_path) -> None:
    """Cut the last line, as a crash mid-write would: the store then refuses to append."""
    with audit_path.open("ab") as handle:
        handle.write(b'{"chain":')


def test_login_acknowledge_and_logout_are_recorded_in_order(setup, audit_path):
    app, broker, _, audit = setup
    client = app.server.test_client()
    client.post("/login", data={"username": "officer", "password": "wrong"})
    client.post("/login", data={"username": "officer", "password": "sea-officer"})
    assert client.post("/_dash-update-component", json=_ack_request("A1")).status_code == 200
    client.get("/logout")

    assert _entries(audit) == [
        (Action.LOGIN_FAILED, None, None),
        (Action.LOGIN, "officer", None),
        (Action.ACKNOWLEDGE, "officer", "A1"),
        (Action.LOGOUT, "officer", None),
    ]
    failed, login, ack, _ = audit.store.entries()
    assert failed.details == {"username": "officer", "remote_addr": "127.0.0.1"}
    assert login.details["role"] == "watch_officer" and ack.picture_time == T0
    assert len(broker.read(topics.ALERT_ACKS)) == 1
    assert verify_file(audit_path).ok


def test_a_refused_acknowledgement_is_not_recorded_as_one(setup):
    app, broker, _, audit = setup
    analyst = app.server.test_client()
    analyst.post("/login", data={"username": "analyst", "password": "sea-analyst"})
    analyst.post("/_dash-update-component", json=_ack_request("A1"))
    assert [e.action for e in audit.store.entries()] == [Action.LOGIN]
    assert broker.read(topics.ALERT_ACKS) == []


def test_no_login_and_no_acknowledgement_when_the_audit_log_cannot_be_written(setup, audit_path):
    app, broker, _, _ = setup
    officer = app.server.test_client()
    officer.post("/login", data={"username": "officer", "password": "sea-officer"})
    _break(audit_path)

    refused = officer.post("/_dash-update-component", json=_ack_request("A1"))
    assert json.loads(refused.data)["response"][ids.ACK_NOTICE]["children"] == REFUSED
    assert broker.read(topics.ALERT_ACKS) == []

    other = app.server.test_client()
    page = other.post("/login", data={"username": "officer", "password": "sea-officer"})
    assert b"audit log cannot be written" in page.data
    assert other.get("/_dash-layout").status_code == 401


def test_an_export_is_recorded_with_each_file_hash_before_it_is_handed_over(setup, audit_path):
    _, _, feed, audit = setup
    feed.refresh()
    box = {"west": 66.0, "south": 24.0, "east": 67.5, "north": 25.5}
    files = export_files(feed, T0, 5, box, "csv", audit=audit, actor="analyst")
    (entry,) = audit.store.entries()
    assert (entry.action, entry.actor, entry.picture_time) == (Action.EXPORT, "analyst", T0)
    assert entry.details["tracks"] == 1 and entry.details["alerts"] == 1 and entry.details["format"] == "csv"
    assert entry.details["files"] == {
        f["filename"]: hashlib.sha256(f["content"].encode()).hexdigest() for f in files.values()
    }

    _break(audit_path)
    assert export_files(feed, T0, 5, box, "geojson", audit=audit, actor="analyst") == REFUSED
