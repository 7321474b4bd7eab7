"""Rule evaluation cost per track update at 10,000 tracks and 1,000 zones.

Run: ``.venv/bin/python -m benchmarks.rules [--tracks N] [--zones Z] [--seconds S] [--runs R]``.

A synthetic picture, generated from a fixed seed so every run sees the same input: ``Z``
square zones (300 m - 3 km a side, all five kinds) scattered over a 200 km x 200 km sea
around one AIS receiver whose range covers most of it, and ``N`` tracks moving at 0-25 kn
(a fifth of them slow, a third without AIS, so dark-vessel, AIS-gap and rendezvous timers
all have work); zones carry speed limits and AIS requirements, and every hundredth MMSI is
on the watch list. The pipeline's cadence is reproduced: every second of event time brings
one radar scan batch holding the tracks whose 2.5 s scan falls in that second (~N/2.5
updates in one call), then one call per AIS report (a tenth of the tracks each second,
one update per call), then the 1 s tick (an empty call, when timers are swept).

What is printed: for each run, the total CPU time of this thread (``time.thread_time``, so
a busy shared machine inflates it far less than wall time) spent inside
``RuleEngine.on_tracks`` divided by the number of track updates given to it (sweeps
included, since they exist only because of the updates), then the median over runs. The
reference line is the cost of serialising the same updates to JSON
(``fusion.schemas.to_json``), measured in the same process, so the ratio says how the rules
compare with one unavoidable per-update step whatever the machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import statistics
import sys
import time
from dataclasses import dataclass

import numpy as np
from shapely.geometry import box
from tqdm import tqdm

from fusion.rules.config import DEFAULT_CONFIG, WatchList
from fusion.rules.engine import RuleEngine
from fusion.rules.zones import Zone, ZoneKind, Zones, ZoneSettings
from fusion.schemas import AisReceiverSite, Sensors, TrackState, TrackStatus, to_json
from tracking.frames import KNOT_MPS, LocalFrame

FRAME = LocalFrame(24.8, 66.97)
T0_S = 1_768_456_800.0
HALF_EXTENT_M = 100_000.0
SCAN_S = 2.5
SETTINGS_BY_KIND = {
    ZoneKind.TSS: ZoneSettings(speed_limit_kn=12.0),
    ZoneKind.PORT: ZoneSettings(speed_limit_kn=8.0, require_ais=True),
    ZoneKind.ANCHORAGE: ZoneSettings(loiter_after_s=600.0),
    ZoneKind.RESTRICTED: ZoneSettings(require_ais=True),
    ZoneKind.MPA: ZoneSettings(),
}
"""Every zone rule has work: speed limits, AIS required, loitering (restricted and mpa by default)."""
AIS_SHARE_PER_S = 0.1


@dataclass
class Picture:
    """The synthetic world: zones and the tracks' motion, as arrays."""

    zones: Zones
    east_m: np.ndarray
    north_m: np.ndarray
    ve_mps: np.ndarray
    vn_mps: np.ndarray
    mmsi: list[int | None]
    scan_phase_s: np.ndarray


def make_picture(tracks: int, zones: int, seed: int = 5) -> Picture:
    """Zones and tracks from ``seed``; see the module docstring for their distribution."""
    rng = np.random.default_rng(seed)
    kinds = list(ZoneKind)
    side_m = rng.uniform(300.0, 3_000.0, zones)
    centre = rng.uniform(-HALF_EXTENT_M, HALF_EXTENT_M, (zones, 2))
    lat, lon = FRAME.to_geodetic(centre[:, 0], centre[:, 1])
    deg_per_m = 1.0 / 111_000.0
    zone_list = tuple(
        Zone(
            id=f"Z{k:04d}",
            name=f"zone {k}",
            kind=kinds[k % len(kinds)],
            settings=SETTINGS_BY_KIND[kinds[k % len(kinds)]],
            geometry=box(
                lon[k] - side_m[k] * deg_per_m / 2 / math.cos(math.radians(lat[k])),
                lat[k] - side_m[k] * deg_per_m / 2,
                lon[k] + side_m[k] * deg_per_m / 2 / math.cos(math.radians(lat[k])),
                lat[k] + side_m[k] * deg_per_m / 2,
            ),
        )
        for k in range(zones)
    )
    speed_mps = np.where(
        rng.random(tracks) < 0.2, rng.uniform(0.0, 1.0, tracks), rng.uniform(2.0, 13.0, tracks)
    )
    course = rng.uniform(0.0, 2 * math.pi, tracks)
    mmsi = [None if rng.random() < 1 / 3 else 200_000_000 + k for k in range(tracks)]
    return Picture(
        zones=Zones(zone_list),
        east_m=rng.uniform(-HALF_EXTENT_M, HALF_EXTENT_M, tracks),
        north_m=rng.uniform(-HALF_EXTENT_M, HALF_EXTENT_M, tracks),
        ve_mps=speed_mps * np.sin(course),
        vn_mps=speed_mps * np.cos(course),
        mmsi=mmsi,
        scan_phase_s=rng.uniform(0.0, SCAN_S, tracks),
    )


