"""Sensor coverage: the union of the sites' range discs in one local plane, on whole arrays.

This is the one definition of "inside coverage" that the alert rules (AIS coverage for the
dark-vessel and AIS-gap rules), the simulator (the coverage flags of its ground-truth
events) and the evaluation (what the sensors could have seen) share, so the three agree on
which side of a range edge a vessel is.

Distances are planar in the area's ENU frame: within the 40-80 km ranges of coastal radars
and AIS receivers the plane differs from the geodesic by a few metres, below the rules'
margins and anything a score is sensitive to, and it keeps ~10^5 positions one vectorised
pass.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from fusion.schemas import AisReceiverSite, RadarSite
from tracking.frames import LocalFrame


class RangeCoverage:
    """Sites with a reach each; a point is covered when it is within some site's reach.

    Parameters
    ----------
    site_lat, site_lon
        Site positions, geodetic degrees, one per site (may be empty: nothing is covered).
    reach_m
        How far each site sees, metres.
    frame
        The ENU plane the points handed to :meth:`covers` are in.
    """

    def __init__(
        self,
        site_lat: Sequence[float],
        site_lon: Sequence[float],
        reach_m: Sequence[float],
        frame: LocalFrame,
    ) -> None:
        east_m, north_m = frame.to_enu(np.asarray(site_lat, dtype=float), np.asarray(site_lon, dtype=float))
        self._east_m = np.atleast_1d(east_m)
        self._north_m = np.atleast_1d(north_m)
        self._reach_m = np.asarray(reach_m, dtype=float)
        self._sites = list(
            zip(self._east_m.tolist(), self._north_m.tolist(), self._reach_m.tolist(), strict=True)
        )

    @classmethod
    def of_radars(cls, radars: Sequence[RadarSite], frame: LocalFrame) -> RangeCoverage:
        """Radar coverage: each radar out to its ``max_range_m``."""
        return cls([r.lat for r in radars], [r.lon for r in radars], [r.max_range_m for r in radars], frame)

    @classmethod
    def of_ais_receivers(
        cls,
        receivers: Sequence[AisReceiverSite],
        frame: LocalFrame,
        margin_m: float = 0.0,
        range_fraction: float = 1.0,
    ) -> RangeCoverage:
        """AIS coverage: each receiver out to ``range_fraction`` of its ``range_m``, less ``margin_m``."""
        reach_m = [range_fraction * r.range_m - margin_m for r in receivers]
        return cls([r.lat for r in receivers], [r.lon for r in receivers], reach_m, frame)

    def distances_m(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
        """Planar distance from every point to every site, shape ``east_m.shape + (sites,)``."""
        east_m = np.asarray(east_m, dtype=float)[..., None]
        north_m = np.asarray(north_m, dtype=float)[..., None]
        return np.hypot(east_m - self._east_m, north_m - self._north_m)

    def covers_point(self, east_m: float, north_m: float) -> bool:
        """:meth:`covers` for one point, in plain Python: a few sites, no array overhead."""
        return any(math.hypot(east_m - e, north_m - n) <= reach for e, n, reach in self._sites)

    def covers(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
        """Boolean mask of the points' shape: within some site's reach (NaN positions are not)."""
        return np.any(self.distances_m(east_m, north_m) <= self._reach_m, axis=-1)
