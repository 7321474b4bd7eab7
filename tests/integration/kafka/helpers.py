"""Helpers shared by the Kafka integration tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from fusion.bus import Bus, Envelope


def poll_until(bus: Bus, topics: list[str], count: int, timeout_s: float = 30.0) -> list[Envelope]:
    """Poll until ``count`` records arrived (Kafka fetches asynchronously) or the time is up."""
    out: list[Envelope] = []
    deadline = time.monotonic() + timeout_s
    while len(out) < count and time.monotonic() < deadline:
        out.extend(bus.poll(topics, max_records=count - len(out), timeout_s=0.2))
    return out


REPO_ROOT = Path(__file__).resolve().parents[3]
TOPIC_CONSTANTS = ("AIS_REPORTS", "AIS_STATIC", "RADAR_PLOTS", "REJECTS", "TRACKS", "ALERTS", "ALERT_ACKS")


def topic_env(suffix: str, outputs_suffix: str | None = None) -> dict[str, str]:
    """``SEAWATCH_TOPIC_*`` naming a private set of topics; ``outputs_suffix`` gives the outputs their own."""
    env = {}
    for constant in TOPIC_CONSTANTS:
        own = outputs_suffix if outputs_suffix and constant in ("TRACKS", "ALERTS", "REJECTS") else suffix
        env[f"SEAWATCH_TOPIC_{constant}"] = f"test.{constant.lower()}.{own}"
    return env


def seawatch(*args: str, env: dict[str, str], timeout_s: float = 300) -> subprocess.CompletedProcess[str]:
    """Run a ``seawatch`` command as its own process (the way services are deployed); fail loudly."""
    done = subprocess.run(
        [sys.executable, "-m", "fusion.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
    assert done.returncode == 0, f"seawatch {' '.join(args)} failed:\n{done.stderr[-3000:]}"
    return done


STARTED: list[subprocess.Popen[bytes]] = []
"""Services started by the running test; ``stop_leftover_services`` kills what is still up, so
a failed assertion never leaves a ``seawatch fuse`` running after the test (or after CI)."""


def start_seawatch(*args: str, env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    handle = log_path.open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "fusion.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        stdout=handle,
        stderr=subprocess.STDOUT,
    )
    STARTED.append(process)
    return process


def stop_leftover_services() -> None:
    """Kill every service a test started and did not see end; wait so none becomes an orphan."""
    while STARTED:
        process = STARTED.pop()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)


def read_topic(bootstrap: str, topic: str, *, quiet_s: float = 3.0) -> list[Envelope]:
    """Everything on ``topic`` (fresh group), in partition/offset order."""
    from fusion.bus_kafka import KafkaBus

    bus = KafkaBus([bootstrap], f"reader-{uuid.uuid4().hex}")
    out: list[Envelope] = []
    last = time.monotonic()
    try:
        while time.monotonic() - last < quiet_s:
            got = bus.poll([topic], max_records=10_000, timeout_s=0.2)
            if got:
                out.extend(got)
                last = time.monotonic()
    finally:
        bus.close()
    return sorted(out, key=lambda e: (e.partition, e.offset))


def alert_events(values: list[bytes]) -> set[tuple[str, str, float]]:
    """Alerts as consumers de-duplicate them: by id, state and time."""
    return {(a["alert_id"], a["state"], a["time"]) for a in map(json.loads, values)}
