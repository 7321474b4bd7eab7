"""Identity anomalies in the simulated picture: an invalid MMSI, and (opt-in) spoofed positions."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from fusion.rules.zones import load_zones
from fusion.schemas import AisReport
from fusion.simulator import simulate
from fusion.simulator.behaviours import SPOOF_OFFSET_M, Kind, has_invalid_mmsi, mix, plan_vessels
from fusion.simulator.layout import FRAME
from ingest.ais import AisDecoder
from ingest.mmsi import MmsiKind, classify


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _reports(scenario: Path) -> list[AisReport]:
    """The AIS position reports of a scenario folder, as ingest reads them (time: the tag block's)."""
    decoder = AisDecoder("test")
    lines = (scenario / "ais.nmea").read_text().splitlines()
    return [r for n, line in enumerate(lines, 1) for r in decoder.feed(line, n) if isinstance(r, AisReport)]


def test_one_small_craft_transmits_an_mmsi_a_digit_short(scenario: tuple[Path, dict]) -> None:
    out_dir, summary = scenario
    events = [e for e in _jsonl(out_dir / "events.jsonl") if e["kind"] == "invalid_mmsi"]
    assert len(events) == summary["events_invalid_mmsi"] == 1
    mmsi = events[0]["mmsi"]
    assert mmsi < 100_000_000 and classify(mmsi).kind is MmsiKind.GROUP  # 0MIDxxxxx: no ship's number
    assert events[0]["in_ais_coverage"]
    assert mmsi in {report.mmsi for report in _reports(out_dir)}


def test_spoofers_are_opt_in_and_planned_last(zones_path: Path) -> None:
    assert mix(60)[Kind.SPOOFER] == 0
    counts = mix(60, spoofers=2)
    assert counts[Kind.SPOOFER] == 2 and sum(counts.values()) == 60
    fleet = plan_vessels(4, 60, 1500, load_zones(zones_path), spoofers=2)
    assert [v.kind for v in fleet[-2:]] == [Kind.SPOOFER, Kind.SPOOFER]
    assert sum(has_invalid_mmsi(v) for v in fleet) == 1
    for vessel in fleet[-2:]:
        spoof = vessel.spoof
        assert spoof is not None and 0 < spoof.start_s < spoof.end_s <= 1500
        assert SPOOF_OFFSET_M[0] <= math.hypot(spoof.east_m, spoof.north_m) <= SPOOF_OFFSET_M[1]


@pytest.fixture(scope="module")
def spoofed(tmp_path_factory: pytest.TempPathFactory, zones_path: Path) -> Path:
    out_dir = tmp_path_factory.mktemp("spoofed") / "scenario"
    simulate(seed=4, vessels=20, minutes=12.0, out_dir=out_dir, zones_path=zones_path, spoofers=1)
    return out_dir


def test_a_spoofer_reports_offset_positions_during_its_episode_only(spoofed: Path, zones_path: Path) -> None:
    fleet = plan_vessels(4, 20, 720, load_zones(zones_path), spoofers=1)
    spoofer = fleet[-1]
    assert spoofer.spoof is not None and spoofer.ais is not None
    events = [e for e in _jsonl(spoofed / "events.jsonl") if e["kind"] == "ais_spoofed"]
    t0 = _jsonl(spoofed / "truth.jsonl")[0]["time"]
    assert [(e["truth_id"], e["time"] - t0) for e in events] == [(spoofer.truth_id, spoofer.spoof.start_s)]
    truth = {r["time"]: r for r in _jsonl(spoofed / "truth.jsonl") if r["truth_id"] == spoofer.truth_id}
    offsets = []  # (seconds into the run, reported minus true position in metres)
    for report in _reports(spoofed):
        row = truth.get(int(report.time))
        if report.mmsi != spoofer.ais.mmsi or row is None:
            continue
        east, north = FRAME.to_enu(np.array([report.lat, row["lat"]]), np.array([report.lon, row["lon"]]))
        offsets.append((int(report.time) - t0, math.hypot(east[0] - east[1], north[0] - north[1])))
    inside = [d for t, d in offsets if spoofer.spoof.start_s + 5 <= t < spoofer.spoof.end_s - 5]
    outside = [d for t, d in offsets if t < spoofer.spoof.start_s - 5 or t >= spoofer.spoof.end_s + 5]
    assert inside and outside
    assert (
        min(inside) > SPOOF_OFFSET_M[0] - 100.0
    )  # the ship moves up to ~60 m between a report and the second
    assert max(outside) < 100.0
