"""Login: users from a file with argon2 hashes, roles, and no page or callback without a session."""

from __future__ import annotations

import json

import pytest

from dashboard import ids
from dashboard.app import create_app
from dashboard.auth import Role, UsersFileError, check_password, load_users
from dashboard.picture import PictureFeed
from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import to_json
from tests.unit.dashboard.conftest import REPO_ROOT
from tests.unit.dashboard.records import T0, alert, track


def test_demo_users_file_loads_with_roles_and_hashed_passwords():
    users = load_users(REPO_ROOT / "config" / "users.demo.toml")
    assert users["officer"].role is Role.WATCH_OFFICER and users["officer"].may_acknowledge
    assert users["analyst"].role is Role.ANALYST and not users["analyst"].may_acknowledge
    assert check_password(users, "officer", "officer-demo") is users["officer"]
    assert check_password(users, "officer", "analyst-demo") is None
    assert check_password(users, "nobody", "officer-demo") is None
    assert "officer-demo" not in (REPO_ROOT / "config" / "users.demo.toml").read_text().split("#")[-1]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[users.a]\nname='A'\nrole='captain'\npassword_hash='$argon2id$x'", "role 'captain' unknown"),
        ("[users.a]\nname='A'\nrole='analyst'\npassword_hash='secret'", "not an argon2 hash"),
        ("[users.a]\nname='A'\nrole='analyst'", "missing or not a string: password_hash"),
        ("users = 3", "no [users.<login>] tables"),
        ("[users.a", "not valid TOML"),
    ],
)
def test_bad_users_file_is_a_clear_error_naming_the_file(tmp_path, text, message):
    path = tmp_path / "users.toml"
    path.write_text(text)
    with pytest.raises(UsersFileError, match=None) as err:
        load_users(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_missing_users_file_says_what_to_copy(tmp_path):
    with pytest.raises(UsersFileError, match=r"users\.example\.toml"):
        load_users(tmp_path / "none.toml")


@pytest.fixture
def app_and_broker(config):
    broker = MemoryBroker()
    app = create_app(PictureFeed(MemoryBus(broker, "dashboard")), config)
    return app, broker


def _callback_request(output: str, inputs: list[dict]) -> dict:
    return {"output": output, "outputs": [], "inputs": inputs, "changedPropIds": [], "state": []}


def test_no_page_layout_or_callback_without_a_session(app_and_broker):
    app, _ = app_and_broker
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 302 and "/login" in page.location
    for path in (
        "/_dash-layout",
        "/_dash-dependencies",
        "/_dash-component-suites/dash/dcc/dash_core_components.js",
    ):
        assert client.get(path).status_code == 401, path
    update = client.post("/_dash-update-component", json=_callback_request("alert-list.children", []))
    assert update.status_code == 401
    assert client.get("/login").status_code == 200


def test_wrong_password_is_refused_and_next_never_leaves_the_site(app_and_broker):
    app, _ = app_and_broker
    client = app.server.test_client()
    refused = client.post("/login", data={"username": "officer", "password": "nope"})
    assert b"wrong password" in refused.data and client.get("/_dash-layout").status_code == 401
    ok = client.post(
        "/login", data={"username": "officer", "password": "sea-officer", "next": "https://evil.example/"}
    )
    assert ok.status_code == 302 and ok.location == "/"
    assert client.get("/_dash-layout").status_code == 200
    client.get("/logout")
    assert client.get("/_dash-layout").status_code == 401


def _ack_request(alert_id: str) -> dict:
    button = {"type": ids.ACK_BUTTON, "index": alert_id}
    return {
        "output": f"{ids.ACK_NOTICE}.children",
        "outputs": {"id": ids.ACK_NOTICE, "property": "children"},
        "inputs": [[{"id": button, "property": "n_clicks", "value": 1}]],
        "changedPropIds": [json.dumps(button, separators=(",", ":"), sort_keys=True) + ".n_clicks"],
        "state": [
            {"id": ids.CLOCK, "property": "data", "value": {"mode": "live", "time": T0, "playing": False}}
        ],
    }


def test_only_a_watch_officer_acknowledges_even_when_calling_the_callback_directly(app_and_broker):
    app, broker = app_and_broker
    source = MemoryBus(broker, "pipeline")
    source.publish(topics.TRACKS, "T1", to_json(track("T1", T0)), T0)
    source.publish(topics.ALERTS, "A1", to_json(alert("A1", T0)), T0)

    analyst = app.server.test_client()
    analyst.post("/login", data={"username": "analyst", "password": "sea-analyst"})
    refused = analyst.post("/_dash-update-component", json=_ack_request("A1"))
    assert refused.status_code == 200 and b"Only a watch officer" in refused.data
    assert broker.read(topics.ALERT_ACKS) == []

    officer = app.server.test_client()
    officer.post("/login", data={"username": "officer", "password": "sea-officer"})
    assert officer.post("/_dash-update-component", json=_ack_request("A1")).status_code == 200
    (ack,) = broker.read(topics.ALERT_ACKS)
    assert json.loads(ack.value) == {
        "alert_id": "A1",
        "officer": "Amina Qureshi",
        "username": "officer",
        "time": T0,
        "agency": None,
        "note": None,
        "schema_version": 1,  # the alerts.acks contract (docs/schemas), as every other topic
    }
