"""A run of AIS reports fused at once gives exactly the tracks of one call per report.

Exactness matters beyond speed: the Kafka fuse service and the embedded replay cut the same
stream into different runs (whatever each poll returns), and both must publish the same
tracks, byte for byte, every time.
"""

import dataclasses

import numpy as np
import pytest

from tests.unit.tracking.test_tracker import FRAME, SENSORS, _ais, _plot
from tracking.tracker import Tracker

VESSELS = 25


def _nmea(mmsi: int, time: float) -> str:
    """A stand-in sentence whose payload (field 6) identifies one transmission."""
    return f"!AIVDM,1,1,,A,{mmsi:09d}{int(time * 10):08d},0*00"


def _stream(seed: int) -> list:
    """Reports of ``VESSELS`` vessels every 2-10 s for 5 min, as a busy feed brings them: some
    heard twice (two stations), some without SOG/COG, one spoofed jump, newcomers mid-way,
    and radar plots of some of them, in time order."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-15_000, 15_000, size=(VESSELS, 2))
    velocity = rng.uniform(-6, 6, size=(VESSELS, 2))
    first = np.where(np.arange(VESSELS) < 15, 0.0, rng.uniform(30, 200, VESSELS))
    records = []
    for v in range(VESSELS):
        mmsi = 463_000_100 + v
        t = float(first[v])
        while t < 300:
            east, north = start[v] + velocity[v] * t + rng.normal(0, 8, 2)
            if v == 3 and 120 <= t < 150:  # a false position 5 km off
                east += 5_000
            speed_kn = float(np.hypot(*velocity[v]) / 0.514444)
            course = float(np.degrees(np.arctan2(*velocity[v])) % 360)
            with_velocity = rng.random() > 0.2
            report = _ais(
                t, mmsi, east, north, speed_kn if with_velocity else None, course if with_velocity else None
            )
            report = dataclasses.replace(report, raw=_nmea(mmsi, t))
            records.append((t, 0, report))
            if rng.random() < 0.3:  # the same sentence through a second station, a little later
                records.append((t + rng.uniform(0, 2), 0, dataclasses.replace(report, receiver_id="A2")))
            t += float(rng.uniform(2, 10))
    for scan in range(120):
        t = scan * 2.5
        for v in range(0, VESSELS, 3):
            if t >= first[v]:
                records.append((t, 1, _plot(t, *(start[v] + velocity[v] * t), rng, plot_id=v)))
    records.sort(key=lambda r: (r[0], r[1]))
    return [r[2] for r in records]


def _drive(records: list, cut: np.random.Generator | None) -> tuple[Tracker, list]:
    """Feed ``records`` as the fusion stage does (scans whole, ``expire`` every 10 s), the AIS
    reports between two other steps one by one (``cut`` None) or in runs of random length."""
    tracker, states = Tracker(FRAME, SENSORS), []
    run: list = []
    scan: list = []
    next_expiry = 10.0

    def fuse_run() -> None:
        nonlocal run
        while run:
            if cut is None:
                states.extend(tracker.update_ais(run[0]))
                run = run[1:]
            else:
                length = int(cut.integers(1, len(run) + 1))
                states.extend(tracker.update_ais_batch(run[:length]))
                run = run[length:]

    def fuse_scan() -> None:
        nonlocal scan
        if scan:
            states.extend(tracker.update_radar_scan(scan))
            scan = []

    for record in records:
        if record.time >= next_expiry:
            fuse_run()
            fuse_scan()
            states.extend(tracker.expire(record.time))
            next_expiry += 10.0
        if hasattr(record, "mmsi"):
            fuse_scan()
            run.append(record)
        else:
            fuse_run()
            if scan and scan[0].time != record.time:
                fuse_scan()
            scan.append(record)
    fuse_run()
    fuse_scan()
    return tracker, states


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_runs_of_any_length_give_the_tracks_of_one_call_per_report(seed: int) -> None:
    records = _stream(seed)
    one_by_one, expected = _drive(records, cut=None)
    batched, got = _drive(records, cut=np.random.default_rng(seed))
    assert got == expected
    assert np.array_equal(batched._x, one_by_one._x) and np.array_equal(batched._P, one_by_one._P)
    assert (batched.duplicate_ais, batched.identity_conflicts) == (
        one_by_one.duplicate_ais,
        one_by_one.identity_conflicts,
    )
    assert one_by_one.duplicate_ais > 10 and one_by_one.identity_conflicts >= 1  # the stream exercised both
