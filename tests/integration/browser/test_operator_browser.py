"""Verdicts, snoozes, notes, risk and false-alarm rates in the browser, two agencies side by side.

A coast guard watch officer and a customs watch officer each have a dashboard of the same
routed replay (the Karachi scenario's first minutes, with the risk stage). The coast guard
officer rejects, confirms, snoozes and notes; the customs dashboard shows each verdict and
snooze, read back from the bus; the audit file records every action before it took effect.
Waits are for page conditions, never sleeps. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import json

import pytest

from dashboard.auth import Role, User, hash_password
from fusion import topics
from fusion.agencies.routing import load_router
from fusion.audit import Action
from fusion.audit_store import FileAuditStore
from fusion.audit_verify import verify_file
from fusion.cli import DEFAULT_AGENCIES, DEFAULT_ZONES
from tests.integration.browser.conftest import (
    PASSWORDS,
    REPO_ROOT,
    SCENARIO_MINUTES,
    replay_first_minutes,
    serve,
)

CG_NAME = "Coast Guard Officer"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """This module's dashboard (conftest's ``pages`` opens pages on it): its own replay, since
    the verdicts and snoozes given here must not change what other modules' pages show."""
    broker = replay_first_minutes(tmp_path_factory, load_router(DEFAULT_AGENCIES, DEFAULT_ZONES))
    users = {
        username: User(username, name, Role.WATCH_OFFICER, hash_password(PASSWORDS[username]), agency)
        for username, name, agency in [
            ("cg-officer", CG_NAME, "coastguard"),
            ("customs-officer", "Customs Officer", "customs"),
        ]
    }
    users["analyst"] = User("analyst", "Test Analyst", Role.ANALYST, hash_password(PASSWORDS["analyst"]))
    with serve(broker, users, tmp_path_factory.mktemp("audit") / "audit.jsonl") as running:
        yield running


def _alerts(server) -> list[dict]:
    """The latest event of each alert on the topic."""
    latest = {}
    for envelope in server.broker.read(topics.ALERTS):
        alert = json.loads(envelope.value)
        latest[alert["alert_id"]] = alert
    return list(latest.values())


def _shared(server, kind: str) -> dict:
    """An open alert of ``kind`` routed to both the coast guard and customs."""
    return next(
        a
        for a in _alerts(server)
        if a["kind"] == kind
        and a["state"] != "cleared"
        and {"coastguard", "customs"} <= {a["responsible_agency"], *a["informed_agencies"]}
    )


def _item(page, alert_id: str):
    return page.locator(f"#alert-list .alert[id*='\"{alert_id}\"']")


def _choose(page, alert_id: str) -> None:
    """Click the alert in the panel: the actions panel then acts on it."""
    _item(page, alert_id).locator("div").first.click()
    try:
        page.wait_for_selector(f"#action-target >> text={alert_id}")
    except Exception as error:
        raise AssertionError(f"action target: {page.inner_text('#action-target')!r}") from error


def _stats_cell(page, kind: str, column: int) -> str:
    return page.locator(f"#rule-stats tr.rule-stats-row[id*='\"{kind}\"'] td").nth(column).inner_text()


def _wait_stats(page, kind: str, column: int, value: str) -> None:
    page.wait_for_function(
        "([kind, column, value]) => {"
        " const rows = [...document.querySelectorAll('#rule-stats tr.rule-stats-row')];"
        " const row = rows.find(r => r.id.includes('\"' + kind + '\"'));"
        " return row && row.cells[column].textContent === value; }",
        arg=[kind, column, value],
    )


def _entries(server, action: Action) -> list:
    return [e for e in FileAuditStore(server.audit_path).entries() if e.action == action]


