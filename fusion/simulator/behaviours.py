"""What each simulated vessel is and what it sets out to do: the traffic mix and its plans.

The mix is a coastguard's everyday picture off Karachi: merchant ships in and out of the
Karachi channel and Port Qasim, ships swinging at the outer anchorage, fishing boats
meandering and loitering, class B small craft, and the cases the alert rules exist for:
dark vessels (no AIS at all), AIS switch-offs, rendezvous at sea, zone violations, and
identity anomalies: a small craft transmitting an invalid MMSI (its owner dropped a digit)
and, when asked for, ships whose transponders report false positions (spoofers: opt-in,
because the tracks of their false positions count against tracking scores such as GOSPA).

Each vessel's plan is drawn from its own random stream (:func:`random_streams.stream`), so
adding a kind or a vessel leaves every other vessel's plan unchanged. Routes are polylines
of (lon, lat) points inside :data:`layout.SEA`; gates sit 500 m inside its edge.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import shapely

from fusion.rules.zones import ZoneKind, Zones
from fusion.simulator.identities import AisIdentity, identity
from fusion.simulator.layout import FRAME, SEA, SENSORS, zone_by_id
from fusion.simulator.motion import Kinematics, MotionPlan, Waypoint
from fusion.simulator.random_streams import stream
from tracking.frames import KNOT_MPS, course_from_velocity, geodesic_distance_m


class Kind(StrEnum):
    """Vessel kinds, in the order they are planned (truth ids follow this order)."""

    MERCHANT = "merchant"
    ANCHORED = "anchored"
    FISHING = "fishing"
    SMALL_CRAFT = "small_craft"
    DARK = "dark"
    AIS_SWITCH_OFF = "ais_switch_off"
    RENDEZVOUS = "rendezvous"
    ZONE_CROSSER = "zone_crosser"
    SPOOFER = "spoofer"


class RadarSize(StrEnum):
    """Radar cross-section class; ``radar_sensor`` maps it to a detection probability."""

    LARGE = "large"
    MEDIUM = "medium"
    SMALL = "small"


class SwitchOff(StrEnum):
    """Where a switch-off vessel turns its transponder off: inside or outside AIS coverage."""

    COVERED = "covered"
    UNCOVERED = "uncovered"


@dataclass(frozen=True, slots=True)
class Spoof:
    """False AIS positions: from ``start_s`` until ``end_s``, each report is offset by (east_m, north_m)."""

    start_s: int
    end_s: int
    east_m: float
    north_m: float


@dataclass(frozen=True, slots=True)
class Vessel:
    truth_id: str
    kind: Kind
    motion: MotionPlan
    ais: AisIdentity | None
    radar_size: RadarSize
    switch_off: SwitchOff | None = None
    spoof: Spoof | None = None


LonLat = tuple[float, float]

# Lanes (lon, lat). Inbound ships keep ~150 m east of the channel axis, outbound ~150 m west.
_KHI_CHANNEL: tuple[LonLat, ...] = ((66.885, 24.690), (66.895, 24.712), (66.935, 24.755), (66.968, 24.789))
_QASIM_CHANNEL: tuple[LonLat, ...] = ((67.205, 24.615), (67.250, 24.680), (67.293, 24.750))
_LANE_OFFSET_DEG = 0.0015
_GATES: tuple[LonLat, ...] = (
    (66.555, 24.560),  # west, from the Makran coast
    (66.650, 24.305),  # south-west, Gulf of Oman traffic
    (66.900, 24.305),  # south
    (67.150, 24.305),  # south-south-east
    (67.345, 24.420),  # east, from the Indus delta / India
)
_OPEN_SEA_BOX = (66.57, 24.32, 67.33, 24.72)  # (lon_min, lat_min, lon_max, lat_max), convex, inside SEA
_UNCOVERED_SPOT: LonLat = (66.585, 24.335)  # SW corner: beyond both AIS receivers' range


_HANDLING: dict[str, Kinematics] = {
    "ship": Kinematics(max_turn_deg_s=0.6, accel_mps2=0.03, course_wander_deg=1.0, speed_wander=0.02),
    "trawler": Kinematics(max_turn_deg_s=2.0, accel_mps2=0.1, course_wander_deg=8.0, speed_wander=0.08),
    "skiff": Kinematics(max_turn_deg_s=6.0, accel_mps2=0.6, course_wander_deg=3.0, speed_wander=0.05),
}
"""Hull handling: a laden ship turns and accelerates far slower than a skiff, and wanders less."""

ANCHOR_SPACING_M = 600.0
"""Distance kept between ships at anchor while the anchorage has room for it."""
ANCHOR_FILL = 0.36
"""Largest share of the anchorage the anchors' exclusion discs (diameter: the spacing) may
cover. Random placement jams at about 55 %, so a crowded anchorage (a 1,000-vessel run puts
120 ships in KHI-ANCH, which 600 m spacing cannot hold) gets a smaller spacing instead of a
placement loop that never ends; up to ~50 anchors the 600 m stand."""
ANCHOR_ATTEMPTS = 100_000
"""Candidate anchor points drawn before giving up with an error."""

MOORED = 5
"""ITU-R M.1371 navigational status "moored": with a speed under 3 kn, class A reports every 3 min."""
BERTH_SPREAD_DEG = 0.015
"""Berths are drawn within this distance (~1.5 km) of the lane's end, inside the port zone."""
SPOOF_OFFSET_M = (500.0, 800.0)
"""How far a spoofer's reported positions are from its true ones: beyond the radar gate and a
large ship's antenna offset, so the tracker cannot join them, and within the 1 km at which
it would refuse them outright (what the rules then see is ``radar_mismatch``, not a jump)."""
SPOOFER_ZONE_CLEARANCE_DEG = 0.02
"""A spoofer's route keeps ~2 km (true and false positions both) clear of every zone, so its
false positions cross no zone: the ground truth would hold no such crossing."""
BERTH_CLEARANCE_DEG = 0.0008
"""... and ~80 m inside the water's edge and the zone's boundary, so a moored ship never
straddles the port limit and the truth holds no crossing while it lies alongside."""


