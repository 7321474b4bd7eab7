"""Users belong to an agency: its alerts by default, the common picture on request, tracks for all."""

from __future__ import annotations

import dataclasses

import pytest

from dashboard.agency_scope import COMMON, MINE, default_scope, scope_control, scoped_picture
from dashboard.auth import Role, User, UsersFileError, load_users
from dashboard.history import AlertView, Picture
from tests.unit.dashboard.conftest import REPO_ROOT
from tests.unit.dashboard.records import T0, alert, track


def _user(agency: str | None) -> User:
    return User("u", "U", Role.WATCH_OFFICER, "$argon2id$x", agency)


def _picture() -> Picture:
    routed = [
        ("A1", "customs", ("coastguard", "pmsa")),
        ("A2", "coastguard", ("pmsa", "partner")),
        ("A3", None, ()),  # never routed (a recording made before routing existed)
    ]
    alerts = [
        AlertView(dataclasses.replace(alert(i), responsible_agency=r, informed_agencies=inf), T0, None)
        for i, r, inf in routed
    ]
    return Picture(time=T0, tracks={"T1": track()}, alerts=alerts, feeds=[], statics={})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("agency", "scope", "shown"),
    [
        ("customs", None, ["A1"]),  # default: the agency's own
        ("customs", MINE, ["A1"]),
        ("customs", COMMON, ["A1", "A2", "A3"]),
        ("partner", MINE, ["A2"]),  # informed counts
        ("pmsa", MINE, ["A1", "A2"]),
        (None, MINE, ["A1", "A2", "A3"]),  # no agency: the common picture
    ],
)
def test_alerts_are_scoped_to_the_users_agency(agency, scope, shown) -> None:
    picture = _picture()
    scoped = scoped_picture(picture, _user(agency), scope)
    assert [view.alert.alert_id for view in scoped.alerts] == shown
    assert scoped.tracks is picture.tracks  # the same tracks for everyone


def test_scope_control_defaults_to_the_agency_and_offers_the_common_picture() -> None:
    control = scope_control(_user("customs"))
    assert control.value == MINE == default_scope(_user("customs"))
    assert [o["value"] for o in control.options] == [MINE, COMMON]
    assert "customs" in control.options[0]["label"]
    lone = scope_control(_user(None))
    assert lone.value == COMMON and [o["value"] for o in lone.options] == [COMMON]


def test_users_files_carry_an_agency(tmp_path) -> None:
    users = load_users(REPO_ROOT / "config" / "users.demo.toml")
    assert {u.agency for u in users.values()} == {"coastguard", "pmsa", "customs"}
    path = tmp_path / "users.toml"
    path.write_text(
        "[users.a]\nname='A'\nrole='analyst'\nagency='Customs Dept'\npassword_hash='$argon2id$x'\n"
    )
    with pytest.raises(UsersFileError, match=r"\[users.a\]: agency 'Customs Dept' is not an agency id"):
        load_users(path)


def test_alert_items_name_the_responsible_agency() -> None:
    from dashboard.views import alerts_view

    text = repr(alerts_view(_picture(), "time", _user("customs")))
    assert "for customs" in text and "for coastguard" in text
    assert text.count(" · for ") == 2  # the unrouted alert names no agency
