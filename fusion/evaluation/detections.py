"""Every measurement of each truth vessel: the first starts the clock of time to confirm.

A tracker cannot confirm a vessel no sensor has seen yet, and issue 4's target is "every
truth vessel in radar coverage confirmed within 3 scans of its first detections". Counting
from the first instant a vessel is *observable* mixes detection with tracking: a small boat
near the edge of radar range (seen on ~30 % of scans) may go unseen for half a minute, and
an anchored ship outside radar reports by AIS every 3 minutes. So the clock starts at the
vessel's first measurement:

- **Radar**: a plot detects vessel v when it lies inside the 99.9 % gate (χ², 2 dof) of v's
  true position at the plot's time, with that radar's noise (range and bearing sigmas of
  sensors.json, carried into the plane as the tracker carries them), and v is the vessel
  it fits best (two ships in company 400 m apart at 30 km lie in each other's gates, and
  the plot of one must not count as a detection of the other). Plots carry no truth
  id, so a clutter plot that happens to fall inside a vessel's gate counts too; that can
  only make a detection earlier, never excuse a slow confirmation.
- **AIS**: a position report detects the vessel carrying its MMSI when it lies within
  ``AIS_GATE_M`` of it (a spoofed report far away does not).

Plots are matched to truth through a k-d
tree of (east, north, second) points, so the cost grows with plots, not plots x vessels.
Lines the replay would reject (bad checksum, malformed plot) measure nothing and are
skipped here; ``seawatch replay`` counts them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.spatial import cKDTree

from fusion.evaluation.scene import TruthScene
from fusion.schemas import AisReport, RadarPlot, Sensors
from ingest.ais import AisDecoder
from ingest.radar_jsonl import parse_radar_line
from tracking.frames import LocalFrame
from tracking.models import polar_covariance_enu

RADAR_GATE_CHI2 = 13.8
"""χ²(2 dof) at 99.9 %: a plot of the vessel falls outside about once in a thousand."""

AIS_GATE_M = 500.0
"""GNSS error is metres; anything further from the vessel is not its own report."""

_MAX_SPEED_MPS = 30.0
"""Bound on vessel speed, for the k-d tree search radius (truth rows are 1 s apart)."""

_SECOND_SEPARATION_M = 1e9
"""Third k-d tree coordinate per second of truth time: keeps different seconds apart."""


@dataclass(frozen=True, slots=True)
class Detections:
    """Every measurement of a truth vessel: (vessel index, unix time) pairs, in time order."""

    vessel: np.ndarray
    time_s: np.ndarray
    n_vessels: int

    @property
    def first_s(self) -> np.ndarray:
        """Unix time of each vessel's first measurement (inf: never measured)."""
        first = np.full(self.n_vessels, np.inf)
        np.minimum.at(first, self.vessel, self.time_s)
        return first

    @property
    def second_s(self) -> np.ndarray:
        """Unix time of each vessel's first measurement after its first instant (inf: none):
        the earliest a tracker that starts tracks from two plots can hold it. Copies of one
        AIS report heard by several stations share its time, so they count once."""
        later = self.time_s > self.first_s[self.vessel]
        second = np.full(self.n_vessels, np.inf)
        np.minimum.at(second, self.vessel[later], self.time_s[later])
        return second

    def count_until(self, vessels: np.ndarray, until_s: np.ndarray) -> np.ndarray:
        """How many measurements each of ``vessels`` had at or before its ``until_s``."""
        order = np.lexsort((self.time_s, self.vessel))
        vessel, time_s = self.vessel[order], self.time_s[order]
        start = np.searchsorted(vessel, vessels, side="left")
        stop = np.searchsorted(vessel, vessels, side="right")
        bounds = zip(start.tolist(), stop.tolist(), until_s.tolist(), strict=True)
        return np.array([np.searchsorted(time_s[a:b], t, side="right") for a, b, t in bounds], dtype=np.intp)


def detections(
    scenario_dir: Path, sensors: Sensors, frame: LocalFrame, truth: TruthScene
) -> Detections | None:
    """Every radar plot and AIS report that measured a truth vessel (see the module docstring).

    Returns None when the folder holds neither radar.jsonl nor ais.nmea (a hand-built
    truth-only folder): there is nothing to measure detections from.
    """
    radar_path, ais_path = scenario_dir / "radar.jsonl", scenario_dir / "ais.nmea"
    if not radar_path.is_file() and not ais_path.is_file():
        return None
    found = [np.empty((2, 0))]
    if radar_path.is_file():
        found.append(_radar_detections(radar_path, sensors, frame, truth))
    if ais_path.is_file():
        found.append(_ais_detections(ais_path, frame, truth))
    vessel, time_s = np.concatenate(found, axis=1)
    order = np.argsort(time_s, kind="stable")
    return Detections(vessel[order].astype(np.intp), time_s[order], len(truth.vessel_ids))


