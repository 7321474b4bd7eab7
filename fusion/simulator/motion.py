"""Vessel kinematics: waypoint following with turn-rate and acceleration limits, 1 s truth.

All vessels advance together, one numpy step per simulated second, in the area tangent
plane (:data:`fusion.simulator.layout.FRAME`). Each vessel steers for its current waypoint
(pure pursuit), turns no faster than its ``max_turn_deg_s`` and changes speed no faster than
``accel_mps2``, so tracks are smooth the way a real hull's are. A slow Ornstein-Uhlenbeck
wander on the commanded course and speed keeps lines from being ruler-straight.

A waypoint either is passed through (the vessel switches to the next one inside its turning
radius) or is *held*: the vessel brakes, arrives and then drifts slowly within
``HOLD_RADIUS_M`` of it until ``hold_until_s`` (``inf``: for ever, e.g. at anchor or moored
at a berth; a hold point may set the AIS navigational status the crew keys in while there,
e.g. 5 "moored"). Passing the last waypoint of a plan with ``leave_at_end`` removes the
vessel from the scenario: it reached the area edge. Ships bound for port do not leave: they
moor at a berth and stay there, heard and seen, until the run ends.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from fusion.simulator.layout import FRAME
from tracking.frames import KNOT_MPS, course_from_velocity, velocity_from_course

WANDER_TIME_CONSTANT_S = 120.0
"""Correlation time of the course and speed wander: slow compared with a report interval."""
DRIFT_TURN_FRACTION = 0.1
"""While drifting at a hold point the heading turns at this fraction of the wander (deg/s per deg)."""
MIN_SWITCH_RADIUS_M = 100.0
"""Smallest distance at which a pass-through waypoint counts as reached."""


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A point to steer for, in the area plane.

    ``speed_kn`` is the speed on the leg towards it. ``hold_until_s`` (scenario seconds) makes
    it a hold point: ``None`` passes through, ``math.inf`` holds for ever. While holding the
    vessel drifts at ``hold_drift_kn`` within ``hold_radius_m`` and, if ``nav_status`` is set,
    its transponder reports that ITU navigational status (5: moored).
    """

    east_m: float
    north_m: float
    speed_kn: float
    hold_until_s: float | None = None
    hold_drift_kn: float = 0.3
    hold_radius_m: float = 25.0
    nav_status: int | None = None


@dataclass(frozen=True, slots=True)
class Kinematics:
    """Hull limits and helm wander of one vessel (``speed_wander`` is a fraction of speed)."""

    max_turn_deg_s: float
    accel_mps2: float
    course_wander_deg: float
    speed_wander: float


@dataclass(frozen=True, slots=True)
class MotionPlan:
    """Where a vessel starts (at ``spawn_s`` scenario seconds), how it moves and where it goes."""

    spawn_s: int
    east_m: float
    north_m: float
    course_deg: float
    speed_kn: float
    waypoints: tuple[Waypoint, ...]
    leave_at_end: bool
    kinematics: Kinematics


