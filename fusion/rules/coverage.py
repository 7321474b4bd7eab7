"""Where AIS should be heard: discs of each receiver's ``range_m`` in the local plane."""

from __future__ import annotations

import numpy as np

from fusion.schemas import AisReceiverSite
from tracking.frames import LocalFrame


class AisCoverage:
    """Union of the receivers' range discs, shrunk by a margin, tested on whole arrays.

    Distances are planar in the tracker's ENU frame: within a receiver's 60-80 km range the
    plane differs from the geodesic by well under the margin.
    """

    def __init__(self, receivers: tuple[AisReceiverSite, ...], frame: LocalFrame, margin_m: float) -> None:
        lat = np.array([r.lat for r in receivers], dtype=float)
        lon = np.array([r.lon for r in receivers], dtype=float)
        east_m, north_m = frame.to_enu(lat, lon)
        self._east_m = np.atleast_1d(east_m)
        self._north_m = np.atleast_1d(north_m)
        self._reach_m = np.array([r.range_m for r in receivers], dtype=float) - margin_m

    def covers(self, east_m: np.ndarray, north_m: np.ndarray) -> np.ndarray:
        """Boolean mask, shape (N,): each point is within some receiver's range less the margin."""
        east_m = np.asarray(east_m, dtype=float)[:, None]
        north_m = np.asarray(north_m, dtype=float)[:, None]
        distance_m = np.hypot(east_m - self._east_m, north_m - self._north_m)  # (N, receivers)
        return np.any(distance_m <= self._reach_m, axis=1)
