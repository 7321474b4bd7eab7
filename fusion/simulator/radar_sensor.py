"""Coastal radar plots: clockwise sweeps, size- and range-dependent detection, noise, clutter.

Each radar sweeps clockwise from north once per ``scan_period_s``; a target at true bearing
``b`` is painted at ``scan start + b / 360 * period``, which is the time its plot carries.
A large ship is seen on ~98 % of scans out to ``max_range_m``; small boats fade with range
(``DETECTION``). Measured range and bearing get Gaussian noise with the site's sigmas.
Sea clutter is a Poisson number of false plots per scan, uniform over the *sea* part of the
coverage disc. Coastal land shadowing is not modelled: ``layout.SEA`` keeps traffic south
of the coast, where both sites see open water.

Plots carry no truth: the writer gets time, sensor, range, bearing and scan number only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from fusion.schemas import RadarSite
from fusion.simulator.behaviours import RadarSize, Vessel
from fusion.simulator.layout import FRAME, SCAN_PHASE_S, SEA, SENSORS
from fusion.simulator.motion import Trajectories
from fusion.simulator.random_streams import stream
from tracking.frames import geodesic_destination, range_bearing

DETECTION: dict[RadarSize, tuple[float, float]] = {
    RadarSize.LARGE: (0.98, 0.98),
    RadarSize.MEDIUM: (0.95, 0.70),
    RadarSize.SMALL: (0.85, 0.30),
}
"""Probability of detection per scan (at the site, at ``max_range_m``) by radar size."""
CLUTTER_PER_SCAN = 6.0
"""Mean false plots per scan over the whole coverage disc; the land part is dropped (~half)."""


@dataclass(frozen=True, slots=True)
class RadarPlots:
    """Plots of one or more radars, as parallel arrays in time order."""

    time: np.ndarray  # unix s
    sensor: np.ndarray  # index into SENSORS.radars
    range_m: np.ndarray
    bearing_deg: np.ndarray
    scan: np.ndarray
    clutter: int


def detection_probability(range_m: np.ndarray, max_range_m: float, size: np.ndarray) -> np.ndarray:
    """Per-scan detection probability: quadratic fall from near to far value, none beyond range."""
    near = np.array([DETECTION[RadarSize(s)][0] for s in size])
    far = np.array([DETECTION[RadarSize(s)][1] for s in size])
    ratio = range_m / max_range_m
    return np.where(ratio <= 1.0, near - (near - far) * np.minimum(ratio, 1.0) ** 2, 0.0)


def _sweep_time(scan_start_s: np.ndarray, bearing_deg: np.ndarray, period_s: float) -> np.ndarray:
    return scan_start_s + bearing_deg / 360.0 * period_s


def _targets(
    radar: RadarSite,
    fleet: list[Vessel],
    traj: Trajectories,
    scan_start_s: np.ndarray,
    rng: np.random.Generator,
):
    """Noisy plots of the vessels on every scan: (time_s, range_m, bearing_deg, scan)."""
    n_scans, n_vessels = len(scan_start_s), len(fleet)
    scan = np.repeat(np.arange(n_scans), n_vessels)
    vessel = np.tile(np.arange(n_vessels), n_scans)
    time_s = scan_start_s[scan]
    for _ in range(2):  # bearing at the scan start, then at the painted time
        east_m, north_m = traj.at(time_s, vessel)
        lat, lon = FRAME.to_geodetic(east_m, north_m)
        range_m, bearing_deg = range_bearing(radar.lat, radar.lon, lat, lon)
        time_s = _sweep_time(scan_start_s[scan], np.nan_to_num(bearing_deg), radar.scan_period_s)
    lo = np.floor(time_s).astype(int)
    alive = traj.alive[lo, vessel] & traj.alive[np.minimum(lo + 1, traj.alive.shape[0] - 1), vessel]
    sizes = np.array([v.radar_size.value for v in fleet])[vessel]
    p_detect = detection_probability(np.nan_to_num(range_m, nan=np.inf), radar.max_range_m, sizes)
    seen = alive & (rng.random(len(time_s)) < p_detect)
    noisy_range = range_m[seen] + rng.normal(0.0, radar.range_sigma_m, seen.sum())
    noisy_bearing = np.mod(bearing_deg[seen] + rng.normal(0.0, radar.bearing_sigma_deg, seen.sum()), 360.0)
    return time_s[seen], noisy_range, noisy_bearing, scan[seen]


def _clutter(radar: RadarSite, scan_start_s: np.ndarray, rng: np.random.Generator):
    """False plots, Poisson per scan, uniform in area over the sea inside the coverage disc."""
    counts = rng.poisson(CLUTTER_PER_SCAN, len(scan_start_s))
    scan = np.repeat(np.arange(len(scan_start_s)), counts)
    range_m = radar.max_range_m * np.sqrt(rng.random(len(scan)))
    bearing_deg = rng.uniform(0.0, 360.0, len(scan))
    lat, lon = geodesic_destination(radar.lat, radar.lon, range_m, bearing_deg)
    at_sea = shapely.contains_xy(SEA, lon, lat)
    time_s = _sweep_time(scan_start_s[scan], bearing_deg, radar.scan_period_s)
    return time_s[at_sea], range_m[at_sea], bearing_deg[at_sea], scan[at_sea]


def radar_plots(fleet: list[Vessel], traj: Trajectories, seed: int, start_time: float) -> RadarPlots:
    """All plots of all radars, sorted by (rounded) time, then sensor, then bearing."""
    duration_s = traj.alive.shape[0]
    parts = []
    clutter = 0
    for index, radar in enumerate(SENSORS.radars):
        rng = stream(seed, "radar", radar.id)
        phase_s = SCAN_PHASE_S[radar.id]
        n_scans = int((duration_s - 1 - radar.scan_period_s - phase_s) // radar.scan_period_s) + 1
        scan_start_s = phase_s + radar.scan_period_s * np.arange(max(n_scans, 0))
        real = _targets(radar, fleet, traj, scan_start_s, rng)
        false = _clutter(radar, scan_start_s, rng)
        clutter += len(false[0])
        for time_s, range_m, bearing_deg, scan in (real, false):
            parts.append((start_time + time_s, np.full(len(time_s), index), range_m, bearing_deg, scan))
    time, sensor, range_m, bearing_deg, scan = (np.concatenate(column) for column in zip(*parts, strict=True))
    order = np.lexsort((bearing_deg, sensor, np.round(time, 2)))
    return RadarPlots(time[order], sensor[order], range_m[order], bearing_deg[order], scan[order], clutter)
