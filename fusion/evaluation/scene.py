"""Ground truth placed in the scoring plane, with sensor coverage and per-vessel look-ups.

Coverage distances are measured in the area's local tangent plane. Against the geodesic
ground range this is off by metres at 40 km, far below anything a coverage boundary (or a
score) is sensitive to, and it keeps ~10^5 truth rows a single vectorised pass.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fusion.evaluation.loaders import SensorLayout, TruthTable

TRUTH_LOOKUP_TOLERANCE_S = 1.0
"""Truth is written each second; a vessel with no line this close to a time is absent then."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """Sensor sites in the scoring plane and what each can see."""

    radar_xy_m: np.ndarray
    radar_range_m: np.ndarray
    radar_scan_period_s: np.ndarray
    ais_xy_m: np.ndarray
    ais_range_m: np.ndarray

    @classmethod
    def from_layout(cls, layout: SensorLayout) -> Coverage:
        radars, receivers = layout.sensors.radars, layout.sensors.ais_receivers
        return cls(
            radar_xy_m=_sites_xy(layout, [(r.lat, r.lon) for r in radars]),
            radar_range_m=np.array([r.max_range_m for r in radars], dtype=float),
            radar_scan_period_s=np.array([r.scan_period_s for r in radars], dtype=float),
            ais_xy_m=_sites_xy(layout, [(a.lat, a.lon) for a in receivers]),
            ais_range_m=np.array([a.range_m for a in receivers], dtype=float),
        )

    def in_radar(self, xy_m: np.ndarray) -> np.ndarray:
        """Whether each (east, north) point is within some radar's max_range_m."""
        return np.any(_distances_m(xy_m, self.radar_xy_m) <= self.radar_range_m, axis=1)

    def in_ais(self, xy_m: np.ndarray) -> np.ndarray:
        """Whether each point is within some AIS receiver's range_m."""
        return np.any(_distances_m(xy_m, self.ais_xy_m) <= self.ais_range_m, axis=1)

    def nearest_scan_period_s(self, xy_m: np.ndarray) -> np.ndarray:
        """Scan period of the radar nearest each point (NaN without radars): one tracker "scan"."""
        if not len(self.radar_xy_m):
            return np.full(len(xy_m), np.nan)
        return self.radar_scan_period_s[np.argmin(_distances_m(xy_m, self.radar_xy_m), axis=1)]


def _sites_xy(layout: SensorLayout, lat_lon: list[tuple[float, float]]) -> np.ndarray:
    if not lat_lon:
        return np.empty((0, 2))
    lat, lon = np.array(lat_lon, dtype=float).T
    return np.column_stack(layout.frame.to_enu(lat, lon))


def _distances_m(points_xy_m: np.ndarray, sites_xy_m: np.ndarray) -> np.ndarray:
    """(n points, k sites) planar distances."""
    delta = points_xy_m[:, None, :] - sites_xy_m[None, :, :]
    return np.hypot(delta[..., 0], delta[..., 1])


@dataclass(frozen=True, slots=True)
class TruthScene:
    """Truth rows sorted by (vessel, time), in the plane, with observability flags.

    ``observable``: inside some radar's range, or transmitting AIS (``ais_on`` with an
    MMSI) inside some receiver's range: a vessel nothing can sense is not a tracker miss.
    ``dark``: no MMSI or transponder off, the vessels only radar can reveal.
    """

    vessel_ids: tuple[str, ...]
    time_s: np.ndarray
    vessel: np.ndarray
    xy_m: np.ndarray
    in_radar: np.ndarray
    observable: np.ndarray
    dark: np.ndarray
    vessel_start: np.ndarray
    """Row range of vessel v is ``vessel_start[v]:vessel_start[v + 1]``."""

    @classmethod
    def build(cls, table: TruthTable, layout: SensorLayout, coverage: Coverage) -> TruthScene:
        order = np.lexsort((table.time_s, table.vessel))
        east_m, north_m = layout.frame.to_enu(table.lat[order], table.lon[order])
        xy_m = np.column_stack((east_m, north_m))
        ais_on, has_mmsi = table.ais_on[order], table.has_mmsi[order]
        in_radar = coverage.in_radar(xy_m)
        vessel = table.vessel[order]
        return cls(
            vessel_ids=table.vessel_ids,
            time_s=table.time_s[order],
            vessel=vessel,
            xy_m=xy_m,
            in_radar=in_radar,
            observable=in_radar | (ais_on & has_mmsi & coverage.in_ais(xy_m)),
            dark=~(ais_on & has_mmsi),
            vessel_start=np.searchsorted(vessel, np.arange(len(table.vessel_ids) + 1)),
        )

    def vessel_index(self, vessel_id: str) -> int:
        return self.vessel_ids.index(vessel_id)

    def position_at(self, vessel: int, time_s: np.ndarray) -> np.ndarray:
        """(n, 2) true position of one vessel at the given times, linearly interpolated.

        NaN outside the vessel's lifetime, so any distance test against it fails.
        """
        rows = slice(self.vessel_start[vessel], self.vessel_start[vessel + 1])
        times, xy = self.time_s[rows], self.xy_m[rows]
        time_s = np.asarray(time_s, dtype=float)
        out = np.column_stack((np.interp(time_s, times, xy[:, 0]), np.interp(time_s, times, xy[:, 1])))
        out[(time_s < times[0]) | (time_s > times[-1])] = np.nan
        return out

    def observable_at(self, vessel: int, time_s: float) -> bool:
        """Observability on the vessel's truth line nearest ``time_s`` (false if none is near)."""
        start, stop = self.vessel_start[vessel], self.vessel_start[vessel + 1]
        times = self.time_s[start:stop]
        nearest = int(np.argmin(np.abs(times - time_s)))
        return bool(
            abs(times[nearest] - time_s) <= TRUTH_LOOKUP_TOLERANCE_S and self.observable[start + nearest]
        )