@dataclass(frozen=True, slots=True)
class Trajectories:
    """True state of every vessel each second: arrays of shape (seconds, vessels).

    Entries where ``alive`` is false (before a vessel appears or after it left) are NaN.
    ``rot_deg_s`` is the rate of turn over the second that ends at each sample.
    ``nav_status`` is the status set by the hold point the vessel is at, -1 where none is
    (the transponder then sends its identity's usual status).
    """

    alive: np.ndarray
    east_m: np.ndarray
    north_m: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    sog_kn: np.ndarray
    cog_deg: np.ndarray
    rot_deg_s: np.ndarray
    nav_status: np.ndarray

    def at(self, time_s: np.ndarray, vessel: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(east_m, north_m) of ``vessel`` at fractional scenario seconds, linearly interpolated."""
        lo = np.floor(time_s).astype(int)
        hi = np.minimum(lo + 1, self.alive.shape[0] - 1)
        frac = time_s - lo
        east_m = self.east_m[lo, vessel] * (1 - frac) + self.east_m[hi, vessel] * frac
        north_m = self.north_m[lo, vessel] * (1 - frac) + self.north_m[hi, vessel] * frac
        return east_m, north_m


def _wrap_deg(angle_deg: np.ndarray) -> np.ndarray:
    """Angle difference folded into [-180, 180)."""
    return np.mod(angle_deg + 180.0, 360.0) - 180.0


class _PlanArrays:
    """The plans as padded (vessel, waypoint) arrays, so one step serves every vessel."""

    def __init__(self, plans: Sequence[MotionPlan]) -> None:
        n_wp = max(len(p.waypoints) for p in plans)
        shape = (len(plans), n_wp)
        self.count = np.array([len(p.waypoints) for p in plans])
        self.east_m = np.zeros(shape)
        self.north_m = np.zeros(shape)
        self.speed_mps = np.zeros(shape)
        self.hold_until_s = np.full(shape, np.nan)
        self.drift_mps = np.zeros(shape)
        self.hold_radius_m = np.ones(shape)
        self.nav_status = np.full(shape, -1, dtype=int)
        for i, plan in enumerate(plans):
            for j, wp in enumerate(plan.waypoints):
                self.east_m[i, j] = wp.east_m
                self.north_m[i, j] = wp.north_m
                self.speed_mps[i, j] = wp.speed_kn * KNOT_MPS
                self.hold_until_s[i, j] = np.nan if wp.hold_until_s is None else wp.hold_until_s
                self.drift_mps[i, j] = wp.hold_drift_kn * KNOT_MPS
                self.hold_radius_m[i, j] = wp.hold_radius_m
                self.nav_status[i, j] = -1 if wp.nav_status is None else wp.nav_status
        self.spawn_s = np.array([p.spawn_s for p in plans])
        self.leave = np.array([p.leave_at_end for p in plans])
        self.max_turn_deg_s = np.array([p.kinematics.max_turn_deg_s for p in plans])
        self.accel_mps2 = np.array([p.kinematics.accel_mps2 for p in plans])
        self.course_wander_deg = np.array([p.kinematics.course_wander_deg for p in plans])
        self.speed_wander = np.array([p.kinematics.speed_wander for p in plans])


def _smooth_wander(noise: np.ndarray) -> np.ndarray:
    """Unit-variance smooth wander paths (1 s steps) driven by standard normal ``noise``.

    Two Ornstein-Uhlenbeck stages in cascade: a single stage has white increments, which
    would make the course jitter every second instead of drifting like a helmsman's.
    The cascade's stationary variance is (1 + a^2) / (1 - a^2); dividing by its root
    gives unit variance.
    """
    decay = math.exp(-1.0 / WANDER_TIME_CONSTANT_S)
    kick = math.sqrt(1.0 - decay**2)
    paths = noise.copy()
    for _ in range(2):
        for k in range(1, len(paths)):
            paths[k] = decay * paths[k - 1] + kick * paths[k]
    return paths * math.sqrt((1.0 - decay**2) / (1.0 + decay**2))


def simulate_motion(
    plans: Sequence[MotionPlan],
    wander_noise: np.ndarray,
    duration_s: int,
) -> Trajectories:
    """Integrate every plan for ``duration_s`` one-second steps.

    Parameters
    ----------
    plans
        One plan per vessel, in truth-id order.
    wander_noise
        Standard normal draws of shape (duration_s, vessels, 2) for the course and speed
        wander; each vessel's column comes from its own random stream.
    duration_s
        Number of truth samples (scenario seconds 0 .. duration_s - 1).
    """
    arr = _PlanArrays(plans)
    n = len(plans)
    rows = np.arange(n)
    course_wander = _smooth_wander(wander_noise[:, :, 0]) * arr.course_wander_deg
    speed_factor = 1.0 + _smooth_wander(wander_noise[:, :, 1]) * arr.speed_wander

    east = np.array([p.east_m for p in plans], dtype=float)
    north = np.array([p.north_m for p in plans], dtype=float)
    speed = np.array([p.speed_kn * KNOT_MPS for p in plans])
    course = np.array([p.course_deg for p in plans], dtype=float)
    wp_index = np.zeros(n, dtype=int)
    holding = np.zeros(n, dtype=bool)
    gone = np.zeros(n, dtype=bool)

    shape = (duration_s, n)
    out = {name: np.full(shape, np.nan) for name in ("east_m", "north_m", "sog_kn", "cog_deg")}
    alive = np.zeros(shape, dtype=bool)
    nav_status = np.full(shape, -1, dtype=int)
    for k in range(duration_s):
        active = (k >= arr.spawn_s) & ~gone
        alive[k] = active
        out["east_m"][k] = np.where(active, east, np.nan)
        out["north_m"][k] = np.where(active, north, np.nan)
        out["sog_kn"][k] = np.where(active, speed / KNOT_MPS, np.nan)
        out["cog_deg"][k] = np.where(active, course, np.nan)

        j = np.minimum(wp_index, arr.count - 1)
        to_east = arr.east_m[rows, j] - east
        to_north = arr.north_m[rows, j] - north
        distance = np.hypot(to_east, to_north)
        _, bearing = course_from_velocity(to_east, to_north)
        hold_until = arr.hold_until_s[rows, j]
        is_hold = ~np.isnan(hold_until)
        hold_radius = arr.hold_radius_m[rows, j]
        drift = arr.drift_mps[rows, j]

        holding |= is_hold & (distance < hold_radius)
        nav_status[k] = np.where(active & holding, arr.nav_status[rows, j], -1)
        released = holding & (k >= hold_until)
        turn_radius = speed / np.radians(arr.max_turn_deg_s)
        passed = ~is_hold & (distance < np.maximum(MIN_SWITCH_RADIUS_M, turn_radius))
        advance = active & (released | passed)
        gone |= advance & (wp_index + 1 >= arr.count) & arr.leave
        wp_index = np.where(advance, np.minimum(wp_index + 1, arr.count), wp_index)
        holding &= ~advance

        # Commands: steer for the waypoint (braking towards a hold point); once arrived, drift
        # at hold speed, turning slowly, and head back whenever the drift leaves the circle.
        brake_mps = np.sqrt(2.0 * arr.accel_mps2 * np.maximum(distance - 0.5 * hold_radius, 0.0)) + drift
        leg_mps = arr.speed_mps[rows, j] * speed_factor[k]
        cmd_speed = np.where(is_hold, np.minimum(leg_mps, brake_mps), leg_mps)
        cmd_speed = np.where(holding, drift * speed_factor[k], cmd_speed)
        drifting = holding & (distance < hold_radius)
        cmd_course = np.where(
            drifting, course + DRIFT_TURN_FRACTION * course_wander[k], bearing + course_wander[k]
        )

        max_turn = arr.max_turn_deg_s
        new_course = np.mod(course + np.clip(_wrap_deg(cmd_course - course), -max_turn, max_turn), 360.0)
        new_speed = speed + np.clip(cmd_speed - speed, -arr.accel_mps2, arr.accel_mps2)
        ve, vn = velocity_from_course(new_speed / KNOT_MPS, new_course)
        moving = active & ~gone
        east = np.where(moving, east + ve, east)
        north = np.where(moving, north + vn, north)
        speed = np.where(moving, np.maximum(new_speed, 0.0), speed)
        course = np.where(moving, new_course, course)

    lat, lon = FRAME.to_geodetic(out["east_m"], out["north_m"])
    rot = np.zeros(shape)
    rot[1:] = _wrap_deg(np.diff(out["cog_deg"], axis=0))
    return Trajectories(
        alive=alive,
        east_m=out["east_m"],
        north_m=out["north_m"],
        lat=np.where(alive, lat, np.nan),
        lon=np.where(alive, lon, np.nan),
        sog_kn=out["sog_kn"],
        cog_deg=out["cog_deg"],
        rot_deg_s=np.nan_to_num(rot),
        nav_status=nav_status,
    )
