"""AIS position reports as stacked Cartesian measurements in a tracking area's plane.

A run of reports is converted at once (one geodesic call, one covariance call) because the
tracker fuses runs of reports for different vessels in one stacked step; converting them
one at a time would cost as much as the whole step. Reports with SOG and COG observe
[east, north, ve, vn]; those without observe [east, north]. The two kinds have measurement
vectors of different sizes, so a stacked update takes one kind at a time
(``AisFixes.measurements``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fusion.schemas import AisReport
from tracking.config import TrackerConfig
from tracking.frames import LocalFrame, velocity_from_course
from tracking.models import (
    H_POSITION,
    H_POSITION_VELOCITY,
    ais_measurement_covariance,
    ais_position_covariance,
    ais_velocity_covariance,
)


@dataclass(frozen=True, slots=True)
class AisFixes:
    """Reports ``i`` of a run: ``time[i]`` (unix s), ``position_m[i]`` (east, north) with its
    covariance ``position_cov[i]`` and, where ``has_velocity[i]``, ``velocity_mps[i]`` (ve, vn)
    with its covariance ``velocity_cov[i]`` (``tracking.models``)."""

    time: np.ndarray
    position_m: np.ndarray
    has_velocity: np.ndarray
    velocity_mps: np.ndarray
    velocity_cov: np.ndarray
    position_cov: np.ndarray

    @classmethod
    def of(cls, reports: Sequence[AisReport], frame: LocalFrame, config: TrackerConfig) -> AisFixes:
        count = len(reports)
        east, north = frame.to_enu(np.array([r.lat for r in reports]), np.array([r.lon for r in reports]))
        has_velocity = np.array([r.sog_kn is not None and r.cog_deg is not None for r in reports], dtype=bool)
        sog_kn = np.array([r.sog_kn if v else 0.0 for r, v in zip(reports, has_velocity, strict=True)])
        cog_deg = np.array([r.cog_deg if v else 0.0 for r, v in zip(reports, has_velocity, strict=True)])
        ve, vn = velocity_from_course(sog_kn, cog_deg)
        return cls(
            time=np.array([r.time for r in reports], dtype=float),
            position_m=np.column_stack([east, north]).reshape(count, 2),
            has_velocity=has_velocity,
            velocity_mps=np.column_stack([ve, vn]).reshape(count, 2),
            velocity_cov=ais_velocity_covariance(sog_kn, cog_deg, config),
            position_cov=ais_position_covariance(sog_kn, cog_deg, config),
        )

    def measurements(
        self, chosen: np.ndarray, with_velocity: bool
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(z, R, H) of the reports ``chosen`` (indices), all of one kind: with velocity or without."""
        R = ais_measurement_covariance(
            self.position_cov[chosen], self.velocity_cov[chosen] if with_velocity else None
        )
        if with_velocity:
            return (
                np.concatenate([self.position_m[chosen], self.velocity_mps[chosen]], axis=1),
                R,
                H_POSITION_VELOCITY,
            )
        return self.position_m[chosen], R, H_POSITION
