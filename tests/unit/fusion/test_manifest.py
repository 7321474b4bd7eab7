"""Recording manifests: a replay reads what was recorded, or says loudly that it does not."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from fusion.cli import DEFAULT_SCENARIO, main
from fusion.manifest import MANIFEST_NAME, check_folder, fingerprint, write_manifest

SENSORS = {"radars": [], "ais_receivers": [{"id": "KHI-AIS", "lat": 24.8, "lon": 66.97, "range_m": 60000}]}
AIS_LINE = "\\s:KHI-AIS,c:1768456800*07\\!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24\n"


@pytest.fixture
def recording(tmp_path: Path) -> Path:
    folder = tmp_path / "rec"
    folder.mkdir()
    (folder / "ais.nmea").write_text(AIS_LINE * 3)
    (folder / "radar.jsonl").write_text("")
    (folder / "sensors.json").write_text(json.dumps(SENSORS))
    write_manifest(folder, ["ais.nmea", "radar.jsonl", "sensors.json"], made_by="test", counts={"n": 3})
    return folder


def test_manifest_lists_hash_size_and_lines_of_each_file(recording):
    manifest = json.loads((recording / MANIFEST_NAME).read_text())
    ais = (recording / "ais.nmea").read_bytes()
    assert manifest["files"]["ais.nmea"] == {
        "sha256": hashlib.sha256(ais).hexdigest(),
        "size_bytes": len(ais),
        "lines": 3,
    }
    assert manifest["counts"] == {"n": 3} and manifest["tool"]["name"] == "seawatch"
    check = check_folder(recording)
    assert (
        check.verified
        and check.fingerprint == hashlib.sha256((recording / MANIFEST_NAME).read_bytes()).hexdigest()
    )


def _tamper_one_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[40] ^= 1
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (lambda f: _tamper_one_byte(f / "ais.nmea"), "ais.nmea: content differs"),
        (lambda f: (f / "ais.nmea").write_text(AIS_LINE * 4), "lines 3 -> 4"),
        (lambda f: (f / "sensors.json").unlink(), "sensors.json: missing"),
        (lambda f: (f / "zones.geojson").write_text("{}"), "zones.geojson: not in the manifest"),
        (lambda f: (f / MANIFEST_NAME).write_text("{"), "not a readable manifest"),
    ],
)
def test_every_change_after_recording_is_named(recording, tamper, expected):
    tamper(recording)
    check = check_folder(recording)
    assert not check.verified and any(expected in problem for problem in check.problems), check.problems


def test_replay_outputs_in_the_folder_do_not_count(recording):
    (recording / "tracks.jsonl").write_text("{}\n")
    (recording / "alerts.jsonl").write_text("{}\n")
    assert check_folder(recording).verified


def test_replay_refuses_a_tampered_recording_unless_told(recording, tmp_path, capsys):
    assert main(["replay", str(recording), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["recording"] == {
        "verified": True,
        "manifest": True,
        "sha256": fingerprint(recording),
        "problems": [],
    }
    assert "verified against manifest.json" in err

    _tamper_one_byte(recording / "ais.nmea")
    assert main(["replay", str(recording), "--out", str(tmp_path / "out2")]) == 2
    err = capsys.readouterr().err
    assert "ais.nmea: content differs" in err and "--allow-unverified" in err
    assert not (tmp_path / "out2" / "tracks.jsonl").exists()

    assert main(["replay", str(recording), "--out", str(tmp_path / "out3"), "--allow-unverified"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["recording"]["verified"] is False and "UNVERIFIED" in err


def test_a_folder_without_manifest_replays_with_a_warning(recording, tmp_path, capsys):
    (recording / MANIFEST_NAME).unlink()
    assert main(["replay", str(recording), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["recording"]["manifest"] is False and "cannot be proved" in err


def test_audit_verify_checks_a_recording_folder(recording, capsys):
    assert main(["audit", "verify", str(recording)]) == 0
    (recording / "radar.jsonl").write_text("{}\n")
    assert main(["audit", "verify", str(recording)]) == 1
    assert "radar.jsonl" in capsys.readouterr().err


def test_bundled_scenario_matches_its_manifest():
    """``make scenario`` writes the manifest too: a regenerated folder must commit it."""
    check = check_folder(DEFAULT_SCENARIO)
    assert check.verified, check.problems
    listed = set(json.loads((DEFAULT_SCENARIO / MANIFEST_NAME).read_text())["files"])
    present = {p.name for p in DEFAULT_SCENARIO.iterdir() if p.is_file()} - {MANIFEST_NAME}
    assert listed == present
