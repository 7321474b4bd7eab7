"""A builder for tiny scenarios on disk, as a fixture (tests run with --import-mode=importlib).

Vessels, tracks and alerts are given in plane metres around the single radar/AIS site and
in seconds from the scenario start, so tests read like the geometry they set up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pyais import encode_dict

from fusion.evaluation import evaluate
from fusion.simulator.ais_link import tag_block
from tracking.frames import LocalFrame, range_bearing

T0_S = 1_768_456_800.0
"""Unix time of the scenario start; builder times are seconds after it."""
ORIGIN = LocalFrame(24.8, 66.97)


@dataclass
class Scenario:
    """A scenario folder plus replay outputs, written on ``evaluate``; times are from the start."""

    RADAR_RANGE_M = 40_000.0
    AIS_RANGE_M = 60_000.0
    SCAN_PERIOD_S = 2.5

    root: Path
    truth: list[dict[str, Any]] = field(default_factory=list)
    tracks: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    alerts: list[dict[str, Any]] = field(default_factory=list)
    plots: list[dict[str, Any]] | None = None
    """radar.jsonl lines; None writes no measurement files (truth-only folder)."""
    ais_lines: list[str] = field(default_factory=list)

    @staticmethod
    def line(
        start_xy_m: tuple[float, float], velocity_mps: tuple[float, float], times_s: np.ndarray
    ) -> np.ndarray:
        """(n, 2) positions at ``times_s`` of a constant-velocity vessel at ``start_xy_m`` at time 0."""
        return np.asarray(start_xy_m) + np.outer(np.asarray(times_s, dtype=float), velocity_mps)

    def add_vessel(
        self,
        truth_id: str,
        times_s: np.ndarray,
        xy_m: np.ndarray,
        mmsi: int | None = 463000001,
        ais_on: bool = True,
    ) -> None:
        lat, lon = ORIGIN.to_geodetic(xy_m[:, 0], xy_m[:, 1])
        for time_s, la, lo in zip(times_s, np.atleast_1d(lat), np.atleast_1d(lon), strict=True):
            self.truth.append(
                {
                    "time": T0_S + float(time_s),
                    "truth_id": truth_id,
                    "lat": float(la),
                    "lon": float(lo),
                    "sog_kn": 0.0,
                    "cog_deg": 0.0,
                    "mmsi": mmsi,
                    "ais_on": ais_on,
                }
            )

    def add_track(
        self,
        track_id: str,
        times_s: np.ndarray,
        xy_m: np.ndarray,
        velocity_mps: tuple[float, float] = (0.0, 0.0),
        status: str = "confirmed",
    ) -> None:
        lat, lon = ORIGIN.to_geodetic(xy_m[:, 0], xy_m[:, 1])
        for time_s, la, lo in zip(times_s, np.atleast_1d(lat), np.atleast_1d(lon), strict=True):
            self.tracks.append(
                {
                    "time": T0_S + float(time_s),
                    "track_id": track_id,
                    "status": status,
                    "lat": float(la),
                    "lon": float(lo),
                    "ve_mps": velocity_mps[0],
                    "vn_mps": velocity_mps[1],
                }
            )

    def add_plots(self, times_s: np.ndarray, xy_m: np.ndarray) -> None:
        """Noise-free plots of radar R1 (at the origin) at these times and plane positions."""
        lat, lon = ORIGIN.to_geodetic(xy_m[:, 0], xy_m[:, 1])
        range_m, bearing_deg = range_bearing(ORIGIN.lat0, ORIGIN.lon0, lat, lon)
        self.plots = (self.plots or []) + [
            {"time": T0_S + float(t), "sensor": "R1", "range_m": float(r), "bearing_deg": float(b)}
            for t, r, b in zip(np.atleast_1d(times_s), range_m, bearing_deg, strict=True)
        ]

    def add_ais_report(self, time_s: int, mmsi: int, xy_m: tuple[float, float]) -> None:
        """One class A position report heard by A1 at whole second ``time_s``."""
        lat, lon = ORIGIN.to_geodetic(*xy_m)
        fields = {
            "msg_type": 1,
            "mmsi": mmsi,
            "lat": float(lat),
            "lon": float(lon),
            "speed": 0.0,
            "course": 0.0,
        }
        sentence = encode_dict(fields, talker_id="AI", radio_channel="A")[0]
        self.ais_lines.append(tag_block("A1", int(T0_S) + time_s) + sentence)
        if self.plots is None:
            self.plots = []

    def add_event(self, time_s: float, kind: str, truth_id: str, **fields: Any) -> None:
        event = {
            "time": T0_S + time_s,
            "kind": kind,
            "truth_id": truth_id,
            "mmsi": None,
            "zone_id": None,
            "other_truth_id": None,
            "in_ais_coverage": True,
            "in_radar_coverage": True,
        }
        self.events.append(event | fields)

    def add_alert(self, time_s: float, kind: str, xy_m: tuple[float, float], **fields: Any) -> None:
        lat, lon = ORIGIN.to_geodetic(*xy_m)
        alert = {
            "alert_id": f"a{len(self.alerts)}",
            "time": T0_S + time_s,
            "kind": kind,
            "state": "raised",
            "severity": "high",
            "track_id": "T1",
            "mmsi": None,
            "zone_id": None,
            "lat": float(lat),
            "lon": float(lon),
            "message": "",
            "related_track_ids": [],
            "evidence": {},
        }
        self.alerts.append(alert | fields)

    def write(self) -> tuple[Path, Path]:
        """Write every file; returns the paths of tracks.jsonl and alerts.jsonl."""
        sensors = {
            "area": {"lat": ORIGIN.lat0, "lon": ORIGIN.lon0},
            "radars": [
                {
                    "id": "R1",
                    "lat": ORIGIN.lat0,
                    "lon": ORIGIN.lon0,
                    "height_m": 30,
                    "range_sigma_m": 25,
                    "bearing_sigma_deg": 0.3,
                    "max_range_m": self.RADAR_RANGE_M,
                    "scan_period_s": self.SCAN_PERIOD_S,
                }
            ],
            "ais_receivers": [
                {"id": "A1", "lat": ORIGIN.lat0, "lon": ORIGIN.lon0, "range_m": self.AIS_RANGE_M}
            ],
        }
        (self.root / "sensors.json").write_text(json.dumps(sensors))
        if self.plots is not None:
            (self.root / "radar.jsonl").write_text("".join(json.dumps(p) + "\n" for p in self.plots))
            (self.root / "ais.nmea").write_text("".join(line + "\n" for line in self.ais_lines))
        for name, lines in [
            ("truth", self.truth),
            ("tracks", self.tracks),
            ("events", self.events),
            ("alerts", self.alerts),
        ]:
            (self.root / f"{name}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
        return self.root / "tracks.jsonl", self.root / "alerts.jsonl"

    def evaluate(self, with_alerts: bool = False) -> dict[str, Any]:
        tracks_path, alerts_path = self.write()
        return evaluate(self.root, tracks_path, alerts_path if with_alerts else None)


@pytest.fixture
def scenario(tmp_path: Path) -> Scenario:
    return Scenario(tmp_path)
