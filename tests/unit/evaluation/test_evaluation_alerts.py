"""Alert matching: window, position, zone, one-to-one, and which events expect alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

if TYPE_CHECKING:
    from conftest import Scenario

TIMES_S = np.arange(0.0, 1801.0)
VELOCITY_MPS = (4.0, 0.0)


def position(start_xy_m: tuple[float, float], time_s: float) -> tuple[float, float]:
    return start_xy_m[0] + VELOCITY_MPS[0] * time_s, start_xy_m[1] + VELOCITY_MPS[1] * time_s


@pytest.fixture
def two_vessels(scenario: Scenario) -> Scenario:
    """V1 at the origin and V2 5 km north, both heading east at 4 m/s, inside every sensor's range."""
    for truth_id, start in [("V1", (0.0, 0.0)), ("V2", (0.0, 5000.0))]:
        scenario.add_vessel(truth_id, TIMES_S, scenario.line(start, VELOCITY_MPS, TIMES_S))
    return scenario


def zone_scores(
    scenario: Scenario, alert_time_s: float, alert_xy_m: tuple[float, float], zone_id: str
) -> dict[str, Any]:
    scenario.add_event(100.0, "zone_entry", "V1", zone_id="Z1")
    scenario.add_alert(alert_time_s, "zone_entry", alert_xy_m, zone_id=zone_id)
    return scenario.evaluate(with_alerts=True)["alerts"]["zone_entry"]


def test_on_time_alert_at_the_vessel_matches(two_vessels: Scenario) -> None:
    score = zone_scores(two_vessels, 105.0, position((0.0, 0.0), 105.0), "Z1")
    assert (score["expected"], score["raised"], score["matched"]) == (1, 1, 1)
    assert (score["precision"], score["recall"], score["delay_median_s"]) == (1.0, 1.0, 5.0)


def test_alert_after_the_window_does_not_match(two_vessels: Scenario) -> None:
    score = zone_scores(two_vessels, 161.0, position((0.0, 0.0), 161.0), "Z1")
    assert (score["matched"], score["precision"], score["recall"]) == (0, 0.0, 0.0)


def test_alert_for_another_zone_does_not_match(two_vessels: Scenario) -> None:
    assert zone_scores(two_vessels, 105.0, position((0.0, 0.0), 105.0), "Z2")["matched"] == 0


def test_alert_at_another_vessel_does_not_match(two_vessels: Scenario) -> None:
    assert zone_scores(two_vessels, 105.0, position((0.0, 5000.0), 105.0), "Z1")["matched"] == 0


def test_matching_is_one_to_one(two_vessels: Scenario) -> None:
    two_vessels.add_event(100.0, "zone_entry", "V1", zone_id="Z1")
    for time_s in (101.0, 102.0):
        two_vessels.add_alert(time_s, "zone_entry", position((0.0, 0.0), time_s), zone_id="Z1")
    score = two_vessels.evaluate(with_alerts=True)["alerts"]["zone_entry"]
    assert (score["matched"], score["precision"], score["recall"]) == (1, 0.5, 1.0)
    assert score["delay_median_s"] == 1.0


def test_matching_maximises_matches_rather_than_taking_the_closest_in_time(two_vessels: Scenario) -> None:
    """The alert at 100 s is the nearest for both events but only the first can use the other alert."""
    two_vessels.add_event(100.0, "ais_off", "V1")
    two_vessels.add_event(130.0, "ais_off", "V1")
    for time_s in (100.0, 75.0):  # 75 s is too early for the event at 130 s
        two_vessels.add_alert(time_s, "ais_gap", position((0.0, 0.0), time_s))
    assert two_vessels.evaluate(with_alerts=True)["alerts"]["ais_gap"]["matched"] == 2


def test_ais_off_outside_ais_coverage_expects_no_alert(two_vessels: Scenario) -> None:
    two_vessels.add_event(100.0, "ais_off", "V1", in_ais_coverage=False)
    assert two_vessels.evaluate(with_alerts=True)["alerts"]["ais_gap"]["expected"] == 0


