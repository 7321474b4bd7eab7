"""``seawatch demo``: replay a scenario live on the embedded bus and serve the dashboard.

The replay runs in a background thread at ``speed`` times real time and publishes to a
``MemoryBroker``; the dashboard is a separate consumer group of that broker, exactly as
it would be of a Kafka cluster.
"""

from __future__ import annotations

import json
import logging
import tempfile
import threading
from pathlib import Path

from dashboard.app import create_app
from dashboard.picture import PictureFeed
from fusion.bus import MemoryBroker, MemoryBus
from fusion.replay import run_replay
from ingest.scenario import open_scenario

log = logging.getLogger(__name__)


def run_demo(scenario_dir: Path, *, zones_path: Path, speed: float | None, host: str, port: int) -> None:
    scenario = open_scenario(scenario_dir, zones_path)
    broker = MemoryBroker()
    out_dir = Path(tempfile.mkdtemp(prefix="seawatch-demo-"))

    def replay() -> None:
        summary = run_replay(
            scenario,
            tracks_out=out_dir / "tracks.jsonl",
            alerts_out=out_dir / "alerts.jsonl",
            speed=speed,
            broker=broker,
        )
        log.warning("demo replay finished: %d records; outputs in %s", summary.records_in, out_dir)

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per HTTP request is noise in a log
    threading.Thread(target=replay, name="replay", daemon=True).start()
    feed = PictureFeed(MemoryBus(broker, group_id="dashboard"))
    app = create_app(feed, json.loads(scenario.zones_path.read_text()), scenario.area_lat)
    print(
        f"seawatch demo: replaying {scenario.path} at {speed or 'max'}x; dashboard on http://{host}:{port}/ "
        "(Ctrl-C stops)",
        flush=True,
    )
    app.run(host=host, port=port, debug=False)
