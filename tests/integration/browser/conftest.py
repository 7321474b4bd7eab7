"""Browser tests: the real dashboard served on 127.0.0.1, driven by Playwright in Debian's chromium.

The bundled Karachi scenario is replayed once (as fast as possible) onto an in-process
broker, and one dashboard app serves it from a thread on a free port. Each test gets a
fresh browser context; a browser console error fails the test; every failure leaves a
screenshot in ``test-artifacts/`` (git-ignored), and the key screens are kept there too.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from dashboard.app import create_app
from dashboard.auth import Role, User, hash_password
from dashboard.config import DashboardConfig
from dashboard.picture import PictureFeed
from fusion.agencies.routing import AlertRouter
from fusion.audit import AuditLog
from fusion.audit_store import FileAuditStore
from fusion.bus import MemoryBroker, MemoryBus
from fusion.replay import run_replay
from ingest.scenario import open_scenario

REPO_ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORDS = {
    "officer": "test-officer-pw",
    "analyst": "test-analyst-pw",
    "cg-officer": "test-cg-pw",  # test_agency_browser.py: two agencies' watch officers
    "customs-officer": "test-customs-pw",
}

playwright_sync = pytest.importorskip("playwright.sync_api", reason="playwright not installed (make install)")
if not CHROMIUM.is_file():
    pytest.skip("no /usr/bin/chromium: run scripts/install_browser (make test does)", allow_module_level=True)


@dataclass(frozen=True)
class Server:
    url: str
    broker: MemoryBroker
    audit_path: Path
    """The dashboard's audit log file (docs/audit.md)."""


SCENARIO_MINUTES = 13
"""The first 13 of the scenario's 25 minutes: vessels, dark contacts, alerts of several kinds and
rejected lines are all there, at half the replay time of the whole. (At 12 the cut fell within
one radar scan of the second rendezvous alert, 718.5-721 s in: whether the risk list's top
vessel met its dark partner in time turned on a few metres of AIS noise.)"""
_TAG_TIME = re.compile(r"[,\\]c:(\d+)")


def first_minutes(source: Path, target: Path, minutes: float) -> Path:
    """A copy of a scenario folder cut at ``minutes`` after its first radar plot (files are time-ordered)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("sensors.json", "zones.geojson"):
        if (source / name).is_file():
            shutil.copy(source / name, target / name)
    radar_lines = (source / "radar.jsonl").read_text().splitlines(keepends=True)
    cutoff = json.loads(radar_lines[0])["time"] + minutes * 60.0
    with (target / "radar.jsonl").open("w") as out:
        out.writelines(line for line in radar_lines if json.loads(line)["time"] < cutoff)
    with (target / "ais.nmea").open("w", encoding="utf-8", errors="surrogateescape") as out:
        for line in (
            (source / "ais.nmea").read_text(encoding="utf-8", errors="surrogateescape").splitlines(True)
        ):
            tag_time = _TAG_TIME.search(line)
            if tag_time and float(tag_time.group(1)) >= cutoff:
                break
            out.write(line)
    return target


@pytest.fixture(scope="session")
def replayed_broker(tmp_path_factory) -> MemoryBroker:
    """The Karachi scenario's first minutes on a broker: tracks, alerts, risk, static data, feeds, rejects."""
    return replay_first_minutes(tmp_path_factory)


def replay_first_minutes(tmp_path_factory, router: AlertRouter | None = None) -> MemoryBroker:
    """A new broker holding the replay of the scenario's first ``SCENARIO_MINUTES`` (alerts routed
    to agencies when a ``router`` is given)."""
    folder = first_minutes(
        REPO_ROOT / "replay_data" / "karachi", tmp_path_factory.mktemp("karachi"), SCENARIO_MINUTES
    )
    scenario = open_scenario(folder, REPO_ROOT / "zones.geojson")
    broker = MemoryBroker()
    out = tmp_path_factory.mktemp("replay")
    run_replay(
        scenario,
        tracks_out=out / "tracks.jsonl",
        alerts_out=out / "alerts.jsonl",
        risk_out=out / "risk.jsonl",
        broker=broker,
        router=router,
    )
    return broker


@pytest.fixture(scope="session")
def server(replayed_broker, tmp_path_factory) -> Iterator[Server]:
    users = {
        "officer": User("officer", "Test Officer", Role.WATCH_OFFICER, hash_password(PASSWORDS["officer"])),
        "analyst": User("analyst", "Test Analyst", Role.ANALYST, hash_password(PASSWORDS["analyst"])),
    }
    with serve(replayed_broker, users, tmp_path_factory.mktemp("audit") / "audit.jsonl") as running:
        yield running


@contextmanager
def serve(broker: MemoryBroker, users: Mapping[str, User], audit_path: Path) -> Iterator[Server]:
    """One dashboard app of ``broker``'s topics for ``users``, served from a thread on a free port."""
    from werkzeug.serving import make_server

    scenario = open_scenario(REPO_ROOT / "replay_data" / "karachi", REPO_ROOT / "zones.geojson")
    config = DashboardConfig(
        zones_geojson=json.loads(scenario.zones_path.read_text()),
        radars=tuple(scenario.sensors.radars),
        centre_lat=scenario.area_lat,
        users=users,
        flag_of={463: "Pakistan (PK)"}.get,
        audit=AuditLog(FileAuditStore(audit_path), source="dashboard-under-test"),
    )
    app = create_app(PictureFeed(MemoryBus(broker, "dashboard-under-test")), config)
    http = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=http.serve_forever, name="dashboard-under-test", daemon=True)
    thread.start()
    try:
        yield Server(f"http://127.0.0.1:{http.server_port}", broker, audit_path)
    finally:
        http.shutdown()
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with playwright_sync.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


class Pages:
    """Opens pages in fresh contexts, records their console errors, screenshots them on failure."""

    def __init__(self, browser, server: Server, test_name: str) -> None:
        self.browser, self.server, self.test_name = browser, server, test_name
        self.opened: list = []
        self.errors: list[str] = []

    def open(self, user: str | None = "officer"):
        context = self.browser.new_context(viewport={"width": 1500, "height": 950}, accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)  # generous: CI shares 2 cores with the replay and the server
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        self.opened.append(page)
        page.goto(self.server.url + "/")
        if user is not None:
            login(page, user)
        return page

    def screenshot(self, page, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def login(page, user: str) -> None:
    page.fill("#username", user)
    page.fill("#password", PASSWORDS[user])
    page.click("#login-button")
    page.wait_for_selector("#picture-time")
    page.wait_for_function("document.querySelector('#picture-time').textContent.includes('UTC')")


@pytest.fixture
def pages(browser, server, request) -> Iterator[Pages]:
    pages = Pages(browser, server, request.node.name)
    yield pages
    failed = getattr(request.node, "report_call", None) is not None and request.node.report_call.failed
    for i, page in enumerate(pages.opened):
        if failed:
            pages.screenshot(page, f"{request.node.name}-failure-{i}")
        page.context.close()
    assert not pages.errors, f"browser console errors: {pages.errors}"
