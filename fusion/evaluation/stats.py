"""Summary statistics that stay JSON-valid when there is nothing to summarise."""

from __future__ import annotations

import numpy as np


def median_and_p95(values: np.ndarray | list[float]) -> tuple[float | None, float | None]:
    """Median and 95th percentile (linear interpolation); ``None`` for no values, as JSON null."""
    array = np.asarray(values, dtype=float)
    if not array.size:
        return None, None
    return float(np.median(array)), float(np.percentile(array, 95))


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, ``None`` when undefined (0/0 is "not measured", not 0 or 1)."""
    return numerator / denominator if denominator else None