def test_op001_a_rejection_and_a_confirmation_reach_the_other_agency_and_the_rule_stats(
    pages, server
) -> None:
    coastguard = pages.open("cg-officer")
    customs = pages.open("customs-officer")
    rejected, confirmed = _shared(server, "zone_exit"), _shared(server, "zone_entry")
    kind = rejected["kind"]
    for page in (coastguard, customs):
        _item(page, rejected["alert_id"]).wait_for()
        page.wait_for_selector(f"#rule-stats tr.rule-stats-row[id*='\"{kind}\"']")
    before = int(_stats_cell(customs, kind, 3))

    _choose(coastguard, rejected["alert_id"])
    coastguard.click("#reject-button")  # no reason yet: refused, nothing published
    coastguard.wait_for_selector("#action-notice >> text=Choose why it is a false alarm")
    assert not server.broker.read(topics.ALERT_VALIDATIONS)
    coastguard.click("#reject-reason label:has-text('sensor error')")
    coastguard.fill("#verdict-note", "sea clutter off Manora")
    coastguard.click("#reject-button")
    coastguard.wait_for_selector("#action-notice >> text=Done: rejected")
    mark = f"rejected by {CG_NAME} (coastguard)"
    for page in (coastguard, customs):
        _item(page, rejected["alert_id"]).locator(f"text={mark}").wait_for()
        _wait_stats(page, kind, 3, str(before + 1))
    assert _stats_cell(customs, kind, 4).endswith("%") and "sensor error 1" in _stats_cell(customs, kind, 5)
    assert "sea clutter off Manora" in _item(customs, rejected["alert_id"]).inner_text()

    _choose(coastguard, confirmed["alert_id"])
    coastguard.click("#confirm-button")
    coastguard.wait_for_selector(f"#action-notice >> text=Done: confirmed {confirmed['alert_id']}")
    _item(customs, confirmed["alert_id"]).locator(f"text=confirmed by {CG_NAME} (coastguard)").wait_for()
    _choose(customs, rejected["alert_id"])  # a verdict given stays: customs cannot overwrite it
    customs.click("#confirm-button")
    customs.wait_for_selector(f"#action-notice >> text=Already rejected by {CG_NAME}")
    pages.screenshot(customs, "op001_customs_sees_the_coast_guards_verdicts")

    _choose(customs, confirmed["alert_id"])  # selects its vessel: the reporting is in its history
    customs.wait_for_selector(f"#vessel-history li.reporting:has-text('{confirmed['alert_id']}')")

    verdicts = [json.loads(e.value) for e in server.broker.read(topics.ALERT_VALIDATIONS)]
    assert [(v["alert_id"], v["verdict"], v["reason"], v["note"], v["agency"]) for v in verdicts] == [
        (rejected["alert_id"], "rejected", "sensor_error", "sea clutter off Manora", "coastguard"),
        (confirmed["alert_id"], "confirmed", None, None, "coastguard"),  # the note field was cleared
    ]
    (reject,) = _entries(server, Action.REJECT)
    (validate,) = _entries(server, Action.VALIDATE)
    assert (reject.actor, reject.agency, reject.subject) == ("cg-officer", "coastguard", rejected["alert_id"])
    assert reject.details["reason"] == "sensor_error" and reject.details["note"] == "sea clutter off Manora"
    assert (validate.actor, validate.subject) == ("cg-officer", confirmed["alert_id"])
    assert verify_file(server.audit_path).ok


def test_op002_a_snooze_hides_the_rule_for_the_vessel_from_the_coast_guard_only_until_ended(
    pages, server
) -> None:
    coastguard = pages.open("cg-officer")
    customs = pages.open("customs-officer")
    target = _shared(server, "zone_entry")
    alert_id = target["alert_id"]
    silenced = {
        a["alert_id"]
        for a in _alerts(server)
        if a["kind"] == target["kind"]
        and a["state"] != "cleared"
        and a["mmsi"] == target["mmsi"]
        and "coastguard" in (a["responsible_agency"], *a["informed_agencies"])
    }
    _item(coastguard, alert_id).wait_for()
    shown = coastguard.locator("#alert-list .alert").count()

    _choose(coastguard, alert_id)
    coastguard.click("#snooze-minutes label:has-text('30 min')")
    coastguard.fill("#snooze-reason", "pilot boat on station")
    coastguard.click("#snooze-button")
    coastguard.wait_for_selector("#action-notice >> text=Done: snoozed")
    coastguard.wait_for_function(
        f"document.querySelectorAll('#alert-list .alert').length === {shown - len(silenced)}"
    )
    assert coastguard.inner_text("#snoozed-count").startswith(f"{len(silenced)} snoozed alert")
    mark = f"snoozed by {CG_NAME} (coastguard) until"
    _item(customs, alert_id).locator(f"text={mark}").wait_for()  # customs still sees it, marked
    assert "pilot boat on station" in _item(customs, alert_id).inner_text()

    coastguard.click("#show-snoozed label")
    _item(coastguard, alert_id).locator(f"text={mark}").wait_for()
    pages.screenshot(coastguard, "op002_coast_guard_shows_its_snoozed_alerts")
    coastguard.wait_for_selector("#action-target >> text=snoozed by")
    coastguard.click("#snooze-end-button")
    coastguard.wait_for_selector("#action-notice >> text=Done: ended snooze")
    for page in (coastguard, customs):
        item = f"document.querySelector(\"#alert-list .alert[id*='{alert_id}']\")"
        page.wait_for_function(f"!{item}.textContent.includes('snoozed by')")
    coastguard.click("#show-snoozed label")  # off again: nothing is hidden any more
    coastguard.wait_for_function(f"document.querySelectorAll('#alert-list .alert').length === {shown}")

    snoozes = [json.loads(e.value) for e in server.broker.read(topics.SNOOZES)]
    first, ended = snoozes
    assert first["snooze_id"] == ended["snooze_id"] and first["time"] == ended["time"]
    assert (
        first["until_time"] == pytest.approx(first["time"] + 1800)
        and ended["until_time"] < first["until_time"]
    )
    assert (first["kind"], first["mmsi"], first["agency"]) == (target["kind"], target["mmsi"], "coastguard")
    audited = _entries(server, Action.SNOOZE)
    assert [(e.actor, e.subject, e.details["ended"]) for e in audited] == [
        ("cg-officer", first["snooze_id"], False),
        ("cg-officer", first["snooze_id"], True),
    ]


