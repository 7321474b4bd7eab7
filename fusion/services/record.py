"""``seawatch record``: raw topics -> a scenario folder that replays to the same picture.

``ais.nmea`` gets the original NMEA lines (tag blocks included) that every accepted AIS
record carries in ``raw``, in the order the topics hold them; ``radar.jsonl`` gets one line
per plot in the radar.jsonl format (``sensor``, ``range_m``, ``bearing_deg`` and the plot's
extra fields); ``sensors.json`` (and ``zones.geojson`` if given) are copied, because raw
records do not carry the sensor layout. Input that ingest rejected is on the dead-letter
topic, not in the raw topics, so a recording holds only what was accepted.

AIS reports and static messages travel on two topics; the recorder merges them by event
time (each topic's own order kept), which is how the scenario reader merges files, so the
fusion stage sees the same sequence of reports and plots.

``manifest.json`` (``fusion.manifest``) lists each file's SHA-256, size and line count and
the record counts, so ``seawatch replay`` can refuse a folder changed since recording.
"""

from __future__ import annotations

import heapq
import shutil
import time as wall_clock
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from fusion import topics
from fusion.bus import Envelope
from fusion.bus_kafka import KafkaBus
from fusion.dead_letters import dead_letter
from fusion.manifest import write_manifest
from fusion.schemas import RadarPlot, RejectReason, from_json

RECORDED_TOPICS = (topics.AIS_REPORTS, topics.AIS_STATIC, topics.RADAR_PLOTS)


def record_scenario(
    bus: KafkaBus,
    out_dir: Path,
    *,
    sensors_path: Path,
    zones_path: Path | None = None,
    area: str | None = None,
    exit_when_idle_s: float = 5.0,
    should_stop: Callable[[], bool] = lambda: False,
) -> Counter[str]:
    """Consume the raw topics until caught up and silent for ``exit_when_idle_s``, then write the folder.

    ``area`` keeps only raw records keyed for that area (static data has no area and is kept).
    """
    counts: Counter[str] = Counter()
    received: dict[str, list[Envelope]] = {topic: [] for topic in RECORDED_TOPICS}
    last_input = wall_clock.monotonic()
    while not should_stop():
        envelopes = bus.poll(RECORDED_TOPICS, max_records=10_000, timeout_s=0.2)
        for envelope in envelopes:
            key_area = topics.area_of_key(envelope.key)
            if area is not None and key_area is not None and key_area != area:
                counts["skipped:other_area"] += 1
                continue
            received[envelope.topic].append(envelope)
        if envelopes:
            last_input = wall_clock.monotonic()
        elif wall_clock.monotonic() - last_input >= exit_when_idle_s and _caught_up(bus):
            break
    out_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(sensors_path, out_dir / "sensors.json")
    if zones_path is not None:
        shutil.copyfile(zones_path, out_dir / "zones.geojson")
    parsed = {topic: _parse(bus, topic, envelopes, counts) for topic, envelopes in received.items()}
    _write_ais(out_dir / "ais.nmea", parsed[topics.AIS_REPORTS], parsed[topics.AIS_STATIC], counts)
    _write_radar(out_dir / "radar.jsonl", parsed[topics.RADAR_PLOTS], counts)
    written = ["ais.nmea", "radar.jsonl", "sensors.json"] + (["zones.geojson"] if zones_path else [])
    made_by = "seawatch record" + (f" --area {area}" if area else "")
    write_manifest(out_dir, written, made_by=made_by, counts=counts)
    bus.flush()
    bus.commit()
    return counts


def _parse(
    bus: KafkaBus, topic: str, envelopes: list[Envelope], counts: Counter[str]
) -> list[tuple[float, Any]]:
    """(event time, record) in partition order; a value that is not a record is dead-lettered."""
    record_type = topics.RECORD_TYPES[topic]
    out: list[tuple[float, Any]] = []
    for envelope in sorted(envelopes, key=lambda e: (e.partition, e.offset)):
        try:
            out.append((envelope.time, from_json(record_type, envelope.value)))
        except (ValueError, TypeError, KeyError) as error:
            counts[f"reject:{RejectReason.MALFORMED_RECORD}"] += 1
            dead_letter(
                bus, envelope, RejectReason.MALFORMED_RECORD, f"not a {record_type.__name__}: {error}"
            )
    return out


def _caught_up(bus: KafkaBus) -> bool:
    return all(
        bus.caught_up(topic, partition) for topic in RECORDED_TOPICS for partition in bus.end_offsets(topic)
    )


def _write_ais(
    path: Path, reports: list[tuple[float, Any]], statics: list[tuple[float, Any]], counts: Counter[str]
) -> None:
    merged = heapq.merge(reports, statics, key=lambda pair: pair[0])
    with path.open("w", encoding="ascii", errors="replace", newline="\n") as out:
        for _, record in merged:
            if record.raw:
                out.write(record.raw + "\n")
                counts["recorded:ais_messages"] += 1


def _write_radar(path: Path, plots: list[tuple[float, RadarPlot]], counts: Counter[str]) -> None:
    with path.open("wb") as out:
        for _, plot in plots:
            line = {
                "time": plot.time,
                "sensor": plot.sensor_id,
                "range_m": plot.range_m,
                "bearing_deg": plot.bearing_deg,
                **plot.extra,
            }
            out.write(orjson.dumps(line) + b"\n")
            counts["recorded:radar_plots"] += 1
