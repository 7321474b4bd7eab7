"""``seawatch fuse`` reads ``ais.static`` (broadcast to every area): the watch list by name and
IMO number works on the Kafka path as in the embedded replay.

The reference is the embedded replay of the same scenario with the same rules file: every
vessel-of-interest incident it raises (which MMSI, matched how) must come out of Kafka too.
Alert times may differ: on Kafka the static records are applied when they arrive, not in
event-time order with the measurements (fusion.services.fuse).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fusion.replay import run_replay
from fusion.rules.config import load_rules_config
from fusion.schemas import AisStatic
from ingest.ais import AisDecoder
from ingest.scenario import open_scenario
from tests.integration.kafka.helpers import REPO_ROOT, read_topic, seawatch, topic_env

pytestmark = pytest.mark.slow


def _identities(scenario: Path) -> list[AisStatic]:
    """The type 5 records (name and IMO number) in the scenario's AIS file, one per MMSI."""
    decoder = AisDecoder("scenario")
    seen: dict[int, AisStatic] = {}
    for number, line in enumerate((scenario / "ais.nmea").read_text().splitlines(), 1):
        for record in decoder.feed(line, number):
            if isinstance(record, AisStatic) and record.msg_type == 5 and record.name and record.imo:
                seen.setdefault(record.mmsi, record)
    return sorted(seen.values(), key=lambda r: r.mmsi)


def _vessels_of_interest(values: list[bytes]) -> set[tuple[int, str]]:
    alerts = [json.loads(v) for v in values]
    return {
        (a["mmsi"], a["evidence"]["matched"])
        for a in alerts
        if a["kind"] == "vessel_of_interest" and a["state"] == "raised"
    }


def test_fuse_matches_the_watch_list_by_name_and_imo_from_ais_static(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, tmp_path: Path
) -> None:
    by_name, by_imo = _identities(small_scenario)[:2]
    rules = tmp_path / "rules.toml"
    rules.write_text(f'[watch_list]\nnames = ["{by_name.name.lower()}"]\nimo = [{by_imo.imo}]\n')

    reference = tmp_path / "reference"
    run_replay(
        open_scenario(small_scenario, REPO_ROOT / "zones.geojson"),
        tracks_out=reference / "tracks.jsonl",
        alerts_out=reference / "alerts.jsonl",
        rules_config=load_rules_config(rules),
    )
    expected = _vessels_of_interest((reference / "alerts.jsonl").read_bytes().splitlines())
    assert expected == {(by_name.mmsi, "name"), (by_imo.mmsi, "imo")}

    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--partitions", "2", env=env)
    done = seawatch(
        "fuse",
        "--bus",
        bus_url,
        "--area",
        f"small={small_scenario}",
        "--group",
        f"fuse-{topic_suffix}",
        "--no-snapshots",
        "--rules",
        str(rules),
        "--exit-when-idle-s",
        "2",
        env=env,
    )
    alerts = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_ALERTS"])
    assert _vessels_of_interest([e.value for e in alerts]) == expected
    counts = json.loads(done.stdout)
    assert counts["identities_read"] > 0
    assert counts[f"in:{env['SEAWATCH_TOPIC_AIS_STATIC']}"] > 0  # handed to the area's rules
