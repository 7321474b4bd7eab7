"""Radar registration: a biased radar is calibrated from AIS-fused vessels and corrected."""

import dataclasses

import numpy as np
import pytest

from fusion.schemas import AisReport, RadarPlot, TimeSource
from tests.unit.tracking.test_tracker import FRAME, SENSORS, SITE
from tracking.frames import range_bearing, velocity_from_course
from tracking.registration import RadarRegistration, _median
from tracking.tracker import Tracker

RANGE_BIAS_M = 120.0
BEARING_BIAS_DEG = 0.4


def _fleet(t: float) -> list[tuple[int, float, float, float, float]]:
    """Five vessels (mmsi, lat, lon, sog_kn, cog_deg) spread 10-30 km south of the radar."""
    out = []
    for k in range(5):
        sog_kn, cog_deg = 8.0 + k, 40.0 * k
        ve, vn = velocity_from_course(sog_kn, cog_deg)
        lat, lon = FRAME.to_geodetic(-8000.0 + 4000.0 * k + float(ve) * t, 2000.0 * k + float(vn) * t)
        out.append((463100000 + k, float(lat), float(lon), sog_kn, cog_deg))
    return out


def _run(scans: int, rng: np.random.Generator, bias_on: bool = True) -> Tracker:
    tracker = Tracker(FRAME, SENSORS)
    for k in range(scans):
        t = 2.5 * k
        plots = []
        for n, (_, lat, lon, _, _) in enumerate(_fleet(t)):
            range_m, bearing_deg = range_bearing(SITE.lat, SITE.lon, lat, lon)
            bias_r, bias_b = (RANGE_BIAS_M, BEARING_BIAS_DEG) if bias_on else (0.0, 0.0)
            plots.append(RadarPlot(
                time=t + 0.01 * n, sensor_id="R1", plot_id=n,
                range_m=float(range_m) + bias_r + rng.normal() * SITE.range_sigma_m,
                bearing_deg=(float(bearing_deg) + bias_b + rng.normal() * SITE.bearing_sigma_deg) % 360,
                range_sigma_m=SITE.range_sigma_m, bearing_sigma_deg=SITE.bearing_sigma_deg,
            ))  # fmt: skip
        tracker.update_radar_scan(plots)
        if k % 4 == 0:
            for mmsi, lat, lon, sog_kn, cog_deg in _fleet(t + 1.0):
                tracker.update_ais(AisReport(
                    time=t + 1.0, time_source=TimeSource.TAG_BLOCK, mmsi=mmsi, msg_type=1, lat=lat, lon=lon,
                    sog_kn=sog_kn, cog_deg=cog_deg, heading_deg=None, nav_status=0, receiver_id="A1", raw="",
                ))  # fmt: skip
    return tracker


def test_bias_of_a_misaligned_radar_is_learnt_from_ais_vessels():
    tracker = _run(80, np.random.default_rng(21))
    bias = tracker.registration.bias("R1")
    assert bias.samples >= 50
    assert bias.range_m == pytest.approx(RANGE_BIAS_M, abs=10.0)
    assert bias.bearing_deg == pytest.approx(BEARING_BIAS_DEG, abs=0.05)


def test_an_aligned_radar_gets_no_correction():
    """Its residuals' median is estimation noise, not significant: exactly zero is applied."""
    bias = _run(80, np.random.default_rng(22), bias_on=False).registration.bias("R1")
    assert bias.calibrated and (bias.range_m, bias.bearing_deg) == (0.0, 0.0)


def test_no_correction_before_enough_samples():
    registration = RadarRegistration(min_samples=50)
    noise = np.random.default_rng(3).normal(size=49)
    registration.add("R1", 100.0 + noise, 1.0 + 0.01 * noise)
    assert dataclasses.astuple(registration.bias("R1")) == (0.0, 0.0, 49, False)
    registration.add("R1", np.array([100.0]), np.array([361.0]))  # wraps to +1°
    bias = registration.bias("R1")
    assert bias.range_m == pytest.approx(100.0, abs=0.5) and bias.bearing_deg == pytest.approx(1.0, abs=0.01)


def test_the_window_holds_the_newest_residuals_and_estimates_from_them_alone():
    """The ring keeps what a ``deque(maxlen=window)`` of the residuals would (in another
    order, which a median does not see), through batches smaller and larger than the window."""
    rng = np.random.default_rng(5)
    window = 64
    registration = RadarRegistration(window=window, min_samples=10)
    added: list[float] = []
    for size in [3, 40, 1, 0, 63, 64, 130, 7, 58, 2]:
        ranges = rng.normal(30.0, 10.0, size)
        registration.add("R1", ranges, np.zeros(size))
        added.extend(ranges.tolist())
        newest = np.array(added[-window:])
        assert sorted(registration._range_m["R1"].values().tolist()) == sorted(newest.tolist())
        bias = registration.bias("R1")
        assert bias.samples == newest.size
        if newest.size >= 10:
            assert bias.range_m == float(np.median(newest))  # 30 m is well beyond 3 standard errors


def test_a_window_must_hold_a_residual():
    with pytest.raises(ValueError, match="at least one"):
        RadarRegistration(window=0)


@pytest.mark.parametrize("count", [1, 2, 3, 50, 51, 2000])
def test_the_median_is_numpys_to_the_bit(count: int) -> None:
    """One partition instead of np.median: the same value, odd and even counts alike."""
    rng = np.random.default_rng(count)
    for _ in range(50):
        samples = rng.standard_t(2, size=count) * rng.uniform(0.1, 100.0)
        assert _median(samples) == float(np.median(samples))
