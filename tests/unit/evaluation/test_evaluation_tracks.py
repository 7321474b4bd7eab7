"""Track metrics on hand-built scenarios whose answers are known."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pytest

from fusion.evaluation.detections import Detections

if TYPE_CHECKING:
    from conftest import Scenario

TRUTH_TIMES_S = np.arange(0.0, 601.0)  # ten minutes, one line a second
SCAN_TIMES_S = np.arange(0.0, 601.0, 2.5)  # one track line per scan of the builder's radar
VELOCITY_MPS = (3.0, -2.0)


def add_tracked_vessel(
    scenario: Scenario, truth_id: str, start_xy_m: tuple[float, float], track_id: str
) -> None:
    scenario.add_vessel(truth_id, TRUTH_TIMES_S, scenario.line(start_xy_m, VELOCITY_MPS, TRUTH_TIMES_S))
    scenario.add_track(
        track_id, SCAN_TIMES_S, scenario.line(start_xy_m, VELOCITY_MPS, SCAN_TIMES_S), VELOCITY_MPS
    )


def test_perfect_tracks_score_zero_with_no_switches(scenario: Scenario) -> None:
    for index, start in enumerate([(0.0, 0.0), (5000.0, 0.0), (0.0, -8000.0)]):
        add_tracked_vessel(scenario, f"V{index}", start, f"T{index}")
    result = scenario.evaluate()
    assert result["gospa_mean_m"] == pytest.approx(0.0, abs=0.01)
    assert result["gospa_steps"] == 61
    assert result["id_switches"] == 0
    assert (result["truth_vessels"], result["truth_vessels_total"]) == (3, 3)
    assert result["confirm_time_median_s"] == 0.0
    assert result["unconfirmed_vessels"] == 0


def test_sparse_lines_are_extrapolated_with_their_velocity(scenario: Scenario) -> None:
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    every_45_s = np.arange(0, 601, 45.0)
    scenario.add_track("T0", every_45_s, scenario.line((0.0, 0.0), VELOCITY_MPS, every_45_s), VELOCITY_MPS)
    assert scenario.evaluate()["gospa_mean_m"] == pytest.approx(0.0, abs=0.01)


def test_constant_offset_is_pure_localisation_error(scenario: Scenario) -> None:
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    scenario.add_track(
        "T0", SCAN_TIMES_S, scenario.line((60.0, 80.0), VELOCITY_MPS, SCAN_TIMES_S), VELOCITY_MPS
    )
    result = scenario.evaluate()
    assert result["position_rms_m"] == pytest.approx(100.0, abs=0.01)
    assert result["gospa_mean_m"] == pytest.approx(100.0, abs=0.01)
    assert result["gospa_missed_mean_m"] == result["gospa_false_mean_m"] == 0.0


def test_handover_to_a_new_track_id_is_one_switch(scenario: Scenario) -> None:
    xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S)
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    early = SCAN_TIMES_S < 300
    scenario.add_track("T1", SCAN_TIMES_S[early], xy_m[early], VELOCITY_MPS)
    scenario.add_track("T1", [300], xy_m[early][-1:], VELOCITY_MPS, status="lost")
    scenario.add_track("T2", SCAN_TIMES_S[~early], xy_m[~early], VELOCITY_MPS)
    assert scenario.evaluate()["id_switches"] == 1


def test_gap_then_same_track_id_is_not_a_switch(scenario: Scenario) -> None:
    xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S)
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    seen = (SCAN_TIMES_S < 200) | (SCAN_TIMES_S > 400)  # silent for 200 s: older than 60 s
    scenario.add_track("T1", SCAN_TIMES_S[seen], xy_m[seen], VELOCITY_MPS)
    result = scenario.evaluate()
    assert result["id_switches"] == 0
    assert result["missed_vessels_mean"] > 0.2


def test_tentative_tracks_do_not_count_and_time_to_confirm_is_measured(scenario: Scenario) -> None:
    xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S)
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    tentative = SCAN_TIMES_S < 20
    scenario.add_track("T1", SCAN_TIMES_S[tentative], xy_m[tentative], VELOCITY_MPS, status="tentative")
    scenario.add_track("T1", SCAN_TIMES_S[~tentative], xy_m[~tentative], VELOCITY_MPS)
    result = scenario.evaluate()
    assert result["confirm_time_median_s"] == 20.0
    assert result["confirm_scans_max"] == 20.0 / scenario.SCAN_PERIOD_S
    # steps at 0 and 10 s: one vessel missed, c / sqrt(2) each; 61 steps in all
    assert result["gospa_mean_m"] == pytest.approx(2 * 500 / 2**0.5 / 61, abs=0.01)


def test_time_to_confirm_counts_from_the_first_plot_of_the_vessel(scenario: Scenario) -> None:
    """Observable from 0 s but first painted at 30 s; a track from 35 s took 5 s, 2 scans."""
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    painted = SCAN_TIMES_S[SCAN_TIMES_S >= 30]
    scenario.add_plots(painted, scenario.line((0.0, 0.0), VELOCITY_MPS, painted))
    held = SCAN_TIMES_S >= 35
    scenario.add_track(
        "T1", SCAN_TIMES_S[held], scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S[held]), VELOCITY_MPS
    )
    result = scenario.evaluate()
    assert result["confirm_time_median_s"] == 5.0
    assert result["confirm_scans_max"] == 2.0
    # 30-35 s; its second plot one scan (2.5 s) after the first
    slowest = {"truth_id": "V0", "scans": 2.0, "measurements": 3, "second_scans": 1.0}
    assert result["confirm_slowest"] == [slowest]
    assert (result["confirm_within_target"], result["confirm_scans_counted"]) == (1, 1)
    assert (result["confirm_possible_within_target"], result["confirm_possible"]) == (1, 1)


def test_a_faint_boat_painted_on_few_scans_is_slow_in_scans_not_in_measurements(scenario: Scenario) -> None:
    """Painted at 30 s, then not until 45 and 50 s: a track held from 50 s took 8 scans
    but only its third plot."""
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    painted = np.array([30.0, 45.0, 50.0])
    scenario.add_plots(painted, scenario.line((0.0, 0.0), VELOCITY_MPS, painted))
    held = SCAN_TIMES_S[SCAN_TIMES_S >= 50]
    scenario.add_track("T1", held, scenario.line((0.0, 0.0), VELOCITY_MPS, held), VELOCITY_MPS)
    result = scenario.evaluate()
    assert result["confirm_scans_max"] == 8.0
    slowest = {"truth_id": "V0", "scans": 8.0, "measurements": 3, "second_scans": 6.0}
    assert result["confirm_slowest"] == [slowest]
    assert (result["confirm_within_target"], result["confirm_scans_counted"]) == (0, 1)
    assert result["confirm_possible"] == 0  # no tracker starting from two plots holds it within 3 scans
    assert (result["unconfirmed_vessels"], result["undetected_vessels"]) == (0, 0)


def test_a_vessel_counts_in_gospa_from_its_first_measurement(scenario: Scenario) -> None:
    """Observable from 0 s, first painted at 100 s, tracked from 100 s to 300 s only: the
    instants before 100 s are nobody's miss, the ones after 300 s are this tracker's."""
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    painted = SCAN_TIMES_S[SCAN_TIMES_S >= 100]
    scenario.add_plots(painted, scenario.line((0.0, 0.0), VELOCITY_MPS, painted))
    held = SCAN_TIMES_S[(SCAN_TIMES_S >= 100) & (SCAN_TIMES_S <= 300)]
    scenario.add_track("T1", held, scenario.line((0.0, 0.0), VELOCITY_MPS, held), VELOCITY_MPS)
    last_xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, np.array([302.5]))
    scenario.add_track("T1", [302.5], last_xy_m, status="lost")
    result = scenario.evaluate()
    miss_m = 500 / 2**0.5
    # 61 instants: 0-90 s unmeasured (10), 100-300 s tracked (21), 310-600 s missed (30)
    assert result["gospa_mean_m"] == pytest.approx(30 * miss_m / 61, abs=0.01)
    assert result["gospa_observable_mean_m"] == pytest.approx(40 * miss_m / 61, abs=0.01)
    assert result["gospa_observable_missed_mean_m"] == pytest.approx(40 * miss_m / 61, abs=0.01)


def test_a_plot_detects_only_the_vessel_it_fits_best(scenario: Scenario) -> None:
    """Two ships 300 m apart abeam at 30 km (inside each other's gates); only one is
    painted, so the other is never measured and has no time to confirm."""
    for truth_id, east_m in (("V0", 0.0), ("V1", 300.0)):
        scenario.add_vessel(
            truth_id, TRUTH_TIMES_S, scenario.line((east_m, -30_000.0), VELOCITY_MPS, TRUTH_TIMES_S)
        )
    scenario.add_plots(SCAN_TIMES_S, scenario.line((0.0, -30_000.0), VELOCITY_MPS, SCAN_TIMES_S))
    scenario.add_track(
        "T1", SCAN_TIMES_S, scenario.line((0.0, -30_000.0), VELOCITY_MPS, SCAN_TIMES_S), VELOCITY_MPS
    )
    result = scenario.evaluate()
    assert (result["unconfirmed_vessels"], result["undetected_vessels"]) == (0, 1)
    assert result["confirm_time_median_s"] == 0.0


def test_an_ais_report_is_a_first_detection_outside_radar(scenario: Scenario) -> None:
    """50 km out (AIS range, no radar): the clock starts at the report of its MMSI, and
    the vessel has seconds but no scans."""
    scenario.add_vessel(
        "V0", TRUTH_TIMES_S, np.tile([0.0, -50_000.0], (TRUTH_TIMES_S.size, 1)), mmsi=463000001
    )
    scenario.add_ais_report(20, 463000001, (0.0, -50_000.0))
    scenario.add_ais_report(10, 463000002, (0.0, -50_000.0))  # another vessel's MMSI: not this one
    scenario.add_track(
        "T1",
        SCAN_TIMES_S[SCAN_TIMES_S >= 22],
        np.tile([0.0, -50_000.0], (int((SCAN_TIMES_S >= 22).sum()), 1)),
    )
    result = scenario.evaluate()
    assert result["confirm_time_median_s"] == 3.0  # first line at 22.5 s, held from the 23 s instant
    assert result["confirm_scans_max"] is None


def test_only_tentative_tracks_leave_the_vessel_unconfirmed(scenario: Scenario) -> None:
    scenario.add_vessel("V0", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S))
    xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S)
    scenario.add_track("T1", SCAN_TIMES_S, xy_m, VELOCITY_MPS, status="tentative")
    result = scenario.evaluate()
    assert result["unconfirmed_vessels"] == 1
    assert result["confirm_time_median_s"] is None
    assert result["gospa_mean_m"] == pytest.approx(500 / 2**0.5, abs=0.01)


def test_unobservable_vessels_are_not_in_the_truth_set(scenario: Scenario) -> None:
    add_tracked_vessel(scenario, "V0", (0.0, 0.0), "T0")
    far = scenario.line((0.0, 70_000.0), (0.0, 0.0), TRUTH_TIMES_S)  # beyond radar and AIS
    scenario.add_vessel("FAR", TRUTH_TIMES_S, far)
    ais_only = scenario.line((0.0, 50_000.0), (0.0, 0.0), TRUTH_TIMES_S)  # AIS off beyond radar
    scenario.add_vessel("SILENT", TRUTH_TIMES_S, ais_only, ais_on=False)
    result = scenario.evaluate()
    assert (result["truth_vessels"], result["truth_vessels_total"]) == (1, 3)
    assert result["gospa_mean_m"] == pytest.approx(0.0, abs=0.01)


def test_dark_vessel_coverage_counts_tracked_steps_in_radar_coverage(scenario: Scenario) -> None:
    scenario.add_vessel(
        "DARK", TRUTH_TIMES_S, scenario.line((0.0, 0.0), VELOCITY_MPS, TRUTH_TIMES_S), mmsi=None
    )
    add_tracked_vessel(scenario, "LIT", (9000.0, 0.0), "T9")
    half = SCAN_TIMES_S < 295  # held to 292.5 s, so through the 350 s step (60 s age limit)
    xy_m = scenario.line((0.0, 0.0), VELOCITY_MPS, SCAN_TIMES_S[half])
    scenario.add_track("T1", SCAN_TIMES_S[half], xy_m, VELOCITY_MPS)
    result = scenario.evaluate()
    assert result["dark_vessel_steps"] == 61
    assert result["dark_vessel_coverage"] == pytest.approx(36 / 61, abs=1e-3)


def test_copies_of_one_report_are_not_a_second_measurement() -> None:
    """Two stations hear one AIS report at the same time: the vessel's second measurement
    is the next one after that instant."""
    measured = Detections(np.array([0, 0, 0, 1]), np.array([100.0, 100.0, 160.0, 50.0]), 3)
    np.testing.assert_array_equal(measured.second_s, [160.0, np.inf, np.inf])
