"""Radar plots from ``radar.jsonl`` (docs/formats.md): one JSON object per line in, a RadarPlot or Reject out.

Pure: the caller reads the file and passes each line with its number. Measurement sigmas are
not in the line: they are properties of the radar site, taken from ``sensors.json``.

A well-formed line is read by orjson (``_fast_plot``); anything it does not take as surely
good goes to the careful reader, which decides and words every reject, so both give the same
record for every line (tests/unit/ingest/test_radar_jsonl_fast_path.py).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from typing import Any

import orjson

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason, Sensors, positional_constructor

#: Plots up to 5 % beyond the site's max_range_m are kept: the nominal range is a planning
#: figure and ducting or a long pulse returns a little further; much beyond it is corruption.
RANGE_MARGIN = 1.05

_REQUIRED = ("time", "sensor", "range_m", "bearing_deg")


class _BadRecord(ValueError):
    def __init__(self, reason: RejectReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def parse_radar_line(text: str, line_no: int, source: str, sensors: Sensors) -> RadarPlot | Reject:
    """Validate one radar.jsonl line into a plot in the site's polar frame.

    Parameters
    ----------
    text : str
        One line, e.g. ``{"time": 1768456800.84, "sensor": "MANORA", "range_m": 12503.2,
        "bearing_deg": 213.41}``; other keys are kept in ``extra``.
    line_no : int
        1-based line number; becomes ``plot_id`` (unique within the file, stable across replays).
    source : str
        Name of the input, for rejects.
    sensors : Sensors
        The scenario's sensor layout: the radar named by ``sensor`` gives the sigmas and range.

    Returns
    -------
    RadarPlot or Reject
        Reject reasons: MALFORMED_RECORD (not a JSON object; a required field missing or not a
        finite number), UNKNOWN_SENSOR, OUT_OF_RANGE (range <= 0 m or beyond
        ``RANGE_MARGIN`` x the radar's ``max_range_m``).
    """
    plot = _fast_plot(text, line_no, sensors)
    return plot if plot is not None else _parse_carefully(text, line_no, source, sensors)


def _parse_carefully(text: str, line_no: int, source: str, sensors: Sensors) -> RadarPlot | Reject:
    """``parse_radar_line`` by the standard library's json, checking field by field."""
    raw = text.rstrip("\r\n")
    record: dict[str, Any] = {}
    try:
        record = _json_object(raw)
        radar = _radar(record, sensors)
        time_s = _finite(record, "time", "unix seconds")
        range_m = _finite(record, "range_m", "metres")
        bearing_deg = _finite(record, "bearing_deg", "degrees from true north")
        _check_range(range_m, radar)
    except _BadRecord as err:
        time = record.get("time")
        reject_time = float(time) if _is_number(time) and math.isfinite(time) else None
        return Reject(
            time=reject_time, source=source, line_no=line_no, reason=err.reason, detail=str(err), raw=raw
        )
    extra = {key: value for key, value in record.items() if key not in _REQUIRED}
    return _plot(line_no, radar, time_s, range_m, bearing_deg, extra)


def _fast_plot(text: str, line_no: int, sensors: Sensors) -> RadarPlot | None:
    """The plot of a line that is surely good, read by orjson (the whole parse in a third of
    the careful reader's time); None for the careful reader to judge.

    orjson refuses what json takes beyond the JSON standard (NaN, Infinity, unpaired
    surrogate escapes), which the careful reader then reads; where both accept a line they
    read it alike, except that orjson turns an integer beyond 64 bits into a float, so a
    record with a float that large, or with a nested value, is left to the careful reader.

    The required fields are popped from orjson's fresh dict, which leaves it holding just
    ``extra``: no second dict and no pass over the required keys (this runs for every line).
    """
    try:
        record = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if type(record) is not dict:
        return None
    time_s, sensor_id = record.pop("time", None), record.pop("sensor", None)
    range_m, bearing_deg = record.pop("range_m", None), record.pop("bearing_deg", None)
    radar = sensors.radar(sensor_id) if type(sensor_id) is str else None
    if (
        radar is None
        or type(time_s) not in _NUMBER
        or type(range_m) not in _NUMBER
        or type(bearing_deg) not in _NUMBER
        or not (-_INT64 < time_s < _INT64 and -_INT64 < bearing_deg < _INT64 and range_m < _INT64)
        or not _in_range(range_m, radar)
        or not _read_alike(record.values())
    ):
        return None
    return _plot(line_no, radar, float(time_s), float(range_m), float(bearing_deg), record)


_NUMBER = (float, int)
"""The types of a number as orjson reads it (never bool, which only ``type() in`` keeps out)."""

_INT64 = float(2**63)


def _read_alike(values: Iterable[Any]) -> bool:
    """Would json read every one of these values as orjson did (see ``_fast_plot``)?"""
    for value in values:
        kind = type(value)
        if kind is float:
            if not -_INT64 < value < _INT64:
                return False
        elif not (kind is str or kind is int or kind is bool or value is None):
            return False
    return True


def _plot(
    line_no: int, radar: RadarSite, time_s: float, range_m: float, bearing_deg: float, extra: dict[str, Any]
) -> RadarPlot:
    """The plot of a checked record: bearing wrapped to [0, 360), the record's other keys in ``extra``."""
    bearing_deg %= 360.0
    return _radar_plot(
        time_s,
        radar.id,
        line_no,
        range_m,
        0.0 if bearing_deg == 360.0 else bearing_deg,  # -1e-20 % 360 rounds to 360
        radar.range_sigma_m,
        radar.bearing_sigma_deg,
        extra,
    )


_radar_plot = positional_constructor(
    RadarPlot,
    "time",
    "sensor_id",
    "plot_id",
    "range_m",
    "bearing_deg",
    "range_sigma_m",
    "bearing_sigma_deg",
    "extra",
)


def _json_object(raw: str) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except ValueError as err:
        raise _BadRecord(RejectReason.MALFORMED_RECORD, f"not valid JSON: {err}") from None
    if not isinstance(record, dict):
        raise _BadRecord(
            RejectReason.MALFORMED_RECORD, f"a plot is a JSON object, got {type(record).__name__}"
        )
    return record


def _radar(record: dict[str, Any], sensors: Sensors) -> RadarSite:
    sensor_id = record.get("sensor")
    if not isinstance(sensor_id, str):
        raise _BadRecord(
            RejectReason.MALFORMED_RECORD, f"field 'sensor' must be a radar id string, got {sensor_id!r}"
        )
    radar = sensors.radar(sensor_id)
    if radar is None:
        known = ", ".join(r.id for r in sensors.radars) or "none"
        raise _BadRecord(
            RejectReason.UNKNOWN_SENSOR, f"sensor {sensor_id!r} is not a radar in sensors.json ({known})"
        )
    return radar


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(record: dict[str, Any], name: str, unit: str) -> float:
    value = record.get(name)
    if not _is_number(value) or not math.isfinite(value):
        shown = "missing" if name not in record else repr(value)
        raise _BadRecord(
            RejectReason.MALFORMED_RECORD, f"field {name!r} must be a finite number of {unit}, got {shown}"
        )
    return float(value)


def _in_range(range_m: float, radar: RadarSite) -> bool:
    """Is a plot's range in (0, ``RANGE_MARGIN`` x the radar's ``max_range_m``]?"""
    return 0.0 < range_m <= RANGE_MARGIN * radar.max_range_m


def _check_range(range_m: float, radar: RadarSite) -> None:
    if not _in_range(range_m, radar):
        limit_m = RANGE_MARGIN * radar.max_range_m
        detail = f"range {range_m:g} m is outside (0, {limit_m:g}] m for radar {radar.id}"
        raise _BadRecord(RejectReason.OUT_OF_RANGE, detail)