def _row_velocity_mps(truth: TruthScene) -> np.ndarray:
    """(n, 2) velocity of each truth row from its neighbour row of the same vessel (0 if alone)."""
    dt = np.diff(truth.time_s)
    step = np.diff(truth.xy_m, axis=0) / np.where(dt > 0, dt, np.inf)[:, None]
    same = (truth.vessel[1:] == truth.vessel[:-1])[:, None]
    forward = np.vstack([np.where(same, step, np.nan), [[np.nan, np.nan]]])
    backward = np.vstack([[[np.nan, np.nan]], np.where(same, step, np.nan)])
    return np.nan_to_num(np.where(np.isnan(forward), backward, forward))


def _radar_detections(path: Path, sensors: Sensors, frame: LocalFrame, truth: TruthScene) -> np.ndarray:
    """(2, n): vessel index and time of every plot that measured a vessel."""
    plots = [
        record
        for line_no, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1)
        if line.strip()
        and isinstance(record := parse_radar_line(line, line_no, str(path), sensors), RadarPlot)
    ]
    measured = [np.empty((2, 0))]
    tree = cKDTree(np.column_stack([truth.xy_m, np.rint(truth.time_s) * _SECOND_SEPARATION_M]))
    velocity_mps = _row_velocity_mps(truth)
    for radar in sensors.radars:
        mine = [p for p in plots if p.sensor_id == radar.id]
        if not mine:
            continue
        time_s = np.array([p.time for p in mine])
        range_m = np.array([p.range_m for p in mine])
        bearing_deg = np.array([p.bearing_deg for p in mine])
        east_m, north_m = frame.polar_to_enu(radar.lat, radar.lon, range_m, bearing_deg)
        sigma_m = np.maximum(radar.range_sigma_m, range_m * np.radians(radar.bearing_sigma_deg))
        radius_m = np.sqrt(RADAR_GATE_CHI2) * sigma_m + _MAX_SPEED_MPS
        found = tree.query_ball_point(
            np.column_stack([east_m, north_m, np.rint(time_s) * _SECOND_SEPARATION_M]), radius_m
        )
        counts = np.fromiter((len(f) for f in found), dtype=np.intp, count=len(found))
        plot = np.repeat(np.arange(len(found)), counts)
        row = np.fromiter((r for f in found for r in f), dtype=np.intp, count=int(counts.sum()))
        if not row.size:
            continue
        true_xy = truth.xy_m[row] + velocity_mps[row] * (time_s[plot] - truth.time_s[row])[:, None]
        residual = np.column_stack([east_m[plot], north_m[plot]]) - true_xy
        R = polar_covariance_enu(range_m, bearing_deg, radar.range_sigma_m, radar.bearing_sigma_deg)[plot]
        d2 = np.einsum("ni,ni->n", residual, np.linalg.solve(R, residual[..., None])[..., 0])
        hit = np.flatnonzero(d2 < RADAR_GATE_CHI2)
        if not hit.size:
            continue
        best = hit[np.lexsort((d2[hit], plot[hit]))]  # per plot, its closest vessel first
        best = best[np.append(True, plot[best][1:] != plot[best][:-1])]
        measured.append(np.vstack([truth.vessel[row[best]], time_s[plot[best]]]))
    return np.concatenate(measured, axis=1)


def _ais_detections(path: Path, frame: LocalFrame, truth: TruthScene) -> np.ndarray:
    """(2, n): vessel index and time of every report of a vessel's MMSI near it."""
    decoder = AisDecoder(str(path))
    reports: list[AisReport] = []
    with path.open(encoding="ascii", errors="replace", newline="") as lines:
        for line_no, line in enumerate(lines, start=1):
            reports.extend(r for r in decoder.feed(line.rstrip("\r\n"), line_no) if isinstance(r, AisReport))
    reports.extend(r for r in decoder.flush() if isinstance(r, AisReport))
    found = [np.empty((2, 0))]
    if not reports:
        return found[0]
    mmsi = np.array([r.mmsi for r in reports], dtype=np.int64)
    time_s = np.array([r.time for r in reports])
    east_m, north_m = frame.to_enu(np.array([r.lat for r in reports]), np.array([r.lon for r in reports]))
    vessel_mmsi = truth.mmsi[truth.vessel_start[:-1]]
    for vessel in np.flatnonzero(np.isin(vessel_mmsi, mmsi)).tolist():
        own = np.flatnonzero(mmsi == vessel_mmsi[vessel])
        true_xy = truth.position_at(vessel, time_s[own])
        near = np.hypot(east_m[own] - true_xy[:, 0], north_m[own] - true_xy[:, 1]) <= AIS_GATE_M
        found.append(np.vstack([np.full(int(near.sum()), vessel), time_s[own][near]]))
    return np.concatenate(found, axis=1)
