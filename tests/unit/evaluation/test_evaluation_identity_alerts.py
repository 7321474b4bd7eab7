"""Identity ground truth: ``invalid_mmsi`` and ``ais_spoofed`` events expect ``spoofing`` alerts."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

if TYPE_CHECKING:
    from conftest import Scenario

TIMES_S = np.arange(0.0, 1801.0)
VELOCITY_MPS = (4.0, 0.0)


@pytest.fixture
def vessel(scenario: Scenario) -> Scenario:
    scenario.add_vessel("V1", TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TIMES_S))
    return scenario


def _spoofing(scenario: Scenario) -> dict:
    return scenario.evaluate(with_alerts=True)["alerts"]["spoofing"]


def test_an_invalid_mmsi_expects_a_spoofing_alert_within_ten_minutes(vessel: Scenario) -> None:
    vessel.add_event(0.0, "invalid_mmsi", "V1")
    vessel.add_alert(30.0, "spoofing", (120.0, 0.0))
    score = _spoofing(vessel)
    assert (score["expected"], score["matched"], score["delay_median_s"]) == (1, 1, 30.0)


def test_a_spoofed_position_expects_an_alert_only_where_radar_can_contradict_it(vessel: Scenario) -> None:
    vessel.add_event(100.0, "ais_spoofed", "V1", in_radar_coverage=False)
    vessel.add_event(900.0, "ais_spoofed", "V1")
    vessel.add_alert(990.0, "spoofing", (3_600.0 + 600.0, 0.0))  # at the false position, 600 m off
    score = _spoofing(vessel)
    assert (score["expected"], score["raised"], score["matched"]) == (1, 1, 1)


def test_a_spoofing_alert_too_late_or_elsewhere_does_not_match(vessel: Scenario) -> None:
    vessel.add_event(0.0, "invalid_mmsi", "V1")
    vessel.add_alert(700.0, "spoofing", (2_800.0, 0.0))  # 700 s: after the 600 s window
    vessel.add_alert(60.0, "spoofing", (240.0, 5_000.0))  # 5 km from the vessel
    score = _spoofing(vessel)
    assert (score["expected"], score["raised"], score["matched"], score["precision"]) == (1, 2, 0, 0.0)
