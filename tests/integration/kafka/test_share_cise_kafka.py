"""``seawatch share cise`` on the real broker: a stopped and a crashed service lose no alert.

A scenario's real picture (the embedded replay's tracks and alerts, and the scenario's AIS
static data) is put on private topics; ``share cise`` runs as its own process against a
local HTTP endpoint that goes down after a few messages. The service is stopped (SIGTERM)
while retrying, restarted, killed (SIGKILL) while retrying, and restarted once more with the
partner back: every alert event must then have reached the partner, as a schema-valid
Anomaly, each MessageID counted once however often it was redelivered.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from fusion.bus_kafka import KafkaBus, TopicSpec
from fusion.schemas import AisStatic, to_json
from ingest.scenario import open_scenario, read_records
from tests.integration.cise.receiver import CiseReceiver
from tests.integration.kafka.helpers import REPO_ROOT, alert_events, seawatch, start_seawatch, topic_env
from tests.unit.cise.conftest import cise_validator  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


def _put_picture_on_kafka(
    bootstrap: str, env: dict[str, str], scenario: Path, reference: Path
) -> tuple[list[bytes], dict[int, str]]:
    """Statics, tracks and alerts on the private topics; returns the alert values and ship names."""
    bus = KafkaBus([bootstrap], "share-cise-producer")
    names = {name: env[f"SEAWATCH_TOPIC_{name}"] for name in ("AIS_STATIC", "TRACKS", "ALERTS")}
    bus.ensure_topics({names["AIS_STATIC"]: TopicSpec(1, compacted=True), names["TRACKS"]: TopicSpec(2)})
    bus.ensure_topics({names["ALERTS"]: TopicSpec(2)})
    ship_names: dict[int, str] = {}
    for record in read_records(open_scenario(scenario, REPO_ROOT / "zones.geojson"), Counter()):
        if isinstance(record, AisStatic):
            bus.publish(names["AIS_STATIC"], str(record.mmsi), to_json(record), record.time)
            if record.name:
                ship_names[record.mmsi] = record.name
    for line in reference.joinpath("tracks.jsonl").read_bytes().splitlines():
        bus.publish(names["TRACKS"], line.split(b'"track_id":"')[1].split(b'"')[0].decode(), line, 0.0)
    alerts = reference.joinpath("alerts.jsonl").read_bytes().splitlines()
    for line in alerts:
        bus.publish(names["ALERTS"], line.split(b'"alert_id":"')[1].split(b'"')[0].decode(), line, 0.0)
    bus.flush()
    bus.close()
    return alerts, ship_names


def _wait_until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_share_cise_survives_stop_and_crash_without_losing_an_alert(
    kafka_bootstrap: str,
    topic_suffix: str,
    small_scenario: Path,
    small_reference: Path,
    tmp_path: Path,
    cise_validator,  # noqa: F811
) -> None:
    env = topic_env(topic_suffix)
    alerts, ship_names = _put_picture_on_kafka(kafka_bootstrap, env, small_scenario, small_reference)
    events = alert_events(alerts)
    assert len(events) >= 4, "the small scenario should raise a few alerts"
    args = [
        "share", "cise", "--bus", f"kafka://{kafka_bootstrap}", "--group", f"share-{topic_suffix}",
        "--sender-id", "pk.seawatch-node01", "--recipient-id", "om.partner-node01", "--retry-max-s", "0.3",
        "--rejected-dir", str(tmp_path / "rejected"),
    ]  # fmt: skip
    with CiseReceiver(script=(200, 200), default=503) as partner:
        args += ["--url", partner.url]
        log = tmp_path / "share.log"
        stopped = start_seawatch(*args, env=env, log_path=log)
        _wait_until(lambda: partner.attempts >= 5, 90, "the service to retry against the down partner")
        stopped.send_signal(signal.SIGTERM)
        assert stopped.wait(timeout=30) == 0, log.read_text()[-3000:]
        assert len(partner.delivered) == 2, log.read_text()[-3000:]

        partner.script.extend((200,))
        crashed = start_seawatch(*args, env=env, log_path=log)
        _wait_until(lambda: partner.attempts >= 10, 90, "the restarted service to retry")
        crashed.kill()  # a crash: no clean shutdown, no commit
        crashed.wait(timeout=30)

        partner.default = 200
        done = seawatch(*args, "--exit-when-idle-s", "3", env=env)
    received = {}
    for message_id, body in partner.delivered:
        assert cise_validator.errors(body) == []
        received[message_id] = etree.fromstring(body)
    # every alert event, each MessageID once however often redelivered
    assert len(received) == len(events), f"{done.stdout}\n{done.stderr[-2000:]}\n{log.read_text()[-3000:]}"
    designations = {root.findtext("Payload/Anomaly/Metadata/Designation") for root in received.values()}
    assert designations == {f"seawatch alert {alert_id}" for alert_id, _, _ in events}
    vessels = [root.find("Payload/Anomaly/InvolvedObjectRel/Object") for root in received.values()]
    named = [
        (v.findtext("MMSI"), v.findtext("Name")) for v in vessels if v is not None and v.findtext("MMSI")
    ]
    # identities from ais.static, read from its start by every run
    assert named and all(name == ship_names.get(int(mmsi)) for mmsi, name in named)
    assert any(name is not None for _, name in named)
    assert '"delivered:Anomaly"' in done.stdout
