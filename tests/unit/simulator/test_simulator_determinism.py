"""Same arguments, same bytes: the scenario folder must be reproducible for hashing and diffing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fusion.manifest import MANIFEST_NAME
from fusion.simulator import simulate
from fusion.simulator.generate import DEFAULT_START_TIME, SCENARIO_FILES, _command

FILES = (*SCENARIO_FILES, MANIFEST_NAME)


def _run_in(
    directory: Path, monkeypatch: pytest.MonkeyPatch, args: dict[str, Any], zones: Path
) -> dict[str, bytes]:
    """Run with a relative ``--out`` so the README's command is the same in both directories."""
    directory.mkdir()
    monkeypatch.chdir(directory)
    simulate(**args, out_dir=Path("scn"), zones_path=zones)
    return {name: (directory / "scn" / name).read_bytes() for name in FILES}


def test_two_runs_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_args: dict[str, Any], zones_path: Path
) -> None:
    first = _run_in(tmp_path / "a", monkeypatch, small_args, zones_path)
    second = _run_in(tmp_path / "b", monkeypatch, small_args, zones_path)
    for name in FILES:
        assert first[name] == second[name], name


def test_another_seed_gives_another_scenario(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_args: dict[str, Any], zones_path: Path
) -> None:
    first = _run_in(tmp_path / "a", monkeypatch, small_args, zones_path)
    other = _run_in(tmp_path / "b", monkeypatch, {**small_args, "seed": small_args["seed"] + 1}, zones_path)
    assert first["truth.jsonl"] != other["truth.jsonl"]
    assert first["sensors.json"] == other["sensors.json"]


def test_readme_records_the_command(scenario: tuple[Path, dict], small_args: dict[str, Any]) -> None:
    out_dir, summary = scenario
    readme = (out_dir / "README.md").read_text()
    assert (
        f"seawatch simulate --seed {small_args['seed']} --vessels {small_args['vessels']} --minutes 5 "
        in readme
    )
    assert f"| `ais_lines` | {summary['ais_lines']} |" in readme


def test_zones_file_is_copied(scenario: tuple[Path, dict], zones_path: Path) -> None:
    out_dir, _ = scenario
    assert (out_dir / "zones.geojson").read_bytes() == zones_path.read_bytes()


def test_readme_command_names_no_machine_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, zones_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "areas").mkdir()
    own_zones = tmp_path / "areas" / "zones.geojson"
    base = "seawatch simulate --seed 7 --vessels 60 --minutes 25 --out scn"
    assert _command(7, 60, 25.0, Path("scn"), zones_path, DEFAULT_START_TIME) == base
    assert _command(7, 60, 25.0, Path("scn"), own_zones, DEFAULT_START_TIME) == (
        f"{base} --zones areas/zones.geojson"
    )
    assert _command(7, 60, 25.0, Path("scn"), zones_path, DEFAULT_START_TIME + 3600) == (
        f"{base} --start-time {DEFAULT_START_TIME + 3600:.0f}"
    )
    assert (
        _command(7, 60, 25.0, Path("scn"), zones_path, DEFAULT_START_TIME, spoofers=1)
        == f"{base} --spoofers 1"
    )
