"""Scaling out by area, and a broker restart under load, on real brokers."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fusion.bus_kafka import area_partition
from tests.integration.kafka.helpers import (
    REPO_ROOT,
    alert_events,
    read_topic,
    seawatch,
    start_seawatch,
    topic_env,
)

pytestmark = pytest.mark.slow

KAFKA_SCRIPT = REPO_ROOT / "scripts" / "kafka"


def test_two_fuse_instances_in_one_group_each_own_an_area(
    kafka_bootstrap: str, topic_suffix: str, small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    areas = ("north", "south")
    assert {area_partition(a.encode(), 2) for a in areas} == {0, 1}  # the scheme puts them apart
    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    fuse_args = [
        "fuse", "--bus", bus_url, "--group", f"fuse-{topic_suffix}", "--state-dir", str(tmp_path / "state"),
        "--area", f"north={small_scenario}", "--area", f"south={small_scenario}", "--exit-when-idle-s", "10",
    ]  # fmt: skip
    # both instances join (and create the 2-partition topics) before any data, so the group
    # settles on one partition each and no partition changes hands mid-run
    instances = [start_seawatch(*fuse_args, "--partitions", "2", env=env, log_path=tmp_path / f"fuse{i}.log")
                 for i in (1, 2)]  # fmt: skip
    _wait_until_each_owns_one_partition([tmp_path / f"fuse{i}.log" for i in (1, 2)])
    for area in areas:
        seawatch("replay", str(small_scenario), "--bus", bus_url, "--area", area, env=env)
    for instance in instances:
        assert instance.wait(timeout=300) == 0

    summaries = [_last_json_line(tmp_path / f"fuse{i}.log") for i in (1, 2)]
    fed = [{k: v for k, v in s.items() if k.startswith("fed:")} for s in summaries]
    reference_tracks = small_reference.joinpath("tracks.jsonl").read_bytes().splitlines()
    assert sorted(set().union(*fed)) == ["fed:north", "fed:south"]
    for one in fed:
        assert len(one) == 1, f"an instance fed more than its own area: {fed}"
    tracks = [e.value for e in read_topic(kafka_bootstrap, env["SEAWATCH_TOPIC_TRACKS"])]
    for area in areas:  # each area's picture is the embedded replay's, under track ids of its own
        prefix = f'"track_id":"{area}:T'.encode()
        own = {t.replace(prefix, b'"track_id":"T') for t in tracks if prefix in t}
        assert own == set(reference_tracks), area
    assert all(b'"track_id":"north:T' in t or b'"track_id":"south:T' in t for t in tracks)


def _wait_until_each_owns_one_partition(logs: list[Path], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        owned = []
        for log in logs:
            lines = [line for line in log.read_text().splitlines() if "owns partitions" in line]
            owned.append(lines[-1].rsplit("owns partitions", 1)[1].strip() if lines else None)
        if sorted(owned, key=str) == ["[0]", "[1]"]:
            return
        time.sleep(0.5)
    pytest.fail(f"the group never settled on one partition per instance: {owned}")


def _last_json_line(log: Path) -> dict:
    lines = [line for line in log.read_text().splitlines() if line.startswith("{")]
    assert lines, f"no summary in {log}:\n{log.read_text()[-2000:]}"
    return json.loads(lines[-1])


@pytest.fixture
def own_broker(tmp_path: Path, kafka_bootstrap: str) -> Iterator[tuple[str, dict[str, str]]]:
    """A second broker of our own (scripts/kafka, its own folder) that the test may restart."""
    env = {**os.environ, "SEAWATCH_KAFKA_DIR": str(tmp_path / "broker")}
    started = subprocess.run([KAFKA_SCRIPT, "start"], env=env, capture_output=True, text=True, timeout=180)
    assert started.returncode == 0, started.stderr
    try:
        yield started.stdout.strip(), env
    finally:
        subprocess.run([KAFKA_SCRIPT, "stop"], env=env, timeout=60)


def test_services_ride_out_a_broker_restart_without_losing_input(
    own_broker: tuple[str, dict[str, str]], small_scenario: Path, small_reference: Path, tmp_path: Path
) -> None:
    bootstrap, broker_env = own_broker
    env = topic_env("restart")
    bus_url = f"kafka://{bootstrap}"
    replay = start_seawatch(
        "replay", str(small_scenario), "--bus", bus_url, "--area", "small", "--speed", "20",
        env=env, log_path=tmp_path / "replay.log",
    )  # fmt: skip
    fuse = start_seawatch(
        "fuse", "--bus", bus_url, "--group", "fuse", "--state-dir", str(tmp_path / "state"),
        "--area", f"small={small_scenario}", "--idle-partition-s", "60", "--exit-when-idle-s", "8",
        env=env, log_path=tmp_path / "fuse.log",
    )  # fmt: skip
    time.sleep(8.0)
    assert replay.poll() is None, "the replay finished before the outage; the test needs a slower --speed"
    subprocess.run([KAFKA_SCRIPT, "stop"], env=broker_env, check=True, timeout=60)
    time.sleep(3.0)
    subprocess.run([KAFKA_SCRIPT, "start"], env=broker_env, check=True, timeout=180, capture_output=True)

    assert replay.wait(timeout=300) == 0, (tmp_path / "replay.log").read_text()[-3000:]
    assert fuse.wait(timeout=300) == 0, (tmp_path / "fuse.log").read_text()[-3000:]
    tracks = [e.value for e in read_topic(bootstrap, env["SEAWATCH_TOPIC_TRACKS"])]
    alerts = [e.value for e in read_topic(bootstrap, env["SEAWATCH_TOPIC_ALERTS"])]
    assert set(tracks) == set(small_reference.joinpath("tracks.jsonl").read_bytes().splitlines())
    assert alert_events(alerts) == alert_events(
        small_reference.joinpath("alerts.jsonl").read_bytes().splitlines()
    )
