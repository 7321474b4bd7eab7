"""The whole pipeline on scenario folders: determinism, counted rejects, quality baseline."""

import json
from collections import Counter
from pathlib import Path

import pytest

from fusion.cli import DEFAULT_SCENARIO, DEFAULT_ZONES
from fusion.evaluation import evaluate
from fusion.replay import run_replay
from fusion.simulator import simulate
from ingest.scenario import open_scenario

BASELINE = Path(__file__).resolve().parents[1] / "data" / "metrics_baseline.json"


def _replay(folder: Path, out: Path, speed: float | None = None):
    summary = run_replay(
        open_scenario(folder, DEFAULT_ZONES),
        tracks_out=out / "tracks.jsonl",
        alerts_out=out / "alerts.jsonl",
        speed=speed,
        risk_out=out / "risk.jsonl",
    )
    return summary, (out / "tracks.jsonl").read_bytes(), (out / "alerts.jsonl").read_bytes()


@pytest.fixture(scope="module")
def small_scenario(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("small")
    stats = simulate(seed=3, vessels=20, minutes=4, out_dir=folder, zones_path=DEFAULT_ZONES)
    return folder, stats


@pytest.fixture(scope="module")
def bundled_out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bundled")


@pytest.fixture(scope="module")
def bundled_run(bundled_out):
    return _replay(DEFAULT_SCENARIO, bundled_out)


def test_replay_outputs_do_not_depend_on_speed_or_run(small_scenario, tmp_path):
    folder, _ = small_scenario
    _, tracks_a, alerts_a = _replay(folder, tmp_path / "a")
    _, tracks_b, alerts_b = _replay(folder, tmp_path / "b", speed=5000.0)
    assert tracks_a and tracks_a == tracks_b
    assert alerts_a == alerts_b


def test_every_corrupt_line_is_counted_by_reason(small_scenario, tmp_path):
    folder, stats = small_scenario
    summary, _, _ = _replay(folder, tmp_path)
    rejects = summary.rejects_by_reason
    corrupt_kinds = {
        k: v for k, v in stats.items() if k.startswith("ais_corrupt_") and k != "ais_corrupt_lines"
    }
    assert sum(rejects.values()) >= stats["ais_corrupt_lines"] == sum(corrupt_kinds.values()) > 0
    assert (
        rejects.get("bad_checksum", 0)
        >= stats["ais_corrupt_bad_checksum"] + stats["ais_corrupt_bad_tag_checksum"]
    )
    # Every line is accounted for: accepted messages, unused messages, rejects and skips.
    assert summary.fusion["in:radar.plots"] == stats["radar_plots"]


def test_bundled_scenario_replays_byte_identically(bundled_run, bundled_out, tmp_path):
    _, tracks_a, alerts_a = bundled_run
    _, tracks_b, alerts_b = _replay(DEFAULT_SCENARIO, tmp_path)
    assert tracks_a == tracks_b and alerts_a == alerts_b
    assert len(tracks_a.splitlines()) > 10_000
    assert (bundled_out / "risk.jsonl").read_bytes() == (tmp_path / "risk.jsonl").read_bytes()


def test_suspicious_vessels_rank_at_the_top_of_the_risk_list(bundled_run, bundled_out):
    """Issue 9's target: precision at N >= 0.8 (N: dark vessels in a rendezvous + AIS off in coverage)."""
    result = evaluate(DEFAULT_SCENARIO, bundled_out / "tracks.jsonl", risk_path=bundled_out / "risk.jsonl")
    assert result["risk"]["suspicious"] >= 2
    assert result["risk"]["precision_at_n"] >= 0.8, result["risk"]["top_n"]


def _metrics(result: dict) -> dict[str, float]:
    overall = result["alerts_overall"]
    return {
        "gospa_mean_m": result["gospa_mean_m"],
        "id_switches": result["id_switches"],
        "dark_vessel_coverage": result["dark_vessel_coverage"],
        "alert_recall": overall["recall"],
        "alert_precision": overall["precision"],
    }


LOWER_IS_BETTER = {"gospa_mean_m", "id_switches"}


def test_tracking_and_alert_quality_do_not_regress(bundled_run, bundled_out):
    """Scores of the bundled scenario against tests/data/metrics_baseline.json.

    Regenerate the baseline only with scripts/regen_baseline.py, and review the diff.
    """
    result = evaluate(DEFAULT_SCENARIO, bundled_out / "tracks.jsonl", bundled_out / "alerts.jsonl")
    measured = _metrics(result)
    baseline = json.loads(BASELINE.read_text())
    worse = {
        name: (measured[name], limit)
        for name, limit in baseline.items()
        if (measured[name] > limit + 1e-9 if name in LOWER_IS_BETTER else measured[name] < limit - 1e-9)
    }
    assert not worse, f"worse than the baseline (measured, baseline): {worse}"


def test_rejects_reported_in_the_summary_match_the_ingest_counts(bundled_run):
    summary, _, _ = bundled_run
    ingest_rejects = Counter(
        {k.split(":", 1)[1]: v for k, v in summary.ingest.items() if k.startswith("reject:")}
    )
    for reason, count in ingest_rejects.items():
        assert summary.rejects_by_reason[reason] >= count
