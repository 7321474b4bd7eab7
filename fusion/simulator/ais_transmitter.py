"""What each vessel's AIS transponder transmits, and when (ITU-R M.1371-5).

Reporting intervals follow ITU-R M.1371-5 (the table lives in ``tracking.ais_schedule``,
shared with the tracker, which uses it to judge how long a silence is normal).

Static data goes out every 6 min: type 5 (two NMEA fragments) for class A, type 24 parts
A and B for class B. "Changing course" is taken as a rate of turn of at least
``TURNING_DEG_S``; reports sent at the faster turning rate are type 3 (ITDMA, which a
station uses for the extra slots), the others type 1 (SOTDMA). Positions carry GNSS noise.

A spoofer's reports from its ``Spoof.start_s`` to its ``end_s`` carry its true position plus a
fixed offset (the GNSS noise still added): what radar sees and what AIS says then disagree.

Switch-off vessels are silenced for several minutes; where that happens (inside radar and
AIS coverage, or beyond AIS range) is chosen here from the true track, so the window
surely lies where the scenario says it does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fusion.simulator.behaviours import SwitchOff, Vessel
from fusion.simulator.identities import AisIdentity
from fusion.simulator.layout import FRAME
from fusion.simulator.motion import Trajectories
from fusion.simulator.random_streams import stream
from tracking.ais_schedule import class_a_interval_s, class_b_interval_s

TURNING_DEG_S = 0.3
"""Rate of turn (deg/s, 18 deg/min) from which a vessel counts as changing course."""
GNSS_SIGMA_M = 3.5
"""Per-axis GNSS position noise, ~5 m horizontal RMS."""
STATIC_PERIOD_S = 360.0
HEADING_NOT_AVAILABLE = 511


@dataclass(frozen=True, slots=True)
class Transmission:
    """One AIS message as sent: scenario time (s), sender column, channel and pyais fields."""

    time_s: float
    vessel: int
    channel: str
    fields: dict[str, Any]


def ais_on_matrix(
    fleet: list[Vessel], traj: Trajectories, covered: dict[SwitchOff, np.ndarray], seed: int
) -> np.ndarray:
    """Whether each vessel's transponder is on, shape (seconds, vessels).

    Parameters
    ----------
    covered
        For each :class:`SwitchOff` place, where (seconds, vessels) a switch-off there is
        allowed: inside radar and AIS coverage, or outside AIS coverage.
    """
    duration_s = traj.alive.shape[0]
    ais_on = np.zeros_like(traj.alive)
    for j, vessel in enumerate(fleet):
        if vessel.ais is None:
            continue
        ais_on[:, j] = traj.alive[:, j]
        if vessel.switch_off is None:
            continue
        rng = stream(seed, "ais", "switch_off", vessel.truth_id)
        off_s = int(min(rng.uniform(240.0, 480.0), 0.5 * duration_s))
        allowed = covered[vessel.switch_off][:, j].astype(int)
        window_ok = np.convolve(allowed, np.ones(off_s + 1, dtype=int), mode="valid") == off_s + 1
        starts = np.flatnonzero(window_ok)
        starts = starts[(starts >= 0.15 * duration_s) & (starts + off_s <= 0.9 * duration_s)]
        if starts.size:
            start = int(rng.choice(starts))
            ais_on[start : start + off_s, j] = False
    return ais_on


def _nav_status(ident: AisIdentity, traj: Trajectories, k: int, j: int) -> int:
    """The status keyed in at second ``k``: the hold point's (e.g. moored at a berth), else the usual one."""
    held_status = int(traj.nav_status[k, j])
    return held_status if held_status >= 0 else ident.nav_status


def _position_fields(
    ident: AisIdentity, traj: Trajectories, j: int, time_s: float, itdma: bool, start_time: float
) -> dict[str, Any]:
    """pyais fields of a position report at fractional scenario second ``time_s`` (no position yet)."""
    k = int(time_s)
    cog_deg = float(traj.cog_deg[k, j])
    fields: dict[str, Any] = {
        "mmsi": ident.mmsi,
        "speed": round(float(traj.sog_kn[k, j]), 1),
        "course": round(cog_deg, 1) % 360.0,
        "second": int(start_time + time_s) % 60,
        "accuracy": 1,
    }
    if ident.ais_class == "B":
        return {"msg_type": 18, **fields, "heading": HEADING_NOT_AVAILABLE, "cs": 1}
    rot_deg_min = float(np.clip(traj.rot_deg_s[k, j] * 60.0, -708.0, 708.0))
    return {
        "msg_type": 3 if itdma else 1,  # the key pyais sets the bits from (type 3 with "type" encodes as 1)
        **fields,
        "status": _nav_status(ident, traj, k, j),
        "turn": round(rot_deg_min),
        "heading": round(cog_deg) % 360,
    }


