"""Geodesic helpers: results come back in the shape of the positions that went in."""

from __future__ import annotations

import numpy as np
import pytest

from tracking.frames import LocalFrame, geodesic_destination, geodesic_distance_m, range_bearing

SITE = (24.7958, 66.9736)


@pytest.mark.parametrize("shape", [(1,), (4, 1), (2, 3)])
def test_range_bearing_keeps_the_input_shape(shape: tuple[int, ...]) -> None:
    lat, lon = np.full(shape, 24.6), np.full(shape, 66.95)
    range_m, bearing_deg = range_bearing(*SITE, lat, lon)
    assert range_m.shape == bearing_deg.shape == shape
    assert geodesic_distance_m(*SITE, lat, lon).shape == shape
    assert geodesic_destination(*SITE, range_m, bearing_deg)[0].shape == shape


def test_range_bearing_agrees_with_the_site_tangent_plane_within_metres() -> None:
    east_m, north_m = np.array([30_000.0, -20_000.0]), np.array([-25_000.0, -5_000.0])
    lat, lon = LocalFrame(*SITE).to_geodetic(east_m, north_m)
    range_m, bearing_deg = range_bearing(*SITE, lat, lon)
    assert range_m == pytest.approx(np.hypot(east_m, north_m), abs=5.0)
    assert bearing_deg == pytest.approx(np.degrees(np.arctan2(east_m, north_m)) % 360.0, abs=1e-3)
