"""Tracking areas: the unit a fuse instance owns, and what it needs to track one.

An area is a sensor layout (``sensors.json``: its radars, AIS receivers and tangent-plane
origin) plus the zones its rules watch. Raw records carry their area in the key prefix
(``fusion.topics.area_key``) and Kafka partitions are chosen by area, so every record of
one area reaches one fuse instance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from fusion.schemas import Sensors
from ingest.scenario import area_origin
from ingest.sensors import load_sensors


class AreaConfigError(ValueError):
    """An ``--area`` that cannot be loaded; the message says what to fix."""


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    sensors: Sensors
    origin_lat: float
    origin_lon: float
    zones_path: Path


def load_area(spec: str, default_zones: Path) -> Area:
    """``NAME=DIR`` (or just ``DIR``, named after the folder): DIR holds sensors.json, maybe zones.geojson."""
    name, eq, folder = spec.partition("=")
    path = Path(folder if eq else name)
    name = name if eq else path.resolve().name
    if not name or "/" in name:
        raise AreaConfigError(f"--area {spec!r}: the area name must be non-empty and without '/'")
    sensors_path = path / "sensors.json"
    if not sensors_path.is_file():
        raise AreaConfigError(
            f"--area {spec!r}: {sensors_path} not found; give NAME=FOLDER with a sensors.json"
        )
    sensors = load_sensors(sensors_path)
    lat, lon = area_origin(sensors_path, sensors)
    zones = path / "zones.geojson"
    return Area(name, sensors, lat, lon, zones if zones.is_file() else default_zones)
