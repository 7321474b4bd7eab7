"""Accountability on a real broker: recordings prove their replays; the audit topic anchors the files.

``seawatch record`` writes manifest.json and ``seawatch replay`` refuses the recording once
a line of it is removed. ``seawatch dashboard`` on Kafka records logins and logouts in its
host's audit file and mirrors each entry to the ``audit`` topic, so a cut end of the file,
undetectable from the file alone, is caught against the topic.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from fusion.manifest import MANIFEST_NAME, fingerprint
from fusion.simulator.generate import simulate
from tests.integration.kafka.helpers import REPO_ROOT, seawatch, start_seawatch, topic_env

ZONES = REPO_ROOT / "zones.geojson"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """A seawatch command whose failure is the point of the test."""
    return subprocess.run(
        [sys.executable, "-m", "fusion.cli", *args],
        cwd=REPO_ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def tiny_scenario(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny") / "tiny"
    simulate(seed=5, vessels=6, minutes=2, out_dir=out, zones_path=ZONES, progress=False)
    return out


def test_a_recording_carries_a_manifest_and_a_tampered_copy_is_refused(
    kafka_bootstrap: str, topic_suffix: str, tiny_scenario: Path, tmp_path: Path
) -> None:
    env = topic_env(topic_suffix)
    bus_url = f"kafka://{kafka_bootstrap}"
    seawatch("replay", str(tiny_scenario), "--bus", bus_url, "--area", "tiny", env=env)
    recorded = tmp_path / "recorded"
    done = seawatch(
        "record", "--bus", bus_url, "--group", f"rec-{topic_suffix}", "--out", str(recorded),
        "--sensors", str(tiny_scenario / "sensors.json"), "--zones", str(ZONES), "--exit-when-idle-s", "2",
        env=env,
    )  # fmt: skip
    manifest = json.loads((recorded / MANIFEST_NAME).read_text())
    assert f"recording sha256 {fingerprint(recorded)}" in done.stderr  # to note at recording time
    assert set(manifest["files"]) == {"ais.nmea", "radar.jsonl", "sensors.json", "zones.geojson"}
    assert manifest["made_by"] == "seawatch record"
    radar_lines = manifest["files"]["radar.jsonl"]["lines"]
    assert radar_lines == manifest["counts"]["recorded:radar_plots"] > 0

    replayed = seawatch("replay", str(recorded), "--out", str(tmp_path / "a"), env=env)
    assert json.loads(replayed.stdout)["recording"]["sha256"] == fingerprint(recorded)

    radar = recorded / "radar.jsonl"
    lines = radar.read_bytes().splitlines(keepends=True)
    radar.write_bytes(b"".join(lines[:5] + lines[6:]))  # one plot quietly removed
    refused = _run("replay", str(recorded), "--out", str(tmp_path / "b"), env=env)
    assert refused.returncode == 2
    size = manifest["files"]["radar.jsonl"]["size_bytes"]
    assert f"radar.jsonl: content differs from the recording (size_bytes {size} -> " in refused.stderr
    assert (
        f"lines {radar_lines} -> {radar_lines - 1}" in refused.stderr
        and "--allow-unverified" in refused.stderr
    )
    assert not (tmp_path / "b" / "tracks.jsonl").exists()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_http(url: str, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    raise AssertionError(f"no dashboard at {url} after {timeout_s} s")


def test_dashboard_actions_reach_the_audit_topic_which_anchors_the_file(
    kafka_bootstrap: str, topic_suffix: str, tiny_scenario: Path, tmp_path: Path
) -> None:
    env = {**topic_env(topic_suffix), "SEAWATCH_TOPIC_AUDIT": f"test.audit.{topic_suffix}"}
    bus_url = f"kafka://{kafka_bootstrap}"
    audit_log = tmp_path / "audit.jsonl"
    port = _free_port()
    start_seawatch(
        "dashboard", "--bus", bus_url, "--area", f"tiny={tiny_scenario}", "--audit-log", str(audit_log),
        "--port", str(port), env=env, log_path=tmp_path / "dashboard.log",
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    _wait_for_http(f"{base}/login")
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    for password in ("wrong", "officer-demo"):
        form = urllib.parse.urlencode({"username": "officer", "password": password}).encode()
        browser.open(f"{base}/login", data=form, timeout=10)
    browser.open(f"{base}/logout", timeout=10)

    actions = [json.loads(line)["action"] for line in audit_log.read_text().splitlines()]
    assert actions == ["login_failed", "login", "logout"]
    whole = _run("audit", "verify", str(audit_log), "--bus", bus_url, env=env)
    assert whole.returncode == 0, whole.stderr
    topic = _run("audit", "verify", "--bus", bus_url, env=env)
    (chain,) = json.loads(topic.stdout).values()
    assert chain["ok"] and chain["entries"] == 3

    lines = audit_log.read_bytes().splitlines(keepends=True)
    audit_log.write_bytes(b"".join(lines[:-1]))  # the logout removed: the file alone still verifies
    assert _run("audit", "verify", str(audit_log), env=env).returncode == 0
    cut = _run("audit", "verify", str(audit_log), "--bus", bus_url, env=env)
    assert cut.returncode == 1 and "TRUNCATED at line 2" in cut.stderr