def _suspicious_mmsis() -> set[int]:
    """MMSIs of the vessels the scenario's ground truth makes suspicious in the replayed minutes:
    rendezvous at sea and AIS switched off (the dark vessels have no MMSI at all)."""
    events = [json.loads(line) for line in (REPO_ROOT / "replay_data" / "karachi" / "events.jsonl").open()]
    end = events[0]["time"] + SCENARIO_MINUTES * 60
    return {
        e["mmsi"]
        for e in events
        if e["time"] < end and e["kind"] in ("rendezvous_start", "ais_off") and e["mmsi"] is not None
    }


def test_op003_the_risk_list_ranks_the_suspicious_vessels_first_and_a_click_selects_one(
    pages, server
) -> None:
    analyst = pages.open("analyst")
    analyst.wait_for_selector("#risk-list .risk-item")
    rows = analyst.locator("#risk-list .risk-item").evaluate_all("l => l.map(e => JSON.parse(e.id).index)")
    latest = {}
    for envelope in server.broker.read(topics.RISK):
        assessment = json.loads(envelope.value)
        latest[assessment["track_id"]] = assessment
    ranked = sorted(latest.values(), key=lambda a: (-a["score"], a["track_id"]))
    assert rows == [a["track_id"] for a in ranked][: len(rows)]
    suspicious = _suspicious_mmsis()
    flags = [latest[t]["mmsi"] is None or latest[t]["mmsi"] in suspicious for t in rows]
    n = sum(flags)
    assert flags[0] and n >= 3
    assert sum(flags[:n]) / n >= 0.8, f"precision at {n}: {flags}"

    top = analyst.locator("#risk-list .risk-item").first
    top.locator("summary").click()
    why = top.locator(".risk-factor").all_inner_texts()
    assert [w.split(" (")[0] for w in why] == [f["name"].replace("_", " ") for f in ranked[0]["factors"]]
    top.locator("b").click()
    analyst.wait_for_selector(f"#vessel-record >> text={rows[0]}")
    analyst.wait_for_selector("#vessel-history >> text=Notes")
    pages.screenshot(analyst, "op003_risk_list_why_this_vessel")
    assert analyst.locator("#note-add").is_hidden() and analyst.locator("#confirm-button").is_hidden()


def test_op004_a_note_on_a_vessel_is_audited_and_shown_in_its_history_on_both_dashboards(
    pages, server
) -> None:
    coastguard = pages.open("cg-officer")
    customs = pages.open("customs-officer")
    for page in (coastguard, customs):
        page.locator("#risk-list .risk-item b").first.click()
        page.wait_for_selector("#vessel-history >> text=Notes")
    coastguard.fill("#note-text", "low in the water, no fishing gear")
    coastguard.click("#note-add")
    coastguard.wait_for_selector("#note-notice >> text=Note added")
    for page in (coastguard, customs):
        page.wait_for_selector(f"#vessel-history li.vessel-note:has-text('{CG_NAME}: low in the water')")
    pages.screenshot(customs, "op004_vessel_history_with_a_note")
    (note,) = [json.loads(e.value) for e in server.broker.read(topics.VESSEL_NOTES)]
    (entry,) = _entries(server, Action.NOTE)
    assert (entry.actor, entry.subject, entry.details["text"]) == (
        "cg-officer",
        note["note_id"],
        "low in the water, no fishing gear",
    )
