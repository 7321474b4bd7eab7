"""Ground-truth events (docs/formats.md, ``events.jsonl``) read off the true tracks.

Events are derived from the simulated truth, not from the plans, so they hold whatever the
kinematics actually did. A zone crossing needs the vessel present on both sides of the
second it happens: a vessel that starts the run inside a zone, or leaves the scenario at a
berth inside one, crosses nothing. A rendezvous starts when two vessels are within
``RENDEZVOUS_START_M`` at under ``RENDEZVOUS_START_KN`` each and ends when that no longer
holds within a hysteresis margin (``RENDEZVOUS_END_M``, ``RENDEZVOUS_END_KN``) or one of
them leaves, so GNSS-scale jitter at the threshold does not flicker events. Two vessels
that are both inside a ``port`` zone are alongside at neighbouring berths, not meeting: they
start no rendezvous (the rules leave such pairs out for the same reason).

Identity anomalies: ``invalid_mmsi`` at the first second a vessel with an invalid MMSI
transmits inside AIS coverage; ``ais_spoofed`` at the second a spoofer's transponder starts
reporting false positions (if it is transmitting then).
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass

import numpy as np
import shapely

from fusion.rules.zones import ZoneKind, Zones
from fusion.simulator.behaviours import Vessel, has_invalid_mmsi
from fusion.simulator.motion import Trajectories

RENDEZVOUS_START_M = 200.0
RENDEZVOUS_START_KN = 3.0
RENDEZVOUS_END_M = 250.0
RENDEZVOUS_END_KN = 4.0


@dataclass(frozen=True, slots=True)
class Event:
    """One line of events.jsonl; ``time`` is whole unix seconds. Field order is the file's."""

    time: int
    kind: str
    truth_id: str
    mmsi: int | None
    zone_id: str | None
    other_truth_id: str | None
    in_ais_coverage: bool
    in_radar_coverage: bool


@dataclass(frozen=True, slots=True)
class Coverage:
    """Whether each vessel is inside AIS / radar coverage each second, shape (seconds, vessels)."""

    ais: np.ndarray
    radar: np.ndarray


class _EventLog:
    def __init__(self, fleet: list[Vessel], coverage: Coverage, start_time: float) -> None:
        self.fleet = fleet
        self.coverage = coverage
        self.start_time = start_time
        self.events: list[Event] = []

    def add(self, k: int, kind: str, j: int, zone_id: str | None = None, other: int | None = None) -> None:
        ais = self.fleet[j].ais
        self.events.append(
            Event(
                time=int(self.start_time) + k,
                kind=kind,
                truth_id=self.fleet[j].truth_id,
                mmsi=None if ais is None else ais.mmsi,
                zone_id=zone_id,
                other_truth_id=None if other is None else self.fleet[other].truth_id,
                in_ais_coverage=bool(self.coverage.ais[k, j]),
                in_radar_coverage=bool(self.coverage.radar[k, j]),
            )
        )


def _transitions(state: np.ndarray, alive: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(seconds, vessels) indices where ``state`` turns on / off while the vessel is present."""
    both = alive[1:] & alive[:-1]
    rises = np.nonzero(both & state[1:] & ~state[:-1])
    falls = np.nonzero(both & ~state[1:] & state[:-1])
    return (rises[0] + 1, rises[1]), (falls[0] + 1, falls[1])


def _rendezvous(log: _EventLog, traj: Trajectories, in_port: np.ndarray) -> None:
    slow = traj.alive & (np.nan_to_num(traj.sog_kn, nan=np.inf) < RENDEZVOUS_START_KN)
    drifting = traj.alive & (np.nan_to_num(traj.sog_kn, nan=np.inf) < RENDEZVOUS_END_KN)
    candidates = np.flatnonzero(slow.any(axis=0))
    for i, j in itertools.combinations(candidates, 2):
        distance_m = np.hypot(traj.east_m[:, i] - traj.east_m[:, j], traj.north_m[:, i] - traj.north_m[:, j])
        distance_m = np.nan_to_num(distance_m, nan=np.inf)
        alongside = in_port[:, i] & in_port[:, j]
        meeting = slow[:, i] & slow[:, j] & (distance_m < RENDEZVOUS_START_M) & ~alongside
        if not meeting.any():
            continue
        together = drifting[:, i] & drifting[:, j] & (distance_m < RENDEZVOUS_END_M)
        k = int(np.argmax(meeting))
        while True:
            log.add(k, "rendezvous_start", int(i), other=int(j))
            apart = np.flatnonzero(~together[k:])
            if not apart.size:
                break
            k += int(apart[0])
            both_present = traj.alive[k, i] and traj.alive[k, j]
            log.add(k if both_present else k - 1, "rendezvous_end", int(i), other=int(j))
            again = np.flatnonzero(meeting[k:])
            if not again.size:
                break
            k += int(again[0])


def ground_truth_events(
    fleet: list[Vessel],
    traj: Trajectories,
    ais_on: np.ndarray,
    zones: Zones,
    coverage: Coverage,
    start_time: float,
) -> list[Event]:
    """Every event of the run, sorted by time, then truth id (then kind, zone, other vessel)."""
    log = _EventLog(fleet, coverage, start_time)
    lon = np.nan_to_num(traj.lon)
    lat = np.nan_to_num(traj.lat)
    in_port = np.zeros_like(traj.alive)
    for zone in zones.zones:
        # Tested against every (second, vessel): prepare a copy, so the caller's Zones is left as loaded.
        geometry = copy.copy(zone.geometry)
        shapely.prepare(geometry)
        inside = shapely.contains_xy(geometry, lon, lat) & traj.alive
        if zone.kind is ZoneKind.PORT:
            in_port |= inside
        (k_in, j_in), (k_out, j_out) = _transitions(inside, traj.alive)
        for k, j in zip(k_in, j_in, strict=True):
            log.add(int(k), "zone_entry", int(j), zone_id=zone.id)
        for k, j in zip(k_out, j_out, strict=True):
            log.add(int(k), "zone_exit", int(j), zone_id=zone.id)

    (k_on, j_on), (k_off, j_off) = _transitions(ais_on, traj.alive)
    for k, j in zip(k_off, j_off, strict=True):
        log.add(int(k), "ais_off", int(j))
    for k, j in zip(k_on, j_on, strict=True):
        log.add(int(k), "ais_on", int(j))

    observable = traj.alive & coverage.ais & coverage.radar
    heard = traj.alive & ais_on & coverage.ais
    for j, vessel in enumerate(fleet):
        if vessel.ais is None and observable[:, j].any():
            log.add(int(np.argmax(observable[:, j])), "dark_vessel", j)
        if has_invalid_mmsi(vessel) and heard[:, j].any():
            log.add(int(np.argmax(heard[:, j])), "invalid_mmsi", j)
        if (
            vessel.spoof is not None
            and traj.alive[vessel.spoof.start_s, j]
            and ais_on[vessel.spoof.start_s, j]
        ):
            log.add(vessel.spoof.start_s, "ais_spoofed", j)

    _rendezvous(log, traj, in_port)
    return sorted(
        log.events,
        key=lambda e: (e.time, e.truth_id, e.kind, e.zone_id or "", e.other_truth_id or ""),
    )
