"""Read a scenario folder (docs/formats.md) as one stream of records in rough time order.

This is I/O: it opens the files and feeds their lines to the pure parsers
(``ingest.ais``, ``ingest.radar_jsonl``). The AIS and radar streams are merged by event
time as they are read, keeping each file's own line order, so a late AIS line stays late
(as it arrived on the wire) and the fusion stage's reorder buffer puts it in place, the
same as it would for a live feed. Nothing is held in memory beyond one line per file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fusion.schemas import AisReport, AisStatic, RadarPlot, Reject, Sensors
from ingest.ais import AisDecoder
from ingest.radar_jsonl import parse_radar_line
from ingest.sensors import load_sensors

IngestRecord = AisReport | AisStatic | RadarPlot | Reject


class ScenarioError(ValueError):
    """A scenario folder that cannot be replayed; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Scenario:
    path: Path
    sensors: Sensors
    area_lat: float
    area_lon: float
    zones_path: Path

    @property
    def ais_path(self) -> Path:
        return self.path / "ais.nmea"

    @property
    def radar_path(self) -> Path:
        return self.path / "radar.jsonl"


def open_scenario(path: Path, default_zones: Path) -> Scenario:
    """Check a folder holds a replayable scenario and load its sensors."""
    if not path.is_dir():
        raise ScenarioError(f"{path}: not a folder; give a scenario folder such as replay_data/karachi")
    missing = [name for name in ("ais.nmea", "radar.jsonl", "sensors.json") if not (path / name).is_file()]
    if missing:
        raise ScenarioError(
            f"{path}: missing {', '.join(missing)}; a scenario needs ais.nmea, radar.jsonl and sensors.json "
            "(see docs/formats.md; either data file may be empty)"
        )
    sensors = load_sensors(path / "sensors.json")
    area_lat, area_lon = area_origin(path / "sensors.json", sensors)
    zones = path / "zones.geojson"
    return Scenario(path, sensors, area_lat, area_lon, zones if zones.is_file() else default_zones)


def area_origin(sensors_path: Path, sensors: Sensors) -> tuple[float, float]:
    """The tangent-plane origin: ``area`` of sensors.json, else the mean sensor position."""
    area = json.loads(sensors_path.read_text()).get("area")
    if (
        isinstance(area, dict)
        and isinstance(area.get("lat"), int | float)
        and isinstance(area.get("lon"), int | float)
    ):
        return float(area["lat"]), float(area["lon"])
    sites = [*sensors.radars, *sensors.ais_receivers]
    if not sites:
        raise ScenarioError(
            f"{sensors_path}: no radars or AIS receivers, so no tracking area; add one or an 'area'"
        )
    return sum(s.lat for s in sites) / len(sites), sum(s.lon for s in sites) / len(sites)


def read_records(scenario: Scenario, counts: Counter[str]) -> Iterator[IngestRecord]:
    """Every record of the scenario, AIS and radar merged by event time, rejects included."""
    return _merge_by_time(_ais_records(scenario, counts), _radar_records(scenario, counts))


def _merge_by_time(first: Iterator[IngestRecord], second: Iterator[IngestRecord]) -> Iterator[IngestRecord]:
    """Two streams merged as ``heapq.merge`` would, each stream's own order kept.

    A record's key is its time; a reject without time takes its predecessor's (it sorts
    with it); at equal keys ``first`` goes first. Written out for two streams instead of
    ``heapq.merge`` over keyed tuples: this runs for every record of a scenario, and the
    tuples, their comparisons and the extra generator per stream were a sixth of reading it.
    """
    first_key = second_key = float("-inf")
    head = next(first, None)
    if head is None:
        yield from second
        return
    if head.time is not None:
        first_key = head.time
    for record in second:
        if record.time is not None:
            second_key = record.time
        while first_key <= second_key:
            yield head
            head = next(first, None)
            if head is None:
                yield record
                yield from second
                return
            if head.time is not None:
                first_key = head.time
        yield record
    yield head
    yield from first


def _ais_records(scenario: Scenario, counts: Counter[str]) -> Iterator[IngestRecord]:
    source = str(scenario.ais_path)
    decoder = AisDecoder(source)
    with scenario.ais_path.open(encoding="ascii", errors="replace", newline="") as lines:
        for line_no, line in enumerate(lines, start=1):
            yield from decoder.feed(line.rstrip("\r\n"), line_no)
    yield from decoder.flush()
    counts.update(decoder.counts)


def _radar_records(scenario: Scenario, counts: Counter[str]) -> Iterator[IngestRecord]:
    source, sensors = str(scenario.radar_path), scenario.sensors
    with scenario.radar_path.open(encoding="utf-8", errors="replace") as lines:
        for line_no, line in enumerate(lines, start=1):
            if line.isspace():  # a line read is never empty; isspace() copies nothing, strip() would
                counts["radar:skipped:blank"] += 1
                continue
            record = parse_radar_line(line, line_no, source, sensors)
            counts["radar:reject:" + record.reason if isinstance(record, Reject) else "radar:accepted"] += 1
            yield record
