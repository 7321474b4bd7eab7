"""Regenerate tests/data/metrics_baseline.json from a replay of the bundled scenario.

Run after a change that improves tracking or alerting, review the diff, commit both:

    .venv/bin/python scripts/regen_baseline.py
"""

import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fusion.cli import DEFAULT_SCENARIO, DEFAULT_ZONES
from fusion.evaluation import evaluate
from fusion.replay import run_replay
from ingest.scenario import open_scenario
from tests.system.test_replay import BASELINE, _metrics


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        run_replay(
            open_scenario(DEFAULT_SCENARIO, DEFAULT_ZONES),
            tracks_out=out / "tracks.jsonl",
            alerts_out=out / "alerts.jsonl",
        )
        metrics = _metrics(evaluate(DEFAULT_SCENARIO, out / "tracks.jsonl", out / "alerts.jsonl"))
    BASELINE.write_text(json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    print(json.dumps(metrics, sort_keys=True))


if __name__ == "__main__":
    main()