def _static_messages(ident: AisIdentity) -> list[dict[str, Any]]:
    """Static data messages of one burst: one type 5 (class A) or type 24 parts A and B (class B)."""
    dims = {
        "to_bow": ident.to_bow_m,
        "to_stern": ident.to_stern_m,
        "to_port": ident.to_port_m,
        "to_starboard": ident.to_starboard_m,
    }
    if ident.ais_class == "B":
        return [
            {"msg_type": 24, "mmsi": ident.mmsi, "partno": 0, "shipname": ident.name},
            {
                "msg_type": 24,
                "mmsi": ident.mmsi,
                "partno": 1,
                "ship_type": ident.ship_type,
                "callsign": ident.callsign,
                **dims,
            },
        ]
    return [
        {
            "msg_type": 5,
            "mmsi": ident.mmsi,
            "ais_version": 2,
            "imo": ident.imo,
            "callsign": ident.callsign,
            "shipname": ident.name,
            "ship_type": ident.ship_type,
            **dims,
            "epfd": 1,
            "draught": ident.draught_m,
            "destination": ident.destination,
        }
    ]


def transmissions(
    fleet: list[Vessel], traj: Trajectories, ais_on: np.ndarray, seed: int, start_time: float
) -> list[Transmission]:
    """Every message every transponder sends while on, in vessel then time order.

    Positions are the true positions at the (fractional) transmit time plus GNSS noise;
    ``lat``/``lon`` fields are filled in here from the area plane.
    """
    sent: list[Transmission] = []
    for j, vessel in enumerate(fleet):
        ident = vessel.ais
        if ident is None:
            continue
        rng = stream(seed, "ais", "transponder", vessel.truth_id)
        alive_s = np.flatnonzero(traj.alive[:, j])
        first_s, last_s = int(alive_s[0]), int(alive_s[-1])
        channel = "AB"[int(rng.integers(2))]
        messages: list[tuple[float, dict[str, Any]]] = []

        time_s = first_s + float(rng.uniform(0.0, 10.0))
        while time_s < last_s:
            k = int(time_s)
            sog_kn = float(traj.sog_kn[k, j])
            turning = abs(float(traj.rot_deg_s[k, j])) >= TURNING_DEG_S
            if ident.ais_class == "A":
                nav_status = _nav_status(ident, traj, k, j)
                interval_s = class_a_interval_s(sog_kn, turning, nav_status)
                itdma = interval_s < class_a_interval_s(sog_kn, False, nav_status)
            else:
                interval_s, itdma = class_b_interval_s(sog_kn), False
            if ais_on[k, j]:
                messages.append((time_s, _position_fields(ident, traj, j, time_s, itdma, start_time)))
            time_s += interval_s

        static_s = first_s + float(rng.uniform(0.0, STATIC_PERIOD_S))
        while static_s < last_s:
            for part, fields in enumerate(_static_messages(ident)):
                part_s = min(static_s + part * float(rng.uniform(1.0, 5.0)), float(last_s))
                if ais_on[int(part_s), j]:
                    messages.append((part_s, fields))
            static_s += STATIC_PERIOD_S

        messages.sort(key=lambda m: m[0])
        positions = [i for i, (_, fields) in enumerate(messages) if "speed" in fields]
        if positions:
            times = np.array([messages[i][0] for i in positions])
            east_m, north_m = traj.at(times, np.full(len(times), j))
            if vessel.spoof is not None:
                spoofed = (times >= vessel.spoof.start_s) & (times < vessel.spoof.end_s)
                east_m = east_m + np.where(spoofed, vessel.spoof.east_m, 0.0)
                north_m = north_m + np.where(spoofed, vessel.spoof.north_m, 0.0)
            noise = rng.normal(0.0, GNSS_SIGMA_M, (2, len(times)))
            lat, lon = FRAME.to_geodetic(east_m + noise[0], north_m + noise[1])
            for n, i in enumerate(positions):
                messages[i][1]["lat"] = round(float(lat[n]), 6)
                messages[i][1]["lon"] = round(float(lon[n]), 6)
        for time_s, fields in messages:
            sent.append(Transmission(time_s, j, channel, fields))
            channel = "B" if channel == "A" else "A"
    return sent