def state_of(picture: Picture, k: int, t_s: float, ais_time: float | None) -> TrackState:
    """Track ``k`` at ``T0_S + t_s`` moving in a straight line (positions need not be geodetic here)."""
    east_m = float(picture.east_m[k] + picture.ve_mps[k] * t_s)
    north_m = float(picture.north_m[k] + picture.vn_mps[k] * t_s)
    ve, vn = float(picture.ve_mps[k]), float(picture.vn_mps[k])
    cov = [0.0] * 16
    cov[0] = cov[10] = 400.0
    cov[5] = cov[15] = 0.25
    mmsi = picture.mmsi[k]
    return TrackState(
        time=T0_S + t_s,
        track_id=f"T{k:06d}",
        status=TrackStatus.CONFIRMED,
        lat=24.8 + north_m / 111_000.0,
        lon=66.97 + east_m / 101_000.0,
        east_m=east_m,
        north_m=north_m,
        ve_mps=ve,
        vn_mps=vn,
        sog_kn=math.hypot(ve, vn) / KNOT_MPS,
        cog_deg=math.degrees(math.atan2(ve, vn)) % 360.0,
        cov=tuple(cov),
        mmsi=mmsi,
        last_ais_time=ais_time if mmsi is not None else None,
        last_radar_time=T0_S + t_s,
        radar_ids=("R1",),
    )


def calls(picture: Picture, seconds: int, seed: int = 6) -> list[tuple[list[TrackState], float]]:
    """The ``(updates, now)`` calls of ``seconds`` of event time, built before timing starts."""
    rng = np.random.default_rng(seed)
    tracks = picture.east_m.size
    last_ais = np.zeros(tracks)
    out: list[tuple[list[TrackState], float]] = []
    for second in range(seconds):
        due = np.flatnonzero(
            np.floor((second - picture.scan_phase_s) / SCAN_S)
            != np.floor((second - 1 - picture.scan_phase_s) / SCAN_S)
        )
        t_s = float(second) + 0.5
        scan = [state_of(picture, int(k), t_s, T0_S + float(last_ais[k])) for k in due]
        out.append((scan, T0_S + t_s))
        heard = rng.choice(tracks, int(tracks * AIS_SHARE_PER_S), replace=False)
        for k in np.sort(heard):
            t_ais = float(second) + 0.6
            last_ais[k] = t_ais
            out.append(([state_of(picture, int(k), t_ais, T0_S + t_ais)], T0_S + t_ais))
        out.append(([], T0_S + second + 1.0))
    return out


def run_once(picture: Picture, work: list[tuple[list[TrackState], float]]) -> float:
    """Seconds per update spent in ``on_tracks`` over the whole call list."""
    sensors = Sensors(
        radars=(), ais_receivers=(AisReceiverSite(id="A", lat=24.8, lon=66.97, range_m=120_000.0),)
    )
    watch_list = WatchList(mmsi=frozenset(m for m in picture.mmsi[::100] if m is not None))
    engine = RuleEngine(
        picture.zones, sensors, FRAME, dataclasses.replace(DEFAULT_CONFIG, watch_list=watch_list)
    )
    updates = 0
    elapsed = 0.0
    for states, now in work:
        start = time.thread_time()
        engine.on_tracks(states, now)
        elapsed += time.thread_time() - start
        updates += len(states)
    return elapsed / updates


def reference_once(work: list[tuple[list[TrackState], float]]) -> float:
    """Seconds per update of ``to_json``: the reference every machine can compare against."""
    states = [s for batch, _ in work for s in batch]
    start = time.thread_time()
    for state in states:
        to_json(state)
    return (time.thread_time() - start) / len(states)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tracks", type=int, default=10_000)
    parser.add_argument("--zones", type=int, default=1_000)
    parser.add_argument("--seconds", type=int, default=30, help="event time per run")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    picture = make_picture(args.tracks, args.zones)
    work = calls(picture, args.seconds)
    updates = sum(len(states) for states, _ in work)
    print(
        f"rules: {args.tracks} tracks, {args.zones} zones, {args.seconds} s of event time, "
        f"{updates} updates in {len(work)} calls per run, {args.runs} runs"
    )
    per_update: list[float] = []
    reference: list[float] = []
    for _ in tqdm(range(args.runs), desc="runs", file=sys.stderr, disable=not sys.stderr.isatty()):
        per_update.append(run_once(picture, work))
        reference.append(reference_once(work))
    print("per run, us per update: " + " ".join(f"{1e6 * v:.2f}" for v in per_update))
    median_s, reference_s = statistics.median(per_update), statistics.median(reference)
    print(f"median rule evaluation per track update: {1e6 * median_s:.2f} us CPU (target < 20 us)")
    ratio = median_s / reference_s
    load_1min = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} cores, 1-min load average {load_1min:.1f} at the end (>cores: shared)")
    print(f"reference (to_json of the update): {1e6 * reference_s:.2f} us; rules/reference {ratio:.1f}")


if __name__ == "__main__":
    main()