def _enu(point: LonLat) -> tuple[float, float]:
    east_m, north_m = FRAME.to_enu(point[1], point[0])
    return float(east_m), float(north_m)


def _bearing_deg(a: tuple[float, float], b: tuple[float, float]) -> float:
    _, course = course_from_velocity(b[0] - a[0], b[1] - a[1])
    return float(course)


def _offset_lane(lane: tuple[LonLat, ...], side: float) -> tuple[LonLat, ...]:
    return tuple((lon + side * _LANE_OFFSET_DEG, lat) for lon, lat in lane)


def anchor_spacing_m(anchorage: shapely.Geometry, count: int) -> float:
    """Distance (m) to keep between ``count`` anchors in ``anchorage`` (lon, lat polygon).

    :data:`ANCHOR_SPACING_M`, or less when discs of that diameter round every anchor would
    cover more than :data:`ANCHOR_FILL` of the anchorage's area (in the area plane).
    """
    plane = shapely.transform(
        anchorage, lambda lonlat: np.column_stack(FRAME.to_enu(lonlat[:, 1], lonlat[:, 0]))
    )
    crowded_m = math.sqrt(4.0 * ANCHOR_FILL * plane.area / (math.pi * max(count, 1)))
    return min(ANCHOR_SPACING_M, crowded_m)


