"""AIS output: ITU-R M.1371 reporting intervals, pyais round trip, tag blocks, disorder, damage."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest
from pyais import decode, encode_dict
from pyais.messages import NMEASentenceFactory

from fusion.simulator.ais_link import nmea_checksum, reception_probability
from fusion.simulator.ais_transmitter import transmissions
from fusion.simulator.behaviours import Kind, RadarSize, Vessel
from fusion.simulator.identities import AisIdentity
from fusion.simulator.motion import Kinematics, MotionPlan, Waypoint, simulate_motion
from tracking.ais_schedule import class_a_interval_s, class_b_interval_s


def _split(line: str) -> tuple[str, int, str]:
    """(station, c: time, sentence) of a line whose tag-block checksum is right; ValueError otherwise."""
    if not line.startswith("\\") or line.count("\\") < 2:
        raise ValueError("no tag block")
    end = line.index("\\", 1)
    body, _, checksum = line[1:end].partition("*")
    if len(checksum) != 2 or int(checksum, 16) != nmea_checksum(body):
        raise ValueError("bad tag-block checksum")
    fields = dict(part.split(":", 1) for part in body.split(","))
    return fields["s"], int(fields["c"]), line[end + 1 :]


def _read(path: Path) -> tuple[list[tuple[str, int, object]], int]:
    """Decoded (station, c:, message) in file order, and the count of lines rejected as damaged."""
    bad = 0
    decoded = []
    pending: dict[tuple[str, str, str], list[str]] = {}
    for line in path.read_text(encoding="ascii").splitlines():
        try:
            station, receive_time, sentence = _split(line)
            parsed = NMEASentenceFactory.produce(sentence.encode())
        except Exception:  # pyais or the tag-block check rejects it: a damaged line
            bad += 1
            continue
        if not parsed.is_valid:
            bad += 1
            continue
        if parsed.frag_cnt == 1:
            decoded.append((station, receive_time, decode(sentence, error_if_checksum_invalid=True)))
            continue
        key = (station, str(parsed.seq_id), parsed.channel)
        pending[key] = [*pending.get(key, [])[: parsed.frag_num - 1], sentence]
        if parsed.frag_num == parsed.frag_cnt == len(pending[key]):
            decoded.append((station, receive_time, decode(*pending.pop(key), error_if_checksum_invalid=True)))
    return decoded, bad


@pytest.mark.parametrize(
    ("sog_kn", "turning", "nav_status", "expected_s"),
    [
        (0.2, False, 1, 180.0),
        (2.5, False, 5, 180.0),
        (4.0, False, 1, 10.0),
        (0.5, False, 0, 10.0),
        (8.0, False, 0, 10.0),
        (8.0, True, 0, 10.0 / 3.0),
        (14.0, False, 0, 10.0),
        (18.0, False, 0, 6.0),
        (18.0, True, 0, 2.0),
        (25.0, False, 0, 2.0),
        (25.0, True, 0, 2.0),
    ],
)
def test_class_a_interval_follows_itu_table(
    sog_kn: float, turning: bool, nav_status: int, expected_s: float
) -> None:
    assert class_a_interval_s(sog_kn, turning, nav_status) == pytest.approx(expected_s)


@pytest.mark.parametrize(("sog_kn", "expected_s"), [(0.0, 180.0), (2.0, 180.0), (2.1, 30.0), (20.0, 30.0)])
def test_class_b_cs_interval(sog_kn: float, expected_s: float) -> None:
    assert class_b_interval_s(sog_kn) == expected_s


def _straight_vessel(sog_kn: float, ais_class: str, nav_status: int) -> Vessel:
    """A vessel steaming due east at constant ``sog_kn`` with no helm wander."""
    far_east = Waypoint(1e6, 0.0, sog_kn)
    kinematics = Kinematics(max_turn_deg_s=1.0, accel_mps2=0.1, course_wander_deg=0.0, speed_wander=0.0)
    plan = MotionPlan(0, 0.0, 0.0, 90.0, sog_kn, (far_east,), True, kinematics)
    ident = AisIdentity(463000001, ais_class, "TEST", "AP1", 0, 70, 10, 10, 3, 3, 2.0, "", nav_status)
    return Vessel("V000", Kind.MERCHANT, plan, ident, RadarSize.LARGE)


@pytest.mark.parametrize(
    ("sog_kn", "ais_class", "nav_status", "expected_s"),
    [
        (8.0, "A", 0, 10.0),
        (18.0, "A", 0, 6.0),
        (26.0, "A", 0, 2.0),
        (0.0, "A", 1, 180.0),
        (8.0, "B", 0, 30.0),
        (1.0, "B", 0, 180.0),
    ],
)
def test_transponder_reports_at_itu_intervals(
    sog_kn: float, ais_class: str, nav_status: int, expected_s: float
) -> None:
    vessel = _straight_vessel(sog_kn, ais_class, nav_status)
    duration_s = 900
    traj = simulate_motion([vessel.motion], np.zeros((duration_s, 1, 2)), duration_s)
    sent = transmissions([vessel], traj, traj.alive.copy(), seed=3, start_time=1768464000.0)
    times = np.array([t.time_s for t in sent if t.fields["msg_type"] in (1, 3, 18)])
    assert np.diff(times) == pytest.approx(expected_s)
    statics = [t for t in sent if t.fields["msg_type"] in (5, 24)]
    assert len(statics) >= (2 if ais_class == "A" else 4)


def test_turning_class_a_reports_faster_with_itdma_type_3() -> None:
    vessel = _straight_vessel(8.0, "A", 0)
    turn_north = (Waypoint(2000.0, 0.0, 8.0), Waypoint(2000.0, 1e6, 8.0))
    vessel = dataclasses.replace(vessel, motion=dataclasses.replace(vessel.motion, waypoints=turn_north))
    traj = simulate_motion([vessel.motion], np.zeros((600, 1, 2)), 600)
    sent = [
        t
        for t in transmissions([vessel], traj, traj.alive.copy(), 3, 1768464000.0)
        if t.fields["msg_type"] in (1, 3)
    ]
    gaps = np.diff([t.time_s for t in sent])
    assert gaps.min() == pytest.approx(10.0 / 3.0) and gaps.max() == pytest.approx(10.0)
    turning = [t for t in sent if t.fields["msg_type"] == 3]
    assert len(turning) >= 5
    assert decode(*encode_dict(turning[0].fields)).msg_type == 3


def test_every_undamaged_line_round_trips_through_pyais(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    decoded, bad = _read(out_dir / "ais.nmea")
    assert bad == summary["ais_corrupt_lines"]
    assert summary["ais_lines"] == len((out_dir / "ais.nmea").read_text().splitlines())
    types = {message.msg_type for _, _, message in decoded}
    assert {1, 5, 18, 24} <= types
    assert {station for station, _, _ in decoded} == {"KHI-AIS", "MONZE-AIS"}
    for _, receive_time, message in decoded:
        if message.msg_type in (1, 3, 18):
            assert message.second == receive_time % 60  # the fix second is the transmit second
            assert 24.2 < message.lat < 24.9 and 66.4 < message.lon < 67.5


def test_lines_are_in_arrival_order_with_a_few_late(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    times = []
    for line in (out_dir / "ais.nmea").read_text().splitlines():
        try:
            times.append(_split(line)[1])
        except ValueError:
            continue
    running_max = np.maximum.accumulate(times)
    behind = running_max - np.array(times)
    assert 0 < summary["ais_late_lines"] < 0.06 * summary["ais_lines"]
    assert (behind > 0).any() and behind.max() <= 9


def test_damage_is_rare_and_counted_by_kind(scenario: tuple[Path, dict]) -> None:
    _, summary = scenario
    kinds = ("bad_checksum", "truncated", "garbage", "bad_tag_checksum")
    assert sum(summary[f"ais_corrupt_{k}"] for k in kinds) == summary["ais_corrupt_lines"]
    assert 0 < summary["ais_corrupt_lines"] < 0.02 * summary["ais_lines"]


def test_reception_fades_near_range_edge() -> None:
    p = reception_probability(np.array([0.0, 0.69, 0.85, 1.0, 1.2]) * 60000.0, 60000.0)
    assert p[0] == p[1] == pytest.approx(0.98)
    assert p[2] == pytest.approx(0.49)
    assert p[3] == p[4] == 0.0
    assert not math.isnan(p.sum())
