"""``seawatch demo``: replay a scenario live on the embedded bus and serve the dashboard.

The replay runs in a background thread at ``speed`` times real time and publishes to a
``MemoryBroker``; the dashboard is a separate consumer group of that broker, exactly as
it would be of a Kafka cluster. The demo users (config/users.demo.toml) have public
passwords, printed at start-up.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path

from dashboard.app import create_app
from dashboard.auth import load_users
from dashboard.config import DashboardConfig
from dashboard.picture import PictureFeed
from fusion.agencies.routing import AlertRouter, load_router
from fusion.audit import AuditLog
from fusion.bus import MemoryBroker, MemoryBus
from fusion.replay import run_replay
from ingest.mid import flag_state
from ingest.scenario import Scenario, open_scenario

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_USERS = REPO_ROOT / "config" / "users.demo.toml"
DEMO_AGENCIES = REPO_ROOT / "config" / "agencies.toml"
"""The Karachi demo's agencies (docs/agencies.md): alerts are routed to them."""
DEMO_CREDENTIALS = (
    "officer / officer-demo (coast guard watch officer), analyst / analyst-demo (maritime security "
    "agency analyst, read-only), customs / customs-demo (customs watch officer)"
)


def flag_name(mid: int) -> str | None:
    """The dashboard's MID lookup, served from the ingest helper's ITU table."""
    flag = flag_state(mid)
    return f"{flag.name} ({flag.alpha2})" if flag else None


def scenario_dashboard_config(scenario: Scenario, users_path: Path, audit: AuditLog) -> DashboardConfig:
    """Dashboard settings of a scenario: its zones and radar sites, the users file, the audit log."""
    return DashboardConfig(
        audit=audit,
        zones_geojson=json.loads(scenario.zones_path.read_text()),
        radars=tuple(scenario.sensors.radars),
        centre_lat=scenario.area_lat,
        centre_lon=scenario.area_lon,
        users=load_users(users_path),
        flag_of=flag_name,
    )


def start_replay(
    scenario: Scenario, broker: MemoryBroker, speed: float | None, router: AlertRouter | None = None
) -> threading.Thread:
    """Replay ``scenario`` onto ``broker`` in a daemon thread (outputs in a temporary folder)."""
    out_dir = Path(tempfile.mkdtemp(prefix="seawatch-demo-"))

    def replay() -> None:
        summary = run_replay(
            scenario,
            tracks_out=out_dir / "tracks.jsonl",
            alerts_out=out_dir / "alerts.jsonl",
            risk_out=out_dir / "risk.jsonl",  # the dashboard's ranked risk list reads the risk topic
            speed=speed,
            broker=broker,
            router=router,
        )
        log.warning("demo replay finished: %d records; outputs in %s", summary.records_in, out_dir)

    thread = threading.Thread(target=replay, name="replay", daemon=True)
    thread.start()
    return thread


def run_demo(
    scenario_dir: Path,
    *,
    zones_path: Path,
    speed: float | None,
    host: str,
    port: int,
    audit: AuditLog,
    users_path: Path = DEMO_USERS,
    agencies_path: Path | None = DEMO_AGENCIES,
) -> None:
    scenario = open_scenario(scenario_dir, zones_path)
    config = scenario_dashboard_config(scenario, users_path, audit)
    router = load_router(agencies_path, scenario.zones_path) if agencies_path is not None else None
    if router is not None:
        router.config.check_members({u.username: u.agency for u in config.users.values()}, str(users_path))
    broker = MemoryBroker()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per HTTP request is noise in a log
    start_replay(scenario, broker, speed, router)
    app = create_app(PictureFeed(MemoryBus(broker, group_id="dashboard")), config)
    login = f"log in as {DEMO_CREDENTIALS}" if users_path == DEMO_USERS else f"users from {users_path}"
    print(
        f"seawatch demo: replaying {scenario.path} at {speed or 'max'}x; dashboard on http://{host}:{port}/ "
        f"({login}; Ctrl-C stops)",
        flush=True,
    )
    app.run(host=host, port=port, debug=False)
