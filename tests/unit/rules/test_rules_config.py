"""Speed class: slow unless the speed is significantly above the threshold."""

from __future__ import annotations

import dataclasses

import pytest

from fusion.rules.config import DEFAULT_CONFIG, speed_sigma_kn
from tracking.frames import KNOT_MPS


def test_speed_sigma_is_the_velocity_covariance_along_the_course(world):
    cov = [0.0] * 16
    cov[5], cov[15] = 0.04, 1.0  # (m/s)^2: ve sigma 0.2 m/s, vn sigma 1 m/s
    cov[7] = cov[13] = 0.1  # ve-vn covariance: counts only for an oblique course
    east = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=90.0), cov=tuple(cov))
    north = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=0.0), cov=tuple(cov))
    north_east = dataclasses.replace(world.state(0.0, "T1", 0.0, 0.0, cog_deg=45.0), cov=tuple(cov))
    assert speed_sigma_kn(east) == pytest.approx(0.2 / KNOT_MPS)
    assert speed_sigma_kn(north) == pytest.approx(1.0 / KNOT_MPS)
    assert speed_sigma_kn(north_east) == pytest.approx((0.5 * (0.04 + 1.0) + 0.1) ** 0.5 / KNOT_MPS)
    assert speed_sigma_kn(world.state(0.0, "T1", 0.0, 0.0, sog_kn=0.0, speed_sigma_kn=2.0)) == 0.0


@pytest.mark.parametrize(
    ("sog_kn", "sigma_kn", "slow"),
    [(2.9, 0.0, True), (3.0, 0.0, False), (6.0, 2.8, True), (8.7, 2.8, False), (3.5, 0.2, False)],
)
def test_slow_unless_significantly_above_threshold(world, sog_kn, sigma_kn, slow):
    state = world.state(0.0, "T1", 0.0, 0.0, sog_kn=sog_kn, speed_sigma_kn=sigma_kn)
    assert DEFAULT_CONFIG.is_slow(state) is slow
