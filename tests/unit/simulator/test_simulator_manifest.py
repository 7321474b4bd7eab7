"""``seawatch simulate`` writes manifest.json (byte-identical runs: test_simulator_determinism.py)."""

from __future__ import annotations

import json
from pathlib import Path

from fusion.manifest import MANIFEST_NAME, check_folder
from fusion.simulator.generate import SCENARIO_FILES


def test_manifest_lists_every_written_file_and_the_summary(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    manifest = json.loads((out_dir / MANIFEST_NAME).read_text())
    assert set(manifest["files"]) == set(SCENARIO_FILES)
    assert manifest["counts"] == summary
    assert manifest["made_by"].startswith("seawatch simulate --seed 11 ")
    assert check_folder(out_dir).verified
