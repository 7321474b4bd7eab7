"""The Kafka services end to end on the real broker, each command in its own process.

``seawatch replay --bus kafka://`` publishes a scenario, ``seawatch fuse`` turns it into
tracks and alerts, ``seawatch record`` turns the raw topics back into a scenario folder;
the reference for every picture is the embedded (in-memory) replay of the same folder.
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import fastjsonschema
import pytest

from fusion.bus_kafka import KafkaBus
from fusion.replay import run_replay
from fusion.schemas import AisReport, RadarPlot, TimeSource, to_json
from ingest.scenario import open_scenario
from tests.integration.kafka.helpers import (
    REPO_ROOT,
    alert_events,
    read_topic,
    seawatch,
    start_seawatch,
    topic_env,
)

pytestmark = pytest.mark.slow

SCHEMAS = REPO_ROOT / "docs" / "schemas"
ZONES = REPO_ROOT / "zones.geojson"


def _validator(default_topic: str):
    return fastjsonschema.compile(json.loads((SCHEMAS / f"{default_topic}.schema.json").read_text()))


def _reference_alerts(reference: Path) -> set[tuple[str, str, float]]:
    return alert_events(reference.joinpath("alerts.jsonl").read_bytes().splitlines())


def _fuse_args(bootstrap: str, scenario: Path, group: str, state: Path, *extra: str) -> list[str]:
    return [
        "fuse",
        "--bus",
        f"kafka://{bootstrap}",
        "--area",
        f"small={scenario}",
        "--group",
        group,
        "--state-dir",
        str(state),
        *extra,
    ]


def test_fuse_over_kafka_gives_the_embedded_pictures_and_schema_valid_values(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--partitions", "2", env=env)
    done = seawatch(
        *_fuse_args(
            kafka_bootstrap, small_scenario, f"fuse-{topic_suffix}", tmp_path, "--exit-when-idle-s", "2"
        ),
        env=env,
    )

    tracks = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_TRACKS"])
    alerts = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_ALERTS"])
    assert sorted(e.value for e in tracks) == sorted(
        small_reference.joinpath("tracks.jsonl").read_bytes().splitlines()
    )
    assert alert_events([e.value for e in alerts]) == _reference_alerts(small_reference)
    assert json.loads(done.stdout)["fed:small"] > 4000

    for constant, default in [
        ("TRACKS", "tracks"),
        ("ALERTS", "alerts"),
        ("AIS_REPORTS", "ais.reports"),
        ("AIS_STATIC", "ais.static"),
        ("RADAR_PLOTS", "radar.plots"),
        ("REJECTS", "ingest.rejects"),
    ]:
        validate = _validator(default)
        values = [
            e.value for e in read_topic(kafka_bootstrap, env[f"SEAWATCH_TOPIC_{constant}"], quiet_s=1.0)
        ]
        assert values, f"nothing on {constant}"
        for value in values:
            validate(json.loads(value))


def test_malformed_messages_go_to_the_dead_letter_topic_and_fusion_carries_on(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--partitions", "2", env=env)
    first_time = json.loads(
        read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_RADAR_PLOTS"], quiet_s=1)[0].value
    )["time"]
    bad = KafkaBus([kafka_bootstrap], "bad-producer")
    plot = RadarPlot(
        time=first_time + 60, sensor_id="R9", plot_id=1, range_m=1000.0, bearing_deg=10.0,
        range_sigma_m=20.0, bearing_sigma_deg=0.3,
    )  # fmt: skip
    report = AisReport(
        time=first_time + 61, time_source=TimeSource.TAG_BLOCK, mmsi=123456789, msg_type=1,
        lat=24.7, lon=66.9, sog_kn=None, cog_deg=None, heading_deg=None, nav_status=None,
        receiver_id="X", raw="",
    )  # fmt: skip
    bad.publish(env["SEAWATCH_TOPIC_AIS_REPORTS"], "small/KHI-AIS", b"this is not JSON", first_time + 60)
    bad.publish(
        env["SEAWATCH_TOPIC_AIS_REPORTS"],
        "small/KHI-AIS",
        b'{"schema_version": 1, "time": 5}',
        first_time + 60,
    )
    bad.publish(env["SEAWATCH_TOPIC_RADAR_PLOTS"], "small/MANORA", b'{"schema_version": 7}', first_time + 60)
    bad.publish(env["SEAWATCH_TOPIC_RADAR_PLOTS"], "atlantis/R9", to_json(plot), plot.time)
    bad.publish(env["SEAWATCH_TOPIC_AIS_REPORTS"], "atlantis/X", to_json(report), report.time)
    bad.close()

    seawatch(
        *_fuse_args(
            kafka_bootstrap, small_scenario, f"fuse-{topic_suffix}", tmp_path, "--exit-when-idle-s", "2"
        ),
        env=env,
    )
    record_dir = tmp_path / "recorded"
    seawatch(
        "record", "--bus", bus_url, "--group", f"rec-{topic_suffix}", "--out", str(record_dir),
        "--sensors", str(small_scenario / "sensors.json"), "--exit-when-idle-s", "2", env=env,
    )  # fmt: skip

    rejects = [json.loads(e.value) for e in read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_REJECTS"])]
    from_topics = [r for r in rejects if r["source"].startswith("test.")]
    by_reason: dict[str, list[dict]] = {}
    for reject in from_topics:
        by_reason.setdefault(reject["reason"], []).append(reject)
    assert len(by_reason["malformed_record"]) == 2 * 3  # fuse and record each dead-letter the three
    assert {r["raw"] for r in by_reason["malformed_record"]} == {
        "this is not JSON",
        '{"schema_version": 1, "time": 5}',
        '{"schema_version": 7}',
    }
    assert any("schema_version 7" in r["detail"] for r in by_reason["malformed_record"])
    assert len(by_reason["unknown_sensor"]) == 2
    assert all("atlantis" in r["detail"] for r in by_reason["unknown_sensor"])
    alerts = read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_ALERTS"])
    assert alert_events([e.value for e in alerts]) == _reference_alerts(small_reference)


def test_a_recording_of_the_raw_topics_replays_identically(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", "small", env=env)
    recorded = tmp_path / "recorded"
    seawatch(
        "record", "--bus", bus_url, "--group", f"rec-{topic_suffix}", "--out", str(recorded),
        "--sensors", str(small_scenario / "sensors.json"), "--zones", str(ZONES), "--exit-when-idle-s", "2",
        env=env,
    )  # fmt: skip

    run_replay(
        open_scenario(recorded, ZONES),
        tracks_out=tmp_path / "tracks.jsonl",
        alerts_out=tmp_path / "alerts.jsonl",
    )
    assert (tmp_path / "tracks.jsonl").read_bytes() == (small_reference / "tracks.jsonl").read_bytes()
    assert (tmp_path / "alerts.jsonl").read_bytes() == (small_reference / "alerts.jsonl").read_bytes()


def test_fuse_killed_mid_replay_restarts_from_its_snapshot_with_the_same_alerts(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    """kill -9 while the replay is still publishing; the restarted service restores its last
    snapshot, re-emits what came after it (exact duplicates) and ends with the picture of an
    uninterrupted run."""
    bus_url = f"kafka://{kafka_bootstrap}"
    crashed = topic_env(topic_suffix, outputs_suffix=f"crashed{topic_suffix}")
    steady = topic_env(topic_suffix, outputs_suffix=f"steady{topic_suffix}")
    state = tmp_path / "state"
    replay = start_seawatch(
        "replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--speed", "25",
        env=crashed, log_path=tmp_path / "replay.log",
    )  # fmt: skip
    fuse_args = _fuse_args(
        kafka_bootstrap, small_scenario, f"fuse-crash-{topic_suffix}", state,
        "--snapshot-every-s", "20", "--idle-partition-s", "30",
    )  # fmt: skip
    victim = start_seawatch(*fuse_args, env=crashed, log_path=tmp_path / "fuse1.log")
    deadline = time.monotonic() + 60
    while not list(state.glob("*/p*.pickle")) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert list(state.glob("*/p*.pickle")), (
        "no snapshot written:\n" + (tmp_path / "fuse1.log").read_text()[-3000:]
    )
    time.sleep(2.0)
    assert replay.poll() is None, "the replay finished before the crash; the test needs a slower --speed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()

    restarted = seawatch(*fuse_args, "--exit-when-idle-s", "3", env=crashed, timeout_s=300)
    assert replay.wait(timeout=120) == 0
    assert json.loads(restarted.stdout)["restored"] >= 1
    seawatch(
        *_fuse_args(kafka_bootstrap, small_scenario, f"fuse-steady-{topic_suffix}", tmp_path / "steady-state",
                    "--exit-when-idle-s", "2"),
        env=steady,
    )  # fmt: skip

    crashed_alerts = [e.value for e in read_topic(kafka_bootstrap, crashed["SEAWATCH_TOPIC_ALERTS"])]
    steady_alerts = [e.value for e in read_topic(kafka_bootstrap, steady["SEAWATCH_TOPIC_ALERTS"])]
    assert alert_events(crashed_alerts) == alert_events(steady_alerts) == _reference_alerts(small_reference)
    assert set(crashed_alerts) == set(steady_alerts)  # duplicates are byte-identical re-emissions
    crashed_tracks = [e.value for e in read_topic(kafka_bootstrap, crashed["SEAWATCH_TOPIC_TRACKS"])]
    steady_tracks = [e.value for e in read_topic(kafka_bootstrap, steady["SEAWATCH_TOPIC_TRACKS"])]
    assert set(crashed_tracks) == set(steady_tracks)
    assert len(crashed_tracks) >= len(steady_tracks)
