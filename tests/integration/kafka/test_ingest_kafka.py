"""``seawatch ingest --bus kafka://`` against the real broker of ``make test``.

A radar NMEA recording and an AIS file go through the command line to Kafka; a consumer in a
fresh group reads back the plots (keyed ``AREA/RADAR`` for ``seawatch fuse``), the reject with its
raw text, and the compacted ``feed.health`` record.
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import pytest

from fusion import topics
from fusion.bus_factory import open_bus
from fusion.cli import main
from fusion.schemas import RadarPlot, Reject, RejectReason, from_json
from fusion.topics import FEED_HEALTH
from ingest.nmea import nmea_checksum


def s(body: str) -> str:
    return f"${body}*{nmea_checksum(body.encode()):02X}"


def test_ingest_command_publishes_plots_rejects_and_health_to_kafka(kafka_url: str, tmp_path: Path, capsys):
    radar_id = f"NAVICO{uuid.uuid4().hex[:8]}"
    log = tmp_path / "radar.nmea"
    log.write_text(
        "\r\n".join(
            [
                s("GPRMC,134601,A,5812.7405,N,01132.8508,E,0.0,67.0,270715,2.9,E,A"),
                s("RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,1,T,,134601,M"),
                s("RATTM,02,1.20,39.1,T,9.0,2.9,T,,,N,2,Q,,134602,M"),
                "$GPGLL,5812.7400,N,01132.8530,E,142634",  # truncated: dead-lettered
            ]
        )
        + "\r\n"
    )
    site = "58.2123416667,11.5475133333"
    feed = f"radar-nmea:{radar_id}={log}"
    assert main(["ingest", "--bus", kafka_url, "--site", site, "--area", "lysekil", feed]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary[f"radar-nmea:{radar_id}@{log}"]["by_topic"] == {"ingest.rejects": 1, "radar.plots": 2}

    consumer = open_bus(kafka_url, f"test-ingest-{uuid.uuid4().hex[:8]}")
    try:
        consumer.subscribe([topics.RADAR_PLOTS, topics.REJECTS, FEED_HEALTH])  # type: ignore[attr-defined]
        mine = []
        deadline = time.monotonic() + 30.0
        while len(mine) < 4 and time.monotonic() < deadline:
            polled = consumer.poll([topics.RADAR_PLOTS, topics.REJECTS, FEED_HEALTH], timeout_s=0.2)
            mine += [e for e in polled if radar_id in e.key or str(log) in e.key]
    finally:
        consumer.close()
    by_topic = {
        t: [e for e in mine if e.topic == t] for t in (topics.RADAR_PLOTS, topics.REJECTS, FEED_HEALTH)
    }
    plots = [from_json(RadarPlot, e.value) for e in by_topic[topics.RADAR_PLOTS]]
    assert [e.key for e in by_topic[topics.RADAR_PLOTS]] == [f"lysekil/{radar_id}"] * 2
    assert [p.extra["target"] for p in plots] == [1, 2]
    assert plots[0].range_m == pytest.approx(0.48 * 1852, abs=0.01)
    (reject,) = [from_json(Reject, e.value) for e in by_topic[topics.REJECTS]]
    assert reject.reason == RejectReason.MALFORMED_SENTENCE and reject.raw.startswith("$GPGLL")
    (health,) = [json.loads(e.value) for e in by_topic[FEED_HEALTH]]
    assert health["running"] is False and health["messages"] == 3
