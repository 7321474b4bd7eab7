"""Every alert a replay produces is valid against docs/schemas/alerts.schema.json, the public
contract for alert consumers, and follows the lifecycle raised -> updated* -> cleared.

The bundled scenario is replayed with every rule switched on: zone settings (speed limit,
loitering threshold, AIS required) written into a copy of its zones, and a watch list.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections import defaultdict
from pathlib import Path

import fastjsonschema
import pytest

from fusion.cli import DEFAULT_SCENARIO, DEFAULT_ZONES
from fusion.replay import run_replay
from fusion.rules.config import DEFAULT_CONFIG, WatchList
from ingest.scenario import open_scenario

SCHEMAS = Path(__file__).resolve().parents[2] / "docs" / "schemas"
ZONE_SETTINGS = {
    "KHI-CHANNEL": {"speed_limit_kn": 12},
    "KHI-ANCH": {"loiter_after_s": 300},
    "NAVAL-EX": {"require_ais": True},
}


@pytest.fixture(scope="module")
def alerts(tmp_path_factory) -> list[dict]:
    folder = tmp_path_factory.mktemp("all-rules")
    for name in ("sensors.json", "ais.nmea", "radar.jsonl"):
        shutil.copyfile(DEFAULT_SCENARIO / name, folder / name)
    zones = json.loads((DEFAULT_SCENARIO / "zones.geojson").read_text())
    for feature in zones["features"]:
        feature["properties"].update(ZONE_SETTINGS.get(feature["properties"]["id"], {}))
    (folder / "zones.geojson").write_text(json.dumps(zones))
    mmsi = next(
        json.loads(line)["mmsi"]
        for line in (DEFAULT_SCENARIO / "events.jsonl").read_text().splitlines()
        if json.loads(line)["mmsi"] is not None
    )
    config = dataclasses.replace(DEFAULT_CONFIG, watch_list=WatchList(mmsi=frozenset({mmsi})))
    run_replay(
        open_scenario(folder, DEFAULT_ZONES),
        tracks_out=folder / "tracks.jsonl",
        alerts_out=folder / "alerts.jsonl",
        rules_config=config,
    )
    return [json.loads(line) for line in (folder / "alerts.jsonl").read_text().splitlines()]


def test_every_alert_is_valid_against_the_published_schema(alerts):
    validate = fastjsonschema.compile(json.loads((SCHEMAS / "alerts.schema.json").read_text()))
    for alert in alerts:
        validate(alert)
    kinds = {a["kind"] for a in alerts}
    assert {"zone_entry", "zone_exit", "dark_vessel", "rendezvous", "speeding", "loitering"} <= kinds
    assert {"no_ais_in_zone", "vessel_of_interest"} <= kinds


def test_every_incident_follows_the_lifecycle(alerts):
    states: dict[str, list[str]] = defaultdict(list)
    for alert in alerts:
        states[alert["alert_id"]].append(alert["state"])
    for alert_id, sequence in states.items():
        assert sequence[0] == "raised", alert_id
        assert sequence.count("raised") == 1 and sequence.count("cleared") <= 1, alert_id
        assert "cleared" not in sequence[:-1], alert_id
