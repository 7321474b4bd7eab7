"""Alerts routed per agency on the real broker: ``seawatch fuse --agencies`` and the example consumer.

The partner's policy is the demo's (identity and position, no message, no evidence, no
routing); its area is widened to the whole demo area and it is informed of every kind, so
that every alert of the scenario crosses the partner boundary and is checked there.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import fastjsonschema
import pytest
from shapely.geometry import box

from fusion.agencies.config import load_agencies
from fusion.rules.zones import load_zones
from fusion.schemas import AlertKind
from tests.integration.kafka.helpers import REPO_ROOT, alert_events, read_topic, seawatch, topic_env

pytestmark = pytest.mark.slow

AGENCY_SCHEMA = REPO_ROOT / "docs" / "schemas" / "alerts.agency.schema.json"
ALERT_SCHEMA = REPO_ROOT / "docs" / "schemas" / "alerts.schema.json"


def _wide_partner_agencies(tmp_path: Path) -> Path:
    text = (REPO_ROOT / "config" / "agencies.toml").read_text()
    text = text.replace(
        '"belts_karachi.geojson"', json.dumps(str(REPO_ROOT / "config" / "belts_karachi.geojson"))
    )
    text = re.sub(
        r"polygon = \[\[66\.80.*\]\]",
        "polygon = [[65.5, 23.5], [68.5, 23.5], [68.5, 25.8], [65.5, 25.8], [65.5, 23.5]]",
        text,
    )
    partner_kinds = 'informed_of = ["dark_vessel", "ais_gap", "rendezvous", "spoofing", "vessel_of_interest"]'
    assert text.count(partner_kinds) == 1
    text = text.replace(partner_kinds, 'informed_of = ["*"]')
    path = tmp_path / "agencies.toml"
    path.write_text(text)
    return path


def test_each_agency_gets_its_alerts_and_the_partner_never_a_withheld_field(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    agencies_path = _wide_partner_agencies(tmp_path)
    config = load_agencies(agencies_path, load_zones(REPO_ROOT / "zones.geojson"))
    assert config.agency("partner").informed_of == frozenset(AlertKind)
    assert config.areas[0].geometry.contains(box(66.2, 24.2, 67.7, 25.3))  # the whole demo area
    env = topic_env(topic_suffix) | {"SEAWATCH_TOPIC_AGENCY_ALERTS": f"test.alerts.{{agency}}.{topic_suffix}"}
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--partitions", "2", env=env)
    seawatch(
        "fuse", "--bus", bus_url, "--area", f"small={small_scenario}", "--group", f"fuse-{topic_suffix}",
        "--state-dir", str(tmp_path / "state"), "--exit-when-idle-s", "2", "--agencies", str(agencies_path),
        env=env,
    )  # fmt: skip

    alerts = [e.value for e in read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_ALERTS"])]
    assert alert_events(alerts) == alert_events(
        small_reference.joinpath("alerts.jsonl").read_bytes().splitlines()
    )
    assert len(alerts) >= 3, "the scenario should raise a few alerts"
    validate_alert = fastjsonschema.compile(json.loads(ALERT_SCHEMA.read_text()))
    routed = [json.loads(value) for value in alerts]
    for alert in routed:
        validate_alert(alert)
        assert alert["responsible_agency"] in config.ids

    validate_shared = fastjsonschema.compile(json.loads(AGENCY_SCHEMA.read_text()))
    for agency in config.agencies:
        topic = f"test.alerts.{agency.id}.{topic_suffix}"
        values = [e.value for e in read_topic(kafka_bootstrap, topic, quiet_s=1.0)]
        expected = [a for a in routed if agency.id in (a["responsible_agency"], *a["informed_agencies"])]
        assert alert_events(values) == {(a["alert_id"], a["state"], a["time"]) for a in expected}, agency.id
        for value in values:
            shared = json.loads(value)
            validate_shared(shared)
            assert set(shared) <= {"schema_version", *agency.sharing.fields}, agency.id
        if agency.sharing.is_full:
            assert set(values) <= set(alerts)  # domestic: the very bytes of the common picture

    partner_topic = f"test.alerts.partner.{topic_suffix}"
    partner = [json.loads(e.value) for e in read_topic(kafka_bootstrap, partner_topic, quiet_s=1.0)]
    assert len(partner) == len(routed)  # every alert crossed the boundary, so every one was cut
    for shared in partner:
        assert not {"message", "evidence", "zone_id", "responsible_agency", "informed_agencies"} & set(shared)
        assert "mmsi" in shared and "track_id" in shared  # vessel identity is shared

    # The example consumer an agency runs: reads the same events, validates, resumes without repeats.
    out = tmp_path / "partner.jsonl"
    consumer = [
        sys.executable, str(REPO_ROOT / "examples" / "agency_consumer.py"), "--bootstrap", kafka_bootstrap,
        "--agency", "partner", "--topic", partner_topic, "--group", f"partner-{topic_suffix}",
        "--schema", str(AGENCY_SCHEMA), "--out", str(out), "--idle-exit-s", "4",
    ]  # fmt: skip
    first = subprocess.run(consumer, capture_output=True, text=True, timeout=120, check=True)
    lines = out.read_text().splitlines()
    assert alert_events([line.encode() for line in lines]) == alert_events(
        [json.dumps(p).encode() for p in partner]
    )
    assert len(first.stdout.splitlines()) == len(lines) and "0 rejected" in first.stderr
    again = subprocess.run(consumer, capture_output=True, text=True, timeout=120, check=True)
    assert again.stdout == "" and out.read_text().splitlines() == lines  # committed: nothing twice
