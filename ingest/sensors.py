"""Load and validate a scenario's ``sensors.json`` (docs/formats.md) into :class:`Sensors`.

A wrong sensor layout silently corrupts every track (a sigma of 0 makes the filter singular, a
swapped lat/lon moves a radar to another continent), so the file is checked completely up front
and the first problem is reported with the file, the field and what a valid value looks like.
Keys this module does not use (the optional top-level ``area``, notes) are ignored.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fusion.schemas import AisReceiverSite, RadarSite, Sensors


class SensorsFileError(ValueError):
    """sensors.json is unreadable or invalid; the message names the file, the field and the fix."""


@dataclass(frozen=True, slots=True)
class _Range:
    """Accepted numeric values of one field and how to describe them to the user."""

    description: str
    low: float
    high: float = math.inf
    low_inclusive: bool = True

    def accepts(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        return above and value <= self.high


_LAT = _Range("a latitude in degrees from -90 to 90", -90.0, 90.0)
_LON = _Range("a longitude in degrees from -180 to 180", -180.0, 180.0)


def _positive(unit: str) -> _Range:
    return _Range(f"a positive number of {unit}", 0.0, low_inclusive=False)


_RADAR_FIELDS: dict[str, _Range] = {
    "lat": _LAT,
    "lon": _LON,
    "height_m": _Range("a height above sea level in metres, 0 or more", 0.0),
    "range_sigma_m": _positive("metres"),
    "bearing_sigma_deg": _positive("degrees"),
    "max_range_m": _positive("metres"),
    "scan_period_s": _positive("seconds"),
}
_RECEIVER_FIELDS: dict[str, _Range] = {"lat": _LAT, "lon": _LON, "range_m": _positive("metres")}


def load_sensors(path: Path) -> Sensors:
    """Read and validate sensors.json.

    Parameters
    ----------
    path : Path
        The scenario's ``sensors.json``.

    Returns
    -------
    Sensors
        Radars and AIS receivers in file order.

    Raises
    ------
    SensorsFileError
        Unreadable file, invalid JSON, a missing ``radars``/``ais_receivers`` list, a missing or
        out-of-range field (e.g. ``radars[1].scan_period_s must be a positive number of seconds,
        got 'x'``) or a duplicate id.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as err:
        raise SensorsFileError(f"{path}: cannot read the sensor layout: {err.strerror or err}") from None
    except UnicodeDecodeError as err:
        raise SensorsFileError(f"{path}: not UTF-8 text ({err.reason}); save it as UTF-8 JSON") from None
    except json.JSONDecodeError as err:
        raise SensorsFileError(
            f"{path}: line {err.lineno} column {err.colno}: not valid JSON ({err.msg})"
        ) from None
    if not isinstance(data, dict):
        raise SensorsFileError(
            f'{path}: the top level must be an object {{"radars": [...], "ais_receivers": [...]}}'
        )
    radar_entries = _entries(path, data, "radars")
    receiver_entries = _entries(path, data, "ais_receivers")
    radars = tuple(
        RadarSite(id=_id(path, f"radars[{i}]", entry), **_numbers(path, f"radars[{i}]", entry, _RADAR_FIELDS))
        for i, entry in enumerate(radar_entries)
    )
    receivers = tuple(
        AisReceiverSite(
            id=_id(path, f"ais_receivers[{i}]", entry),
            **_numbers(path, f"ais_receivers[{i}]", entry, _RECEIVER_FIELDS),
        )
        for i, entry in enumerate(receiver_entries)
    )
    _unique(path, "radars", [r.id for r in radars])
    _unique(path, "ais_receivers", [r.id for r in receivers])
    return Sensors(radars=radars, ais_receivers=receivers)


def _entries(path: Path, data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    entries = data.get(key)
    if not isinstance(entries, list):
        got = "nothing" if key not in data else repr(entries)
        raise SensorsFileError(f"{path}: {key!r} must be a list of objects (may be empty []), got {got}")
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            raise SensorsFileError(f"{path}: {key}[{i}] must be an object with an 'id', got {entry!r}")
    return entries


def _id(path: Path, where: str, entry: dict[str, Any]) -> str:
    value = entry.get("id")
    if not isinstance(value, str) or not value.strip():
        raise SensorsFileError(f"{path}: {where}.id must be a non-empty string, got {value!r}")
    return value


def _numbers(path: Path, where: str, entry: dict[str, Any], fields: dict[str, _Range]) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, rule in fields.items():
        if name not in entry:
            raise SensorsFileError(f"{path}: {where}.{name} is missing; it must be {rule.description}")
        value = entry[name]
        number_ok = isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
        if not number_ok or not rule.accepts(value):
            raise SensorsFileError(f"{path}: {where}.{name} must be {rule.description}, got {value!r}")
        out[name] = float(value)
    return out


def _unique(path: Path, key: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for i, sensor_id in enumerate(ids):
        if sensor_id in seen:
            raise SensorsFileError(f"{path}: {key}[{i}].id {sensor_id!r} is used twice; ids must be unique")
        seen.add(sensor_id)
