"""Clear errors for bad inputs, and output that is valid, stable JSON with a readable summary."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import numpy as np
import pytest

from fusion.evaluation import EvaluationInputError, evaluate, summary_lines

if TYPE_CHECKING:
    from conftest import Scenario

TIMES_S = np.arange(0.0, 61.0)


@pytest.fixture
def one_vessel(scenario: Scenario) -> Scenario:
    scenario.add_vessel("V1", TIMES_S, scenario.line((0.0, 0.0), (1.0, 1.0), TIMES_S))
    scenario.add_track("T1", TIMES_S, scenario.line((0.0, 0.0), (1.0, 1.0), TIMES_S), (1.0, 1.0))
    return scenario


def test_missing_truth_file_names_it(one_vessel: Scenario) -> None:
    tracks_path, _ = one_vessel.write()
    (one_vessel.root / "truth.jsonl").unlink()
    with pytest.raises(EvaluationInputError, match=r"truth\.jsonl: cannot read file"):
        evaluate(one_vessel.root, tracks_path)


def test_malformed_track_line_names_file_and_line(one_vessel: Scenario) -> None:
    tracks_path, _ = one_vessel.write()
    lines = tracks_path.read_text().splitlines()
    lines[2] = lines[2][:-5]
    tracks_path.write_text("\n".join(lines) + "\n")
    with pytest.raises(EvaluationInputError, match=r"tracks\.jsonl:3: not valid JSON"):
        evaluate(one_vessel.root, tracks_path)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("lat", "24.8", "'lat' must be a finite number"), ("status", "held", "not a track status")],
)
def test_bad_track_field_names_the_field(one_vessel: Scenario, field: str, value: str, message: str) -> None:
    one_vessel.tracks[4][field] = value
    tracks_path, _ = one_vessel.write()
    with pytest.raises(EvaluationInputError, match=rf"tracks\.jsonl:5: .*{message}"):
        evaluate(one_vessel.root, tracks_path)


def test_event_for_a_vessel_not_in_truth_is_an_error(one_vessel: Scenario) -> None:
    one_vessel.add_event(10.0, "zone_entry", "GHOST", zone_id="Z1")
    with pytest.raises(EvaluationInputError, match=r"events\.jsonl:1: vessel 'GHOST'"):
        one_vessel.evaluate(with_alerts=True)


def test_velocity_from_speed_and_course_when_ve_vn_are_absent(one_vessel: Scenario) -> None:
    for line in one_vessel.tracks:
        del line["ve_mps"], line["vn_mps"]
        line["sog_kn"], line["cog_deg"] = 2**0.5 * 3600 / 1852, 45.0
    thinned = one_vessel.tracks[::30]  # lines at 0, 30 and 60 s: the rest is extrapolation
    one_vessel.tracks = thinned
    assert one_vessel.evaluate()["gospa_mean_m"] == pytest.approx(0.0, abs=0.01)


def test_result_is_strict_json_and_summarised(one_vessel: Scenario) -> None:
    result = one_vessel.evaluate(with_alerts=True)
    text = json.dumps(result, allow_nan=False)
    assert json.loads(text) == result
    lines = summary_lines(result)
    assert any(line.startswith("GOSPA") for line in lines)
    assert any(line.startswith("overall") for line in lines)


def test_empty_replay_outputs_score_every_vessel_missed(one_vessel: Scenario) -> None:
    one_vessel.tracks = []
    one_vessel.add_event(10.0, "zone_entry", "V1", zone_id="Z1")
    result = one_vessel.evaluate(with_alerts=True)
    assert result["gospa_mean_m"] == pytest.approx(500 / 2**0.5, abs=0.01)
    assert (result["unconfirmed_vessels"], result["id_switches"], result["position_rms_m"]) == (1, 0, None)
    entry = result["alerts"]["zone_entry"]
    assert (entry["expected"], entry["raised"], entry["matched"], entry["ended_before_due"]) == (1, 0, 0, 0)
    assert (entry["precision"], entry["recall"], entry["delay_median_s"]) == (None, 0.0, None)


def test_a_dark_vessel_in_a_run_shorter_than_the_rule_ended_before_due(one_vessel: Scenario) -> None:
    """The dark rule waits 120 s: data that ends 50 s after the event cannot be judged."""
    one_vessel.add_event(10.0, "dark_vessel", "V1")
    dark = one_vessel.evaluate(with_alerts=True)["alerts"]["dark_vessel"]
    assert (dark["expected"], dark["matched"], dark["ended_before_due"], dark["recall"]) == (1, 0, 1, None)


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ({"radars": [], "ais_receivers": [{"id": "A1", "lat": 24.8, "lon": 66.9}]}, r"range_m is missing"),
        ({"radars": [], "ais_receivers": []}, r"no radars or AIS receivers"),
    ],
)
def test_bad_sensor_layout_is_one_evaluation_error(one_vessel: Scenario, layout: dict, message: str) -> None:
    tracks_path, _ = one_vessel.write()
    sensors_path = one_vessel.root / "sensors.json"
    sensors_path.write_text(json.dumps(layout))
    with pytest.raises(EvaluationInputError, match=message) as caught:
        evaluate(one_vessel.root, tracks_path)
    assert str(caught.value).count(str(sensors_path)) == 1
    assert "\n" not in str(caught.value)