class _Planner:
    """Draws plans for one scenario: seed, run length and zones are shared by every vessel."""

    def __init__(self, seed: int, duration_s: int, zones: Zones) -> None:
        self.seed = seed
        self.duration_s = duration_s
        self.anchorage = zone_by_id(zones, "KHI-ANCH").geometry
        self.channel = zone_by_id(zones, "KHI-CHANNEL").geometry
        self.naval = zone_by_id(zones, "NAVAL-EX").geometry
        self.mpa = zone_by_id(zones, "MONZE-MPA").geometry
        self.ports = shapely.union_all(
            [zone.geometry for zone in zones.zones if zone.kind is ZoneKind.PORT]
        ).intersection(SEA)
        self.busy = shapely.union_all([self.anchorage, self.channel]).buffer(0.012)
        self.zoned = shapely.union_all([zone.geometry for zone in zones.zones]).buffer(
            SPOOFER_ZONE_CLEARANCE_DEG
        )

    # -- shared pieces ------------------------------------------------------------------

    def _sample(
        self, rng: np.random.Generator, box: tuple[float, ...], ok: Callable[[LonLat], bool]
    ) -> LonLat:
        """Uniform point in ``box`` (lon_min, lat_min, lon_max, lat_max) inside SEA with ``ok``."""
        for _ in range(10_000):
            point = (float(rng.uniform(box[0], box[2])), float(rng.uniform(box[1], box[3])))
            if shapely.contains_xy(SEA, *point) and ok(point):
                return point
        raise RuntimeError(f"no sea point found in {box}")

    def _route(
        self,
        rng: np.random.Generator,
        route: tuple[LonLat, ...],
        speed_kn: float,
        handling: str,
        start_fraction: float,
        spawn_s: int = 0,
        leave: bool = True,
        berth: LonLat | None = None,
    ) -> MotionPlan:
        """Follow ``route`` from ``start_fraction`` of its length; leave at its end if ``leave``.

        With a ``berth``, the vessel carries on from the route's end to it and moors there
        for good (nav status 5), instead of leaving.
        """
        points = [_enu(p) for p in route]
        legs = np.array([math.dist(a, b) for a, b in itertools.pairwise(points)])
        target = start_fraction * legs.sum()
        leg = int(np.searchsorted(np.cumsum(legs), target, side="right"))
        leg = min(leg, len(legs) - 1)
        into = (target - legs[:leg].sum()) / legs[leg]
        a, b = points[leg], points[leg + 1]
        start = (a[0] + into * (b[0] - a[0]), a[1] + into * (b[1] - a[1]))
        speed = speed_kn * float(rng.uniform(0.92, 1.08))
        waypoints = tuple(Waypoint(e, n, speed) for e, n in points[leg + 1 :])
        if berth is not None:
            east, north = _enu(berth)
            alongside = Waypoint(
                east,
                north,
                4.0,
                hold_until_s=math.inf,
                hold_drift_kn=0.05,
                hold_radius_m=10.0,
                nav_status=MOORED,
            )
            waypoints, leave = (*waypoints, alongside), False
        elif not leave:
            last = waypoints[-1]
            waypoints = (*waypoints[:-1], Waypoint(last.east_m, last.north_m, speed, hold_until_s=math.inf))
        return MotionPlan(
            spawn_s=spawn_s,
            east_m=start[0],
            north_m=start[1],
            course_deg=_bearing_deg(a, b),
            speed_kn=speed,
            waypoints=waypoints,
            leave_at_end=leave,
            kinematics=_HANDLING[handling],
        )

    def _approach(
        self, rng: np.random.Generator, target: LonLat, speed_kn: float, lead_s: float
    ) -> tuple[LonLat, float]:
        """A sea start from which ``target`` is ``lead_s`` seconds away at ``speed_kn``, and its course."""
        distance_m = speed_kn * KNOT_MPS * lead_s
        goal = _enu(target)
        for _ in range(1000):
            bearing = float(rng.uniform(0.0, 360.0))
            east = goal[0] - distance_m * math.sin(math.radians(bearing))
            north = goal[1] - distance_m * math.cos(math.radians(bearing))
            lat, lon = FRAME.to_geodetic(east, north)
            line = shapely.LineString([(float(lon), float(lat)), target])
            if SEA.contains(line) and not line.intersects(self.busy):
                return (float(lon), float(lat)), bearing
        raise RuntimeError(f"no sea approach to {target}")

    def _in_coverage(self, point: LonLat, margin_m: float) -> bool:
        """Inside the Manora radar's range by ``margin_m`` (so also inside both AIS ranges' union)."""
        radar = SENSORS.radars[0]
        range_m = geodesic_distance_m(radar.lat, radar.lon, point[1], point[0])
        return bool(range_m < radar.max_range_m - margin_m)

    def _lane_trip(self, rng: np.random.Generator, speed_kn: float) -> MotionPlan:
        """A merchant ship on a port lane: in or out, Karachi or Qasim, under way or arriving later."""
        channel = _KHI_CHANNEL if rng.random() < 0.7 else _QASIM_CHANNEL
        gate = _GATES[int(rng.integers(len(_GATES)))]
        inbound = bool(rng.random() < 0.5)
        lane = _offset_lane(channel, 1.0 if inbound else -1.0)
        route = (gate, *lane) if inbound else (*lane[::-1], gate)
        berth = self._berth(rng, lane[-1]) if inbound else None
        if rng.random() < 0.3:  # enters during the run: from the sea gate, or sails from the berth
            spawn_s = int(rng.uniform(0.05, 0.7) * self.duration_s)
            return self._route(rng, route, speed_kn, "ship", 0.0, spawn_s=spawn_s, berth=berth)
        fraction = rng.uniform(0.45, 0.97) if inbound else rng.uniform(0.0, 0.55)
        return self._route(rng, route, speed_kn, "ship", float(fraction), berth=berth)

    def _berth(self, rng: np.random.Generator, lane_end: LonLat) -> LonLat:
        """Where an inbound ship moors: a point of the port zone near the end of its lane."""
        basin = self.ports.buffer(-BERTH_CLEARANCE_DEG).intersection(
            shapely.Point(lane_end).buffer(BERTH_SPREAD_DEG)
        )
        return self._sample(rng, basin.bounds, lambda p: basin.contains(shapely.Point(p)))

    # -- kinds ----------------------------------------------------------------------------

    def merchant(self, index: int) -> tuple[MotionPlan, RadarSize]:
        rng = stream(self.seed, "plan", Kind.MERCHANT, index)
        speed_kn = float(rng.choice([11.0, 12.5, 13.5, 16.0, 18.0], p=[0.3, 0.3, 0.2, 0.1, 0.1]))
        return self._lane_trip(rng, speed_kn), RadarSize.LARGE

    def anchored(self, count: int) -> list[tuple[MotionPlan, RadarSize]]:
        """Ships at anchor, :func:`anchor_spacing_m` apart and clear of the channel, swinging slowly."""
        rng = stream(self.seed, "plan", Kind.ANCHORED)
        berths = self.anchorage.difference(self.channel.buffer(0.005))
        spacing_m = anchor_spacing_m(berths, count)
        anchors: list[tuple[float, float]] = []
        for _ in range(ANCHOR_ATTEMPTS):
            if len(anchors) == count:
                break
            point = self._sample(rng, berths.bounds, lambda p: berths.contains(shapely.Point(p)))
            enu = _enu(point)
            if all(math.dist(enu, other) > spacing_m for other in anchors):
                anchors.append(enu)
        else:
            raise RuntimeError(f"room for only {len(anchors)} of {count} anchors {spacing_m:.0f} m apart")
        plans = []
        for east, north in anchors:
            waypoint = Waypoint(
                east, north, 0.0, hold_until_s=math.inf, hold_drift_kn=0.15, hold_radius_m=60.0
            )
            kinematics = Kinematics(
                max_turn_deg_s=0.3, accel_mps2=0.01, course_wander_deg=4.0, speed_wander=0.3
            )
            plan = MotionPlan(0, east, north, float(rng.uniform(0, 360)), 0.1, (waypoint,), False, kinematics)
            plans.append((plan, RadarSize.LARGE))
        return plans

    def _fishing_plan(self, rng: np.random.Generator, centre: LonLat, spread_deg: float) -> MotionPlan:
        """Meander between a few marks near ``centre``, loitering at some; keep fishing at the last."""
        box = (centre[0] - spread_deg, centre[1] - spread_deg, centre[0] + spread_deg, centre[1] + spread_deg)
        box = (
            max(box[0], _OPEN_SEA_BOX[0]),
            max(box[1], _OPEN_SEA_BOX[1]),
            min(box[2], _OPEN_SEA_BOX[2]),
            min(box[3], _OPEN_SEA_BOX[3]),
        )
        marks = [_enu(self._sample(rng, box, lambda p: True)) for _ in range(int(rng.integers(3, 6)))]
        speed = float(rng.uniform(3.0, 7.0))
        waypoints = []
        for east, north in marks[1:-1]:
            loiter_s = float(rng.uniform(300, 900)) if rng.random() < 0.4 else None
            hold = None if loiter_s is None else float(rng.uniform(0.1, 0.6) * self.duration_s + loiter_s)
            waypoints.append(
                Waypoint(east, north, speed, hold_until_s=hold, hold_drift_kn=1.0, hold_radius_m=150.0)
            )
        waypoints.append(
            Waypoint(*marks[-1], speed, hold_until_s=math.inf, hold_drift_kn=1.2, hold_radius_m=300.0)
        )
        course = _bearing_deg(marks[0], marks[1])
        return MotionPlan(0, *marks[0], course, speed, tuple(waypoints), False, _HANDLING["trawler"])

    def fishing(self, index: int) -> tuple[MotionPlan, RadarSize]:
        rng = stream(self.seed, "plan", Kind.FISHING, index)
        centre = self._sample(rng, _OPEN_SEA_BOX, lambda p: not self.busy.contains(shapely.Point(p)))
        return self._fishing_plan(rng, centre, 0.03), RadarSize.MEDIUM

    def small_craft(self, index: int) -> tuple[MotionPlan, RadarSize]:
        """Class B launches and pleasure boats on short trips near the coast."""
        rng = stream(self.seed, "plan", Kind.SMALL_CRAFT, index)
        near_coast = (66.60, 24.55, 67.30, 24.72)
        route = tuple(
            self._sample(rng, near_coast, lambda p: not self.busy.contains(shapely.Point(p)))
            for _ in range(4)
        )
        speed_kn = float(rng.uniform(8.0, 20.0))
        return self._route(rng, route, speed_kn, "skiff", 0.0, leave=False), RadarSize.SMALL

    def dark(self, index: int) -> tuple[MotionPlan, RadarSize]:
        """Fast boats with no transponder crossing the area through radar coverage."""
        rng = stream(self.seed, "plan", Kind.DARK, index)
        west_to_east = bool(rng.random() < 0.5)
        inshore = self._sample(
            rng, (66.70, 24.50, 67.20, 24.70), lambda p: not self.busy.contains(shapely.Point(p))
        )
        route = (_GATES[0], inshore, _GATES[4]) if west_to_east else (_GATES[4], inshore, _GATES[1])
        speed_kn = float(rng.uniform(20.0, 32.0))
        return self._route(rng, route, speed_kn, "skiff", float(rng.uniform(0.3, 0.55))), RadarSize.SMALL

    def switch_off(self, index: int) -> tuple[MotionPlan, RadarSize, SwitchOff]:
        """Class A vessels that will go silent; the first does it beyond AIS range (SW corner)."""
        rng = stream(self.seed, "plan", Kind.AIS_SWITCH_OFF, index)
        if index == 0:
            return self._fishing_plan(rng, _UNCOVERED_SPOT, 0.012), RadarSize.MEDIUM, SwitchOff.UNCOVERED
        box = (66.75, 24.50, 67.20, 24.70)
        route = tuple(self._sample(rng, box, lambda p: self._in_coverage(p, 4000.0)) for _ in range(3))
        speed_kn = float(rng.uniform(7.0, 11.0))
        return (
            self._route(rng, route, speed_kn, "trawler", 0.0, leave=False),
            RadarSize.MEDIUM,
            SwitchOff.COVERED,
        )

    def rendezvous(self, index: int) -> tuple[tuple[MotionPlan, RadarSize], tuple[MotionPlan, RadarSize]]:
        """Two vessels meet alongside (50 m apart) at under 2 kn for 5-15 min, then part.

        The first is an AIS trawler; the second is dark on even pairs and class B on odd ones.
        Both start under way towards the meeting point and arrive about a minute early.
        """
        rng = stream(self.seed, "plan", Kind.RENDEZVOUS, index)
        meet = self._sample(
            rng,
            (66.75, 24.48, 67.20, 24.70),
            lambda p: self._in_coverage(p, 5000.0) and not self.busy.contains(shapely.Point(p)),
        )
        meet_s = min(max(120.0, float(rng.uniform(0.15, 0.35)) * self.duration_s), 0.5 * self.duration_s)
        part_s = meet_s + min(float(rng.uniform(300.0, 900.0)), 0.9 * (self.duration_s - meet_s))
        centre = _enu(meet)
        plans = []
        for side, handling, speed_kn, size in (
            (-1, "trawler", 7.0, RadarSize.MEDIUM),
            (1, "skiff", 22.0, RadarSize.SMALL),
        ):
            start, course = self._approach(rng, meet, speed_kn, max(meet_s - 60.0, 30.0))
            hold = Waypoint(
                centre[0] + side * 25.0, centre[1], speed_kn, hold_until_s=part_s, hold_drift_kn=0.6
            )
            exit_gate = _enu(_GATES[int(rng.integers(len(_GATES)))])
            waypoints = (hold, Waypoint(*exit_gate, speed_kn))
            plans.append(
                (MotionPlan(0, *_enu(start), course, speed_kn, waypoints, True, _HANDLING[handling]), size)
            )
        return plans[0], plans[1]

    def zone_crosser(self, index: int) -> tuple[MotionPlan, RadarSize]:
        """Index 0 steams through the restricted NAVAL-EX; index 1 fishes inside MONZE-MPA and leaves.

        Both start outside their zone, reaching its edge a little into the run.
        """
        rng = stream(self.seed, "plan", Kind.ZONE_CROSSER, index)
        lead_s = float(rng.uniform(0.05, 0.25)) * self.duration_s + 30.0
        if index == 0:
            lon0, lat0, lon1, lat1 = self.naval.bounds
            entry = (lon0, float(rng.uniform(lat0 + 0.01, lat1 - 0.01)))
            route = (entry, (lon1 + 0.08, entry[1] + 0.01), _GATES[4])
            return self._route(
                rng, self._before(entry, route[1], 12.0, lead_s) + route, 12.0, "ship", 0.0
            ), RadarSize.LARGE
        lon0, lat0, lon1, _ = self.mpa.bounds
        entry = (float(rng.uniform(lon0 + 0.02, lon1 - 0.02)), lat0)
        inside = (entry[0] + 0.005, lat0 + 0.015)
        speed_kn = 8.0
        plan = self._route(
            rng,
            (
                *self._before(entry, inside, speed_kn, lead_s),
                entry,
                inside,
                (entry[0] - 0.02, 24.50),
                _GATES[1],
            ),
            speed_kn,
            "trawler",
            0.0,
        )
        inside_s = math.dist(_enu(entry), _enu(inside)) / (speed_kn * KNOT_MPS)
        hold_s = lead_s + inside_s + float(rng.uniform(240.0, 600.0))
        loiter = dataclasses.replace(
            plan.waypoints[1], hold_until_s=hold_s, hold_drift_kn=1.5, hold_radius_m=200.0
        )
        waypoints = (plan.waypoints[0], loiter, *plan.waypoints[2:])
        return dataclasses.replace(plan, waypoints=waypoints), RadarSize.MEDIUM

    def spoofer(self, index: int) -> tuple[MotionPlan, RadarSize, Spoof]:
        """A ship on a straight passage well inside radar cover and clear of every zone, whose
        transponder, from a third of the way into the run and for 6-10 min, reports positions
        offset by :data:`SPOOF_OFFSET_M` in a fixed direction (an episode of GNSS spoofing)."""
        rng = stream(self.seed, "plan", Kind.SPOOFER, index)
        speed_kn = float(rng.uniform(9.0, 13.0))
        run_m = speed_kn * KNOT_MPS * self.duration_s

        def clear(p: LonLat) -> bool:
            return self._in_coverage(p, 8000.0) and not self.zoned.contains(shapely.Point(p))

        for _ in range(1000):
            start = self._sample(rng, _OPEN_SEA_BOX, clear)
            bearing = math.radians(float(rng.uniform(0.0, 360.0)))
            east, north = _enu(start)
            lat, lon = FRAME.to_geodetic(east + run_m * math.sin(bearing), north + run_m * math.cos(bearing))
            end = (float(lon), float(lat))
            line = shapely.LineString([start, end])
            if clear(end) and SEA.contains(line) and not line.intersects(self.zoned):
                break
        else:
            raise RuntimeError("no zone-free passage for the spoofer")
        plan = self._route(rng, (start, end), speed_kn, "ship", 0.0, leave=False)
        offset_m = float(rng.uniform(*SPOOF_OFFSET_M))
        direction = float(rng.uniform(0.0, 2.0 * math.pi))
        start_s = int(rng.uniform(0.25, 0.4) * self.duration_s)
        spoof = Spoof(
            start_s=start_s,
            end_s=start_s + int(rng.uniform(360.0, 600.0)),
            east_m=offset_m * math.sin(direction),
            north_m=offset_m * math.cos(direction),
        )
        return plan, RadarSize.LARGE, spoof

    @staticmethod
    def _before(entry: LonLat, towards: LonLat, speed_kn: float, lead_s: float) -> tuple[LonLat]:
        """The point ``lead_s`` seconds at ``speed_kn`` short of ``entry`` on the line to ``towards``."""
        start = _enu(entry)
        heading = math.radians(_bearing_deg(start, _enu(towards)))
        back_m = speed_kn * KNOT_MPS * lead_s
        lat, lon = FRAME.to_geodetic(
            start[0] - back_m * math.sin(heading), start[1] - back_m * math.cos(heading)
        )
        return ((float(lon), float(lat)),)


