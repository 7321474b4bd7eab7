"""The picture itself: vessels stay at sea, the mix is right, every special event happens."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely

from fusion.rules.zones import load_zones
from fusion.simulator.ais_transmitter import transmissions
from fusion.simulator.behaviours import ANCHOR_SPACING_M, MOORED, Kind, mix, plan_vessels
from fusion.simulator.layout import SEA, sensors_json
from fusion.simulator.motion import simulate_motion
from fusion.simulator.random_streams import stream

EVENT_FIELDS = [
    "time",
    "kind",
    "truth_id",
    "mmsi",
    "zone_id",
    "other_truth_id",
    "in_ais_coverage",
    "in_radar_coverage",
]


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_mix_has_every_special_kind_from_twenty_vessels() -> None:
    for vessels in (20, 37, 60, 150):
        counts = mix(vessels)
        assert sum(counts.values()) == vessels
        assert all(count >= 1 for kind, count in counts.items() if kind is not Kind.SPOOFER)  # opt-in
        assert counts[Kind.RENDEZVOUS] % 2 == 0 and counts[Kind.AIS_SWITCH_OFF] >= 2
    assert sum(mix(5).values()) == 5


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_vessels_stay_at_sea_and_anchors_are_spaced(seed: int, zones_path: Path) -> None:
    duration_s = 900
    fleet = plan_vessels(seed, 60, duration_s, load_zones(zones_path))
    noise = np.stack(
        [stream(seed, "wander", v.truth_id).standard_normal((duration_s, 2)) for v in fleet], axis=1
    )
    traj = simulate_motion([v.motion for v in fleet], noise, duration_s)
    assert shapely.contains_xy(SEA, traj.lon[traj.alive], traj.lat[traj.alive]).all()
    anchors = [(v.motion.east_m, v.motion.north_m) for v in fleet if v.kind is Kind.ANCHORED]
    assert min(math.dist(a, b) for i, a in enumerate(anchors) for b in anchors[i + 1 :]) > 600.0
    speed_step = np.abs(np.diff(traj.sog_kn, axis=0))
    assert np.nanmax(speed_step) < 2.0  # knots per second: smooth, acceleration-limited


def test_a_crowded_anchorage_is_planned_with_closer_anchors(zones_path: Path) -> None:
    """1,000 vessels put 120 ships in KHI-ANCH, more than 600 m spacing can hold: the plan
    still completes (it used to loop for ever), with anchors closer but still clear of each other."""
    fleet = plan_vessels(12, 1000, 1800, load_zones(zones_path))
    anchors = [(v.motion.east_m, v.motion.north_m) for v in fleet if v.kind is Kind.ANCHORED]
    assert len(anchors) == mix(1000)[Kind.ANCHORED] == 120
    closest_m = min(math.dist(a, b) for i, a in enumerate(anchors) for b in anchors[i + 1 :])
    assert 300.0 < closest_m < ANCHOR_SPACING_M


def test_truth_file(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    rows = _jsonl(out_dir / "truth.jsonl")
    assert len(rows) == summary["truth_rows"]
    assert list(rows[0]) == ["time", "truth_id", "lat", "lon", "sog_kn", "cog_deg", "mmsi", "ais_on"]
    assert [(r["time"], r["truth_id"]) for r in rows] == sorted((r["time"], r["truth_id"]) for r in rows)
    assert shapely.contains_xy(SEA, [r["lon"] for r in rows], [r["lat"] for r in rows]).all()
    assert any(r["mmsi"] is None and not r["ais_on"] for r in rows)
    assert any(r["mmsi"] is not None and not r["ais_on"] for r in rows)


def test_every_special_event_happens(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    events = _jsonl(out_dir / "events.jsonl")
    assert all(list(e) == EVENT_FIELDS for e in events)
    assert [(e["time"], e["truth_id"]) for e in events] == sorted((e["time"], e["truth_id"]) for e in events)
    kinds = {e["kind"] for e in events}
    assert {"zone_entry", "ais_off", "ais_on", "dark_vessel", "rendezvous_start", "rendezvous_end"} <= kinds
    entered = {e["zone_id"] for e in events if e["kind"] == "zone_entry"}
    assert {"NAVAL-EX", "MONZE-MPA"} <= entered
    offs = [e for e in events if e["kind"] == "ais_off"]
    assert any(e["in_ais_coverage"] and e["in_radar_coverage"] for e in offs)
    assert any(not e["in_ais_coverage"] for e in offs)
    dark = [e for e in events if e["kind"] == "dark_vessel"]
    assert all(e["mmsi"] is None and e["in_ais_coverage"] and e["in_radar_coverage"] for e in dark)
    meetings = [e for e in events if e["kind"] == "rendezvous_start"]
    assert all(e["other_truth_id"] > e["truth_id"] for e in meetings)
    for kind in ("ais_off", "dark_vessel", "rendezvous_start"):
        assert summary[f"events_{kind}"] == sum(e["kind"] == kind for e in events)


def test_sensors_file_matches_layout(scenario: tuple[Path, dict]) -> None:
    out_dir, _ = scenario
    written = json.loads((out_dir / "sensors.json").read_text())
    assert written == sensors_json()
    assert written["area"] == {"lat": 24.60, "lon": 66.95}
    assert [r["id"] for r in written["radars"]] == ["MANORA", "CAPE-MONZE"]
    assert [a["range_m"] for a in written["ais_receivers"]] == [60000.0, 45000.0]


def test_ships_bound_for_port_moor_at_a_berth_and_stay(zones_path: Path) -> None:
    """Nobody vanishes on arrival: moored in a port zone, nav status 5, heard every 3 min, to the end."""
    seed, duration_s = 7, 1500
    zones = load_zones(zones_path)
    fleet = plan_vessels(seed, 60, duration_s, zones)
    noise = np.stack(
        [stream(seed, "wander", v.truth_id).standard_normal((duration_s, 2)) for v in fleet], axis=1
    )
    traj = simulate_motion([v.motion for v in fleet], noise, duration_s)
    ports = shapely.union_all([z.geometry for z in zones.zones if z.kind.value == "port"])
    moored = np.flatnonzero((traj.nav_status == MOORED).any(axis=0))
    assert moored.size >= 1  # the bundled run has arrivals
    for j in moored:
        first = int(np.argmax(traj.nav_status[:, j] == MOORED))
        assert traj.alive[first:, j].all()  # stays until the run ends
        assert (traj.nav_status[first:, j] == MOORED).all()
        assert shapely.contains_xy(ports, traj.lon[first:, j], traj.lat[first:, j]).all()
        assert np.nanmax(traj.sog_kn[first + 60 :, j]) < 0.5
        assert not fleet[j].motion.leave_at_end
    sent = transmissions(fleet, traj, traj.alive.copy(), seed, 0.0)
    j = int(moored[0])
    first = int(np.argmax(traj.nav_status[:, j] == MOORED))
    at_berth = [t for t in sent if t.vessel == j and "speed" in t.fields and t.time_s > first + 200.0]
    assert at_berth and all(t.fields["status"] == MOORED for t in at_berth)
    gaps = np.diff([t.time_s for t in at_berth])
    assert gaps.size and np.allclose(gaps, 180.0)