def test_event_of_an_unobservable_vessel_expects_no_alert(scenario: Scenario) -> None:
    far = scenario.line((0.0, 80_000.0), VELOCITY_MPS, TIMES_S)
    scenario.add_vessel("FAR", TIMES_S, far)
    scenario.add_event(100.0, "zone_entry", "FAR", zone_id="Z1")
    scenario.add_alert(100.0, "zone_entry", tuple(far[100]), zone_id="Z1")
    score = scenario.evaluate(with_alerts=True)["alerts"]["zone_entry"]
    assert (score["expected"], score["raised"], score["matched"], score["recall"]) == (0, 1, 0, None)


def test_rendezvous_alert_may_sit_at_either_vessel(two_vessels: Scenario) -> None:
    two_vessels.add_event(200.0, "rendezvous_start", "V1", other_truth_id="V2")
    two_vessels.add_alert(500.0, "rendezvous", position((0.0, 5000.0), 500.0))
    result = two_vessels.evaluate(with_alerts=True)
    assert result["alerts"]["rendezvous"]["matched"] == 1
    assert result["alerts_overall"]["delay_median_s"] == 300.0


def test_updates_are_not_alerts_and_unknown_kinds_are_unscored(two_vessels: Scenario) -> None:
    two_vessels.add_alert(50.0, "loitering", (0.0, 0.0))
    two_vessels.add_alert(60.0, "zone_entry", (0.0, 0.0), zone_id="Z1", state="updated")
    result = two_vessels.evaluate(with_alerts=True)
    assert result["alerts_unscored"] == {"loitering": 1}
    assert result["alerts_overall"]["raised"] == 0
    assert result["alerts_overall"]["precision"] is None


def test_an_exit_the_data_ended_too_soon_to_judge_is_reported_apart(two_vessels: Scenario) -> None:
    """At 4 m/s the exit rule may need the vessel 50 m out: 12.5 s. An exit 5 s before the last
    truth line is left out of recall and counted; one 100 s before it is a plain miss."""
    two_vessels.add_event(1795.0, "zone_exit", "V1", zone_id="Z1")
    two_vessels.add_event(1700.0, "zone_exit", "V2", zone_id="Z1")
    score = two_vessels.evaluate(with_alerts=True)["alerts"]["zone_exit"]
    assert (score["expected"], score["matched"], score["ended_before_due"], score["recall"]) == (2, 0, 1, 0.0)


def test_an_exit_alerted_before_the_data_ended_counts_as_usual(two_vessels: Scenario) -> None:
    two_vessels.add_event(1795.0, "zone_exit", "V1", zone_id="Z1")
    two_vessels.add_alert(1799.0, "zone_exit", position((0.0, 0.0), 1799.0), zone_id="Z1")
    score = two_vessels.evaluate(with_alerts=True)["alerts"]["zone_exit"]
    assert (score["expected"], score["matched"], score["ended_before_due"], score["recall"]) == (1, 1, 0, 1.0)


def test_a_drift_out_of_a_zone_may_be_alerted_minutes_later(scenario: Scenario) -> None:
    """At 0.1 kn (0.05 m/s) a ship is 12 m past the edge 4 min after crossing it: an alert then
    still matches (window: 50 m at 0.2 kn, 500 s); at 10 min it does not."""
    drift = scenario.line((0.0, 0.0), (0.05, 0.0), TIMES_S)
    scenario.add_vessel("V9", TIMES_S, drift)
    scenario.add_event(100.0, "zone_exit", "V9", zone_id="Z1")
    scenario.add_event(800.0, "zone_exit", "V9", zone_id="Z2")
    scenario.add_alert(350.0, "zone_exit", tuple(drift[350]), zone_id="Z1")
    scenario.add_alert(1400.0, "zone_exit", tuple(drift[1400]), zone_id="Z2")
    score = scenario.evaluate(with_alerts=True)["alerts"]["zone_exit"]
    assert (score["matched"], score["delay_median_s"]) == (1, 250.0)
