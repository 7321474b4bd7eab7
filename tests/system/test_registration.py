"""A scenario with a misaligned radar: the tracker learns the bias from AIS and tracks as well."""

import json
import shutil
from pathlib import Path

import pytest

from fusion.cli import DEFAULT_ZONES
from fusion.evaluation import evaluate
from fusion.replay import run_replay
from fusion.simulator import simulate
from ingest.scenario import open_scenario

BIASED_RADAR = "CAPE-MONZE"
RANGE_BIAS_M = 150.0
BEARING_BIAS_DEG = 0.5


def _misalign(folder: Path) -> None:
    """Rewrite one radar's plots as a radar with a range offset and a north misalignment would report."""
    lines = []
    for line in (folder / "radar.jsonl").read_text().splitlines():
        plot = json.loads(line)
        if plot["sensor"] == BIASED_RADAR:
            plot["range_m"] = round(plot["range_m"] + RANGE_BIAS_M, 1)
            plot["bearing_deg"] = round((plot["bearing_deg"] + BEARING_BIAS_DEG) % 360.0, 3)
        lines.append(json.dumps(plot))
    (folder / "radar.jsonl").write_text("\n".join(lines) + "\n")


def _replay_and_score(folder: Path):
    summary = run_replay(
        open_scenario(folder, DEFAULT_ZONES),
        tracks_out=folder / "tracks.jsonl",
        alerts_out=folder / "alerts.jsonl",
    )
    return summary, evaluate(folder, folder / "tracks.jsonl")


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> tuple[Path, Path]:
    aligned = tmp_path_factory.mktemp("aligned")
    simulate(seed=4, vessels=30, minutes=8, out_dir=aligned, zones_path=DEFAULT_ZONES)
    misaligned = tmp_path_factory.mktemp("misaligned")
    shutil.copytree(aligned, misaligned, dirs_exist_ok=True)
    _misalign(misaligned)
    return aligned, misaligned


def test_misaligned_radar_bias_is_learnt_and_tracking_holds(scenarios):
    aligned, misaligned = scenarios
    aligned_summary, aligned_score = _replay_and_score(aligned)
    summary, score = _replay_and_score(misaligned)

    learnt = summary.radar_bias[BIASED_RADAR]
    assert learnt["range_m"] == pytest.approx(RANGE_BIAS_M, abs=15.0)
    assert learnt["bearing_deg"] == pytest.approx(BEARING_BIAS_DEG, abs=0.08)
    untouched = aligned_summary.radar_bias[BIASED_RADAR]
    assert abs(untouched["range_m"]) < 15.0 and abs(untouched["bearing_deg"]) < 0.08
    assert score["gospa_mean_m"] <= aligned_score["gospa_mean_m"] * 1.05
    assert score["id_switches"] <= aligned_score["id_switches"] + 1
