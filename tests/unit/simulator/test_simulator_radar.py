"""Radar plots: sweep timing, coverage, measurement noise matching the sigmas, no truth leaks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fusion.simulator.behaviours import Kind, RadarSize, Vessel
from fusion.simulator.layout import FRAME, SENSORS
from fusion.simulator.motion import Kinematics, MotionPlan, Trajectories, Waypoint
from fusion.simulator.radar_sensor import detection_probability, radar_plots
from tracking.frames import range_bearing

START = 1768464000.0


def _parked_ship(east_m: float, north_m: float, duration_s: int) -> tuple[list[Vessel], Trajectories]:
    """One large ship lying still at a known point, as truth arrays."""
    stay = Waypoint(east_m, north_m, 0.0, hold_until_s=np.inf)
    kinematics = Kinematics(max_turn_deg_s=0.1, accel_mps2=0.01, course_wander_deg=0.0, speed_wander=0.0)
    vessel = Vessel(
        "V000",
        Kind.ANCHORED,
        MotionPlan(0, east_m, north_m, 0.0, 0.0, (stay,), False, kinematics),
        None,
        RadarSize.LARGE,
    )
    shape = (duration_s, 1)
    lat, lon = FRAME.to_geodetic(east_m, north_m)
    traj = Trajectories(
        alive=np.ones(shape, dtype=bool),
        east_m=np.full(shape, east_m),
        north_m=np.full(shape, north_m),
        lat=np.full(shape, float(lat)),
        lon=np.full(shape, float(lon)),
        sog_kn=np.zeros(shape),
        cog_deg=np.zeros(shape),
        rot_deg_s=np.zeros(shape),
        nav_status=np.full(shape, -1),
    )
    return [vessel], traj


def test_noise_matches_sensor_sigmas() -> None:
    fleet, traj = _parked_ship(5000.0, 8000.0, 3000)
    plots = radar_plots(fleet, traj, seed=5, start_time=START)
    for index, radar in enumerate(SENSORS.radars):
        true_range, true_bearing = range_bearing(radar.lat, radar.lon, traj.lat[0], traj.lon[0])
        mine = plots.sensor == index
        d_range = plots.range_m[mine] - true_range[0]
        d_bearing = (plots.bearing_deg[mine] - true_bearing[0] + 180.0) % 360.0 - 180.0
        near = (np.abs(d_range) < 150.0) & (np.abs(d_bearing) < 2.0)  # drop the odd clutter plot
        scans = (3000 - 1 - radar.scan_period_s) / radar.scan_period_s
        assert near.sum() > 0.95 * scans
        assert np.mean(d_range[near]) == pytest.approx(0.0, abs=3.0)
        assert np.std(d_range[near]) == pytest.approx(radar.range_sigma_m, rel=0.1)
        assert np.std(d_bearing[near]) == pytest.approx(radar.bearing_sigma_deg, rel=0.1)


def test_plot_time_follows_the_clockwise_sweep() -> None:
    fleet, traj = _parked_ship(5000.0, 8000.0, 60)
    plots = radar_plots(fleet, traj, seed=5, start_time=START)
    radar = SENSORS.radars[0]
    _, true_bearing = range_bearing(radar.lat, radar.lon, traj.lat[0], traj.lon[0])
    mine = (plots.sensor == 0) & (np.abs(plots.bearing_deg - true_bearing[0]) < 2.0)
    offset_s = (plots.time[mine] - START) % radar.scan_period_s
    assert offset_s == pytest.approx(true_bearing[0] / 360.0 * radar.scan_period_s, abs=0.02)


def test_detection_depends_on_size_and_range() -> None:
    ranges = np.array([1000.0, 39000.0, 41000.0])
    large = detection_probability(ranges, 40000.0, np.array(["large"] * 3))
    small = detection_probability(ranges, 40000.0, np.array(["small"] * 3))
    assert large[0] == large[1] == pytest.approx(0.98, abs=0.01)
    assert small[0] > 0.8 > 0.4 > small[1]
    assert large[2] == small[2] == 0.0


def test_radar_file(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    rows = [json.loads(line) for line in (out_dir / "radar.jsonl").read_text().splitlines()]
    assert len(rows) == summary["radar_plots"] > summary["radar_clutter_plots"] > 0
    max_range = {r.id: r.max_range_m for r in SENSORS.radars}
    for row in rows:
        assert set(row) == {"time", "sensor", "range_m", "bearing_deg", "scan"}  # no truth id
        assert 0.0 <= row["range_m"] <= max_range[row["sensor"]] + 5 * 25.0
        assert 0.0 <= row["bearing_deg"] < 360.0
    times = [row["time"] for row in rows]
    assert times == sorted(times)
    assert {row["sensor"] for row in rows} == set(max_range)
