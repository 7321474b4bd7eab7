"""Radar registration: each radar's range and azimuth bias, learnt from AIS-fused vessels.

A coastal radar is rarely aligned perfectly: a north alignment off by half a degree moves
a vessel 350 m sideways at 40 km, and a range offset of a few tens of metres is common
after maintenance. Left alone, the bias drags every fused track between where the radar
says and where AIS says, and splits tracks where two radars overlap.

AIS positions are GNSS fixes, unbiased for this purpose, so every radar plot assigned to a
track whose AIS fix is only seconds old is a free calibration sample: the difference
between the measured (range, bearing) and the AIS fix extrapolated to the plot's time, seen
from the radar site. The estimate is the median of the most recent samples (robust to
the occasional mis-association and to a vessel's antenna offset), applied only once there
are enough of them, and each component only where it differs from zero by more than three
standard errors: correcting a well-aligned radar for its estimation noise would only add
error. This is the "exact" registration idea of bias estimation from
cooperative targets (Fortunati et al., "Least squares estimation and Cramér-Rao type lower
bounds for relative sensor registration", IEEE TSP 2011), in its simplest robust form.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class RadarBias:
    """A radar's estimated bias: measured minus true, so subtract it from measurements."""

    range_m: float
    bearing_deg: float
    samples: int
    calibrated: bool


class RadarRegistration:
    """Per-radar bias estimates from (measured - AIS-expected) polar residuals.

    Parameters
    ----------
    window:
        Residuals kept per radar (the most recent); ~10 min of a few AIS vessels, so a
        slow drift is followed while one bad hour does not stick.
    min_samples:
        Residuals needed before a correction is applied (``TrackerConfig``).
    """

    def __init__(self, window: int = 2000, min_samples: int = 50) -> None:
        if window < 1:
            raise ValueError(f"window must keep at least one residual, got {window}")
        self.window = window
        self.min_samples = min_samples
        self._range_m: dict[str, _Window] = {}
        self._bearing_deg: dict[str, _Window] = {}

    def add(self, radar_id: str, range_residual_m: np.ndarray, bearing_residual_deg: np.ndarray) -> None:
        """Record residuals (measured - expected) of one radar; bearings wrapped to ±180°."""
        ranges = self._range_m.setdefault(radar_id, _Window(self.window))
        bearings = self._bearing_deg.setdefault(radar_id, _Window(self.window))
        ranges.extend(np.asarray(range_residual_m, dtype=float).reshape(-1))
        bearings.extend(
            np.mod(np.asarray(bearing_residual_deg, dtype=float) + 180.0, 360.0).reshape(-1) - 180.0
        )

    def bias(self, radar_id: str) -> RadarBias:
        """The current estimate; zero until ``min_samples`` residuals have been seen."""
        ranges = self._range_m.get(radar_id)
        count = 0 if ranges is None else len(ranges)
        if ranges is None or count < self.min_samples:
            return RadarBias(0.0, 0.0, count, calibrated=False)
        return RadarBias(
            _significant_median(ranges.values()),
            _significant_median(self._bearing_deg[radar_id].values()),
            count,
            calibrated=True,
        )

    def biases(self) -> dict[str, RadarBias]:
        return {radar_id: self.bias(radar_id) for radar_id in sorted(self._range_m)}


class _Window:
    """The newest ``size`` residuals of one radar, in a ring rather than in arrival order.

    The estimate is a median, which the order does not change, and it is taken every scan:
    reading a ring is a view, where a deque had to be copied into an array each time.
    """

    def __init__(self, size: int) -> None:
        self._ring = np.empty(size)
        self._added = 0

    def __len__(self) -> int:
        return min(self._added, self._ring.size)

    def extend(self, values: np.ndarray) -> None:
        """Append ``values`` (1-D), overwriting the oldest residuals once the ring is full."""
        size = self._ring.size
        values = values[-size:]
        start = self._added % size
        head = min(size - start, values.size)
        self._ring[start : start + head] = values[:head]
        self._ring[: values.size - head] = values[head:]
        self._added += values.size

    def values(self) -> np.ndarray:
        """The residuals held (a view: read it before the next ``extend``)."""
        return self._ring[: len(self)]


def _significant_median(samples: np.ndarray, sigmas: float = 3.0) -> float:
    """The median if it is ``sigmas`` standard errors away from zero, else zero.

    Standard error of a median: 1.2533 σ/√n, with σ from the median absolute deviation
    (1.4826 MAD), so outliers inflate neither the estimate nor its error.
    """
    median = _median(samples)
    sigma = 1.4826 * _median(np.abs(samples - median))
    standard_error = 1.2533 * sigma / np.sqrt(samples.size)
    return median if abs(median) > sigmas * standard_error else 0.0


def _median(samples: np.ndarray) -> float:
    """``np.median`` of finite 1-D samples, to the bit (for an even count the two middle values'
    sum halved, as np.median's mean of them), by one partition: np.median's generality cost
    twice the partition itself, four times a scan."""
    half = samples.size // 2
    part = np.partition(samples, (half - 1, half))  # (-1, 0) for a single sample: still itself
    return float(part[half] if samples.size % 2 else (part[half - 1] + part[half]) / 2)