def mix(vessels: int, spoofers: int = 0) -> dict[Kind, int]:
    """How many vessels of each kind; every special kind but the (opt-in) spoofer is present
    from 20 vessels up."""
    special = vessels >= 20
    counts = {
        Kind.ANCHORED: round(0.12 * vessels),
        Kind.FISHING: round(0.18 * vessels),
        Kind.SMALL_CRAFT: round(0.10 * vessels),
        Kind.DARK: max(1, vessels // 20) if special else 0,
        Kind.AIS_SWITCH_OFF: max(2, vessels // 25) if special else 0,
        Kind.RENDEZVOUS: 2 * max(1, vessels // 30) if special else 0,
        Kind.ZONE_CROSSER: 2 if special else 0,
        Kind.SPOOFER: spoofers,
    }
    return {Kind.MERCHANT: vessels - sum(counts.values()), **counts}


def plan_vessels(seed: int, vessels: int, duration_s: int, zones: Zones, spoofers: int = 0) -> list[Vessel]:
    """The scenario's vessels in truth-id order (``V000``, ``V001``, ...), kinds in :class:`Kind` order.

    Parameters
    ----------
    seed
        Scenario seed; each vessel's plan and identity come from their own sub-streams.
    vessels
        Total number of vessels.
    duration_s
        Run length in seconds (plans time their meetings and entries within it).
    zones
        The scenario zones; traffic is laid out around KHI-ANCH, KHI-CHANNEL, NAVAL-EX, MONZE-MPA.
    spoofers
        How many of the vessels are spoofers (taken from the merchant ships, planned last).
    """
    planner = _Planner(seed, duration_s, zones)
    counts = mix(vessels, spoofers)
    if counts[Kind.MERCHANT] < 0:
        raise ValueError(f"{spoofers} spoofers do not fit in {vessels} vessels")
    drafted: list[tuple[Kind, MotionPlan, RadarSize, str, SwitchOff | Spoof | None]] = []
    for i in range(counts[Kind.MERCHANT]):
        plan, size = planner.merchant(i)
        drafted.append((Kind.MERCHANT, plan, size, "tanker" if i % 3 == 2 else "merchant", None))
    for plan, size in planner.anchored(counts[Kind.ANCHORED]):
        drafted.append((Kind.ANCHORED, plan, size, "anchored", None))
    for i in range(counts[Kind.FISHING]):
        plan, size = planner.fishing(i)
        drafted.append((Kind.FISHING, plan, size, "trawler" if i % 5 < 3 else "fishing_b", None))
    for i in range(counts[Kind.SMALL_CRAFT]):
        plan, size = planner.small_craft(i)
        drafted.append((Kind.SMALL_CRAFT, plan, size, "pleasure", None))
    for i in range(counts[Kind.DARK]):
        plan, size = planner.dark(i)
        drafted.append((Kind.DARK, plan, size, "dark", None))
    for i in range(counts[Kind.AIS_SWITCH_OFF]):
        plan, size, where = planner.switch_off(i)
        drafted.append((Kind.AIS_SWITCH_OFF, plan, size, "trawler", where))
    for i in range(counts[Kind.RENDEZVOUS] // 2):
        (plan_a, size_a), (plan_b, size_b) = planner.rendezvous(i)
        drafted.append((Kind.RENDEZVOUS, plan_a, size_a, "trawler", None))
        drafted.append((Kind.RENDEZVOUS, plan_b, size_b, "dark" if i % 2 == 0 else "pleasure", None))
    for i in range(counts[Kind.ZONE_CROSSER]):
        plan, size = planner.zone_crosser(i)
        drafted.append((Kind.ZONE_CROSSER, plan, size, "merchant" if i == 0 else "trawler", None))
    for i in range(counts[Kind.SPOOFER]):
        plan, size, spoof = planner.spoofer(i)
        drafted.append((Kind.SPOOFER, plan, size, "merchant", spoof))

    used_mmsi: set[int] = set()
    fleet = []
    first_small_craft = next((n for n, d in enumerate(drafted) if d[0] is Kind.SMALL_CRAFT), None)
    for number, (kind, plan, size, profile, special) in enumerate(drafted):
        truth_id = f"V{number:03d}"
        rng = stream(seed, "identity", truth_id)
        mmsi = 463_000_000 + int(rng.integers(100_000, 999_999))
        while mmsi in used_mmsi:
            mmsi = 463_000_000 + int(rng.integers(100_000, 999_999))
        used_mmsi.add(mmsi)
        if number == first_small_craft and vessels >= 20:  # with the other special kinds
            mmsi //= 10  # keyed in a digit short: 46312345 reads as group call number 046312345
        ais = identity(rng, profile, mmsi)
        switch_off = special if isinstance(special, SwitchOff) else None
        spoof = special if isinstance(special, Spoof) else None
        fleet.append(Vessel(truth_id, kind, plan, ais, size, switch_off, spoof))
    return fleet


def has_invalid_mmsi(vessel: Vessel) -> bool:
    """Whether the vessel transmits an MMSI that is not nine digits (the simulated invalid identity)."""
    return vessel.ais is not None and vessel.ais.mmsi < 100_000_000
