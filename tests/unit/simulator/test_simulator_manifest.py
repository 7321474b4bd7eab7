"""``seawatch simulate`` writes manifest.json, byte-identical for the same arguments."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fusion.manifest import MANIFEST_NAME, check_folder
from fusion.simulator import simulate
from fusion.simulator.generate import SCENARIO_FILES


def test_manifest_lists_every_written_file_and_the_summary(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    manifest = json.loads((out_dir / MANIFEST_NAME).read_text())
    assert set(manifest["files"]) == set(SCENARIO_FILES)
    assert manifest["counts"] == summary
    assert manifest["made_by"].startswith("seawatch simulate --seed 11 ")
    assert check_folder(out_dir).verified


def test_manifest_is_byte_identical_across_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_args: dict[str, Any], zones_path: Path
) -> None:
    manifests = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        monkeypatch.chdir(tmp_path / name)
        simulate(**{**small_args, "minutes": 2.0}, out_dir=Path("scn"), zones_path=zones_path)
        manifests.append((tmp_path / name / "scn" / MANIFEST_NAME).read_bytes())
    assert manifests[0] == manifests[1]
