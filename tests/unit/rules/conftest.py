"""A small world for rule tests: one AIS receiver and one radar at the plane origin, zones
drawn as rectangles in plane metres, and track states built from plane metres.

Given as a fixture because tests run with ``--import-mode=importlib`` (no helper imports).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from fusion.rules.config import DEFAULT_CONFIG, RulesConfig
from fusion.rules.engine import RuleEngine
from fusion.rules.zones import load_zones
from fusion.schemas import AisReceiverSite, Alert, RadarSite, Sensors, TrackState, TrackStatus
from tracking.frames import KNOT_MPS, LocalFrame

T0_S = 1_768_456_800.0
"""Unix time the test scenarios start at; tests speak in seconds after it."""

AIS_RANGE_M = 60_000.0
ORIGIN = LocalFrame(24.8, 66.97)


@dataclass
class World:
    """Builds zones files, track states and engines around one sensor site at (0, 0)."""

    root: Path
    frame: LocalFrame = ORIGIN
    t0_s: float = T0_S

    @property
    def sensors(self) -> Sensors:
        radar = RadarSite(
            id="R1",
            lat=self.frame.lat0,
            lon=self.frame.lon0,
            height_m=30.0,
            range_sigma_m=25.0,
            bearing_sigma_deg=0.3,
            max_range_m=40_000.0,
            scan_period_s=2.5,
        )
        ais = AisReceiverSite(id="AIS1", lat=self.frame.lat0, lon=self.frame.lon0, range_m=AIS_RANGE_M)
        return Sensors(radars=(radar,), ais_receivers=(ais,))

    def rectangle(
        self, zone_id: str, kind: str, east_m: tuple[float, float], north_m: tuple[float, float]
    ) -> dict[str, Any]:
        """A GeoJSON Feature: the plane rectangle [east_m] x [north_m], written in lon/lat."""
        corners_e = np.array([east_m[0], east_m[1], east_m[1], east_m[0], east_m[0]])
        corners_n = np.array([north_m[0], north_m[0], north_m[1], north_m[1], north_m[0]])
        lat, lon = self.frame.to_geodetic(corners_e, corners_n)
        ring = [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)]
        return {
            "type": "Feature",
            "properties": {"id": zone_id, "name": f"zone {zone_id}", "kind": kind},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        }

    def zones_file(self, features: Sequence[dict[str, Any]], name: str = "zones.geojson") -> Path:
        path = self.root / name
        path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
        return path

    def engine(
        self, features: Sequence[dict[str, Any]] = (), config: RulesConfig = DEFAULT_CONFIG
    ) -> RuleEngine:
        return RuleEngine(load_zones(self.zones_file(features)), self.sensors, self.frame, config)

    def state(
        self,
        t_s: float,
        track_id: str,
        east_m: float,
        north_m: float,
        *,
        sog_kn: float = 10.0,
        cog_deg: float = 90.0,
        status: TrackStatus = TrackStatus.CONFIRMED,
        mmsi: int | None = None,
        last_ais_s: float | None = None,
        last_radar_s: float | None = None,
        speed_sigma_kn: float = 0.0,
        position_sigma_m: float = 0.0,
    ) -> TrackState:
        """A track state at ``T0_S + t_s``; ``last_*_s`` are also seconds after ``T0_S``.

        ``speed_sigma_kn`` sets an isotropic velocity covariance (sigma per axis), the
        uncertainty a radar-only track carries, and ``position_sigma_m`` an isotropic
        position one; the default 0 is an exact track.
        """
        lat, lon = self.frame.to_geodetic(east_m, north_m)
        speed_mps = sog_kn * KNOT_MPS
        velocity_variance = (speed_sigma_kn * KNOT_MPS) ** 2
        cov = [0.0] * 16
        cov[5] = cov[15] = velocity_variance  # [east, ve, north, vn] row-major: ve,ve and vn,vn
        cov[0] = cov[10] = position_sigma_m**2  # east,east and north,north
        return TrackState(
            time=T0_S + t_s,
            track_id=track_id,
            status=status,
            lat=float(lat),
            lon=float(lon),
            east_m=east_m,
            north_m=north_m,
            ve_mps=speed_mps * float(np.sin(np.radians(cog_deg))),
            vn_mps=speed_mps * float(np.cos(np.radians(cog_deg))),
            sog_kn=sog_kn,
            cog_deg=cog_deg,
            cov=tuple(cov),
            mmsi=mmsi,
            last_ais_time=None if last_ais_s is None else T0_S + last_ais_s,
            last_radar_time=None if last_radar_s is None else T0_S + last_radar_s,
            radar_ids=("R1",) if last_radar_s is not None else (),
        )


def feed(engine: RuleEngine, states: Sequence[TrackState], tick_s: float | None = None) -> list[Alert]:
    """Give each state to the engine on its own, with ``now`` = its time, plus empty ticks.

    With ``tick_s``, empty calls are made every ``tick_s`` seconds between updates, as the
    pipeline does; returns every alert produced, in order.
    """
    alerts: list[Alert] = []
    previous_s: float | None = None
    for state in states:
        if tick_s is not None and previous_s is not None:
            for now in np.arange(previous_s + tick_s, state.time, tick_s):
                alerts += engine.on_tracks([], float(now))
        alerts += engine.on_tracks([state], state.time)
        previous_s = state.time
    return alerts


@pytest.fixture
def world(tmp_path: Path) -> World:
    return World(tmp_path)


@pytest.fixture
def feed_states():
    """The :func:`feed` helper, as a fixture."""
    return feed
