"""RangeCoverage: the one "inside sensor range" test shared by rules, simulator and evaluation."""

from __future__ import annotations

import numpy as np

from fusion.rules.coverage import RangeCoverage
from fusion.schemas import AisReceiverSite, RadarSite
from tracking.frames import LocalFrame

FRAME = LocalFrame(24.8, 66.97)
RADARS = (
    RadarSite(
        id="R1",
        lat=24.8,
        lon=66.97,
        height_m=30.0,
        range_sigma_m=25.0,
        bearing_sigma_deg=0.3,
        max_range_m=10_000.0,
        scan_period_s=2.5,
    ),
)


def test_points_inside_a_site_range_are_covered_and_nan_is_not() -> None:
    coverage = RangeCoverage.of_radars(RADARS, FRAME)
    east_m = np.array([0.0, 9_990.0, 10_010.0, np.nan])
    assert coverage.covers(east_m, np.zeros(4)).tolist() == [True, True, False, False]


def test_union_of_sites_and_the_margin_shrinks_each_reach() -> None:
    receivers = (
        AisReceiverSite(id="A", lat=24.8, lon=66.97, range_m=6_000.0),
        AisReceiverSite(id="B", lat=24.8, lon=67.07, range_m=6_000.0),  # ~10 km east
    )
    east_b, _ = FRAME.to_enu(24.8, 67.07)
    east_m = np.array([-5_900.0, float(east_b) + 5_900.0, float(east_b) / 2])
    exact = RangeCoverage.of_ais_receivers(receivers, FRAME)
    shrunk = RangeCoverage.of_ais_receivers(receivers, FRAME, margin_m=200.0)
    assert exact.covers(east_m, np.zeros(3)).tolist() == [True, True, True]
    assert shrunk.covers(east_m, np.zeros(3)).tolist() == [False, False, True]


def test_mask_keeps_the_shape_of_the_positions() -> None:
    coverage = RangeCoverage.of_radars(RADARS, FRAME)
    seconds_by_vessels = np.zeros((5, 3))
    assert coverage.covers(seconds_by_vessels, seconds_by_vessels).shape == (5, 3)
    assert coverage.distances_m(seconds_by_vessels, seconds_by_vessels).shape == (5, 3, 1)


def test_no_sites_cover_nothing() -> None:
    coverage = RangeCoverage.of_ais_receivers((), FRAME)
    assert not coverage.covers(np.zeros(2), np.zeros(2)).any()
