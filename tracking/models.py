"""Measurement models: how a radar plot and an AIS report observe the state.

Each sensor's measurement is turned into a Cartesian observation in the area's ENU plane
with its own covariance, so one linear update path serves both sensors (the Stone Soup
idea of each detection carrying its own model, without its class hierarchy).

- Radar: converted measurement. The plot is placed on the ellipsoid from its site
  (tracking.frames), and the polar noise is carried to ENU with the Jacobian of
  (range, bearing) -> (east, north). The first-order conversion is accurate while
  range × σ_bearing² stays far below σ_range (here 40 km × (0.3°)² ≈ 1 m vs 25 m);
  issue 4 may replace it with an EKF in polar form for longer ranges.
- AIS: GNSS position, plus velocity from SOG/COG when both are available.
"""

from __future__ import annotations

import numpy as np

from tracking.config import TrackerConfig
from tracking.frames import KNOT_MPS

H_POSITION = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0]])
"""Observes [east, north] of the state [east, ve, north, vn]."""

H_POSITION_VELOCITY = np.array([[1.0, 0, 0, 0], [0, 0, 1.0, 0], [0, 1.0, 0, 0], [0, 0, 0, 1.0]])
"""Observes [east, north, ve, vn]."""


def polar_covariance_enu(
    range_m: np.ndarray, bearing_deg: np.ndarray, range_sigma_m: np.ndarray, bearing_sigma_deg: np.ndarray
) -> np.ndarray:
    """Covariance (N, 2, 2) in [east, north] of points measured in range and compass bearing.

    With east = r sin b and north = r cos b, the Jacobian is
    J = [[sin b, r cos b], [cos b, -r sin b]] and R = J diag(σ_r², σ_b²) J'.
    """
    r = np.asarray(range_m, dtype=float)
    b = np.radians(bearing_deg)
    sb, cb = np.sin(b), np.cos(b)
    var_r = np.asarray(range_sigma_m, dtype=float) ** 2 * np.ones_like(r)
    var_b = np.radians(bearing_sigma_deg) ** 2 * np.ones_like(r)
    R = np.empty((r.size, 2, 2))
    R[:, 0, 0] = sb**2 * var_r + (r * cb) ** 2 * var_b
    R[:, 1, 1] = cb**2 * var_r + (r * sb) ** 2 * var_b
    R[:, 0, 1] = R[:, 1, 0] = sb * cb * var_r - r**2 * sb * cb * var_b
    return R


def ais_velocity_covariance(sog_kn: np.ndarray, cog_deg: np.ndarray, config: TrackerConfig) -> np.ndarray:
    """Covariance (N, 2, 2) of [ve, vn] from SOG/COG: their noise carried like a polar point's,
    plus an isotropic floor (``TrackerConfig.ais_velocity_floor_sigma_mps``): a ship reporting
    0.0 kn is not known to be still to better than its speed log's resolution."""
    return (
        polar_covariance_enu(
            np.asarray(sog_kn, dtype=float) * KNOT_MPS,
            cog_deg,
            config.ais_speed_sigma_mps,
            config.ais_course_sigma_deg,
        )
        + np.eye(2) * config.ais_velocity_floor_sigma_mps**2
    )


def ais_position_covariance(sog_kn: np.ndarray, cog_deg: np.ndarray, config: TrackerConfig) -> np.ndarray:
    """Covariance (N, 2, 2) of AIS positions in [east, north]; SOG 0 for a report without SOG/COG.

    A position errs in two ways that one isotropic sigma cannot describe (measured on the
    Solent recording, docs/import.md): GNSS jitter, the same in every direction
    (``TrackerConfig.ais_position_sigma_m``), and timing: the receive time stands for the
    fix's time only to ``ais_time_sigma_s``, which misplaces the fix by v·δt along the
    course and not across it.
    """
    along_sigma_m = np.asarray(sog_kn, dtype=float) * KNOT_MPS * config.ais_time_sigma_s
    timing = polar_covariance_enu(np.ones_like(along_sigma_m), cog_deg, along_sigma_m, 0.0)
    return timing + np.eye(2) * config.ais_position_sigma_m**2


def ais_measurement_covariance(position_cov: np.ndarray, velocity_cov: np.ndarray | None) -> np.ndarray:
    """R of AIS reports from their two independent blocks: (N, 4, 4) over [east, north, ve,
    vn], or (N, 2, 2) over [east, north] for reports without SOG/COG (``velocity_cov`` None)."""
    if velocity_cov is None:
        return np.array(position_cov, dtype=float)
    R = np.zeros((len(position_cov), 4, 4))
    R[:, :2, :2] = position_cov
    R[:, 2:, 2:] = velocity_cov
    return R


def ais_report_covariance(sog_kn: float | None, cog_deg: float | None, config: TrackerConfig) -> np.ndarray:
    """Noise of one AIS report: (4, 4) over [east, north, ve, vn], or (2, 2) over [east,
    north] when it sends no SOG/COG (``ais_position_covariance``, ``ais_velocity_covariance``)."""
    with_velocity = sog_kn is not None and cog_deg is not None
    sog, cog = (np.array([sog_kn]), np.array([cog_deg])) if with_velocity else (np.zeros(1), np.zeros(1))
    velocity_cov = ais_velocity_covariance(sog, cog, config) if with_velocity else None
    return ais_measurement_covariance(ais_position_covariance(sog, cog, config), velocity_cov)[0]
