"""Ground truth placed in the scoring plane, with sensor coverage and per-vessel look-ups.

Coverage is the rules' :class:`fusion.rules.coverage.RangeCoverage` in the scoring plane:
"observable" then means inside the same range discs the rules and the simulator's
ground-truth events use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fusion.evaluation.loaders import TruthTable
from fusion.rules.coverage import RangeCoverage
from fusion.schemas import Sensors
from tracking.frames import LocalFrame

TRUTH_LOOKUP_TOLERANCE_S = 1.0
"""Truth is written each second; a vessel with no line this close to a time is absent then."""


@dataclass(frozen=True, slots=True)
class Coverage:
    """What the radars and the AIS receivers can see, tested on (n, 2) scoring-plane points."""

    radar: RangeCoverage
    ais: RangeCoverage
    radar_scan_period_s: np.ndarray

    @classmethod
    def from_sensors(cls, sensors: Sensors, frame: LocalFrame) -> Coverage:
        return cls(
            radar=RangeCoverage.of_radars(sensors.radars, frame),
            ais=RangeCoverage.of_ais_receivers(sensors.ais_receivers, frame),
            radar_scan_period_s=np.array([r.scan_period_s for r in sensors.radars], dtype=float),
        )

    def in_radar(self, xy_m: np.ndarray) -> np.ndarray:
        """Whether each (east, north) point is within some radar's max_range_m."""
        return self.radar.covers(xy_m[:, 0], xy_m[:, 1])

    def in_ais(self, xy_m: np.ndarray) -> np.ndarray:
        """Whether each point is within some AIS receiver's range_m."""
        return self.ais.covers(xy_m[:, 0], xy_m[:, 1])

    def nearest_scan_period_s(self, xy_m: np.ndarray) -> np.ndarray:
        """Scan period of the radar nearest each point (NaN without radars): one tracker "scan"."""
        if not len(self.radar_scan_period_s):
            return np.full(len(xy_m), np.nan)
        nearest = np.argmin(self.radar.distances_m(xy_m[:, 0], xy_m[:, 1]), axis=1)
        return self.radar_scan_period_s[nearest]


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
    mmsi: np.ndarray
    """The vessel's MMSI on each row, 0 for none."""
    vessel_start: np.ndarray
    """Row range of vessel v is ``vessel_start[v]:vessel_start[v + 1]``."""

    @classmethod
    def build(cls, table: TruthTable, frame: LocalFrame, coverage: Coverage) -> TruthScene:
        order = np.lexsort((table.time_s, table.vessel))
        east_m, north_m = frame.to_enu(table.lat[order], table.lon[order])
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
            mmsi=table.mmsi[order],
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
