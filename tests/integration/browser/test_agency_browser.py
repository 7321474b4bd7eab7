"""Two agencies' watch officers side by side: each sees its agency's alerts, both the same tracks.

The scenario's first minutes are replayed with the demo agencies (config/agencies.toml), so
the coast guard is responsible for or informed of every alert inside 12 nm, while customs
has only those of the port limits and the anchorage. Waits are for page conditions, never sleeps.
"""

from __future__ import annotations

import json

import pytest

from dashboard.auth import Role, User, hash_password
from fusion import topics
from fusion.agencies.routing import load_router
from fusion.cli import DEFAULT_AGENCIES, DEFAULT_ZONES
from tests.integration.browser.conftest import PASSWORDS, Pages, replay_first_minutes, serve


@pytest.fixture(scope="module")
def agency_server(tmp_path_factory):
    broker = replay_first_minutes(tmp_path_factory, load_router(DEFAULT_AGENCIES, DEFAULT_ZONES))
    users = {
        username: User(username, name, Role.WATCH_OFFICER, hash_password(PASSWORDS[username]), agency)
        for username, name, agency in [
            ("cg-officer", "Coast Guard Officer", "coastguard"),
            ("customs-officer", "Customs Officer", "customs"),
        ]
    }
    with serve(broker, users, tmp_path_factory.mktemp("audit") / "audit.jsonl") as running:
        yield running


@pytest.fixture
def agency_pages(browser, agency_server, request):
    pages = Pages(browser, agency_server, request.node.name)
    yield pages
    for page in pages.opened:
        page.context.close()
    assert not pages.errors, f"browser console errors: {pages.errors}"


def _shown_ids(page) -> set[str]:
    return {
        json.loads(i)["index"]
        for i in page.locator("#alert-list .alert").evaluate_all("l => l.map(e => e.id)")
    }


def _routed(agency_server, agency: str) -> set[str]:
    alerts = [json.loads(e.value) for e in agency_server.broker.read(topics.ALERTS)]
    return {a["alert_id"] for a in alerts if agency in (a["responsible_agency"], *a["informed_agencies"])}


def test_agency001_each_officer_sees_their_agencys_alerts_and_the_common_picture_on_request(
    agency_pages, agency_server
) -> None:
    coastguard = agency_pages.open("cg-officer")
    customs = agency_pages.open("customs-officer")
    mine_cg, mine_customs = _routed(agency_server, "coastguard"), _routed(agency_server, "customs")
    every = {json.loads(e.value)["alert_id"] for e in agency_server.broker.read(topics.ALERTS)}
    assert mine_customs and mine_customs < mine_cg <= every, "the scenario's first minutes should split"

    for page, agency, mine in ((coastguard, "coastguard", mine_cg), (customs, "customs", mine_customs)):
        page.wait_for_selector(f"#alert-scope label:has-text('{agency} alerts') input:checked")
        page.wait_for_function(f"document.querySelectorAll('#alert-list .alert').length === {len(mine)}")
        assert _shown_ids(page) == mine
        assert agency in page.inner_text("#user-badge")

    # The same tracks for everyone: the status bars agree on the picture.
    status = coastguard.inner_text("#status-bar").split(" open alerts")[0]
    customs.wait_for_function(
        f"document.querySelector('#status-bar').textContent.startsWith({json.dumps(status)})"
    )

    customs.click("#alert-scope label:has-text('common picture')")
    customs.wait_for_function(f"document.querySelectorAll('#alert-list .alert').length === {len(every)}")
    assert _shown_ids(customs) == every
    assert _shown_ids(coastguard) == mine_cg  # one officer's choice is not the other's
    customs_own = {
        a["alert_id"]
        for a in map(json.loads, (e.value for e in agency_server.broker.read(topics.ALERTS)))
        if a["responsible_agency"] == "customs"
    }
    assert customs.locator("#alert-list .alert", has_text="for customs").count() == len(customs_own) > 0
    agency_pages.screenshot(customs, "agency001_customs_common_picture")
