"""Export the tracks and alerts of a time window and area, for an incident report.

GeoJSON (RFC 7946: lon/lat order, one Point feature per track state or alert event, the
record's fields as properties) for GIS tools, and CSV for spreadsheets. Pure functions.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from dataclasses import dataclass

from dashboard.history import History
from fusion.schemas import Alert, TrackState, to_dict


@dataclass(frozen=True, slots=True)
class Area:
    """A lon/lat box (degrees); the map's current view when exported from the page."""

    west: float
    south: float
    east: float
    north: float

    def contains(self, lon: float, lat: float) -> bool:
        return self.west <= lon <= self.east and self.south <= lat <= self.north


def select(history: History, start: float, end: float, area: Area) -> tuple[list[TrackState], list[Alert]]:
    """Track states and alert events with ``start <= time <= end`` inside ``area``."""
    tracks = [s for s in history.states_between(start, end) if area.contains(s.lon, s.lat)]
    alerts = [a for a in history.alerts_between(start, end) if area.contains(a.lon, a.lat)]
    return tracks, alerts


def _feature(record: TrackState | Alert, kind: str) -> dict:
    props = to_dict(record)
    props["record"] = kind
    if isinstance(record, TrackState):
        props.pop("cov")  # 16 numbers per point: too much for a report; the JSONL replay output keeps it
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [record.lon, record.lat]},
        "properties": props,
    }


def to_geojson(tracks: list[TrackState], alerts: list[Alert], start: float, end: float, area: Area) -> str:
    collection = {
        "type": "FeatureCollection",
        "name": "seawatch export",
        "window": {"start_time": start, "end_time": end},
        "bbox": [area.west, area.south, area.east, area.north],
        "features": [_feature(t, "track") for t in tracks] + [_feature(a, "alert") for a in alerts],
    }
    return json.dumps(collection, separators=(",", ":"), ensure_ascii=False)


def to_csv(records: list[TrackState] | list[Alert], cls: type) -> str:
    """One row per record, the record's fields as columns; tuples and dicts as JSON cells."""
    columns = [f.name for f in dataclasses.fields(cls) if f.name != "cov"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for record in records:
        row = to_dict(record)
        writer.writerow({k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in row.items()})
    return out.getvalue()
