"""Radar plots from ``radar.jsonl`` (docs/formats.md): one JSON object per line in, a RadarPlot or Reject out.

Pure: the caller reads the file and passes each line with its number. Measurement sigmas are
not in the line: they are properties of the radar site, taken from ``sensors.json``.
"""

from __future__ import annotations

import json
import math
from typing import Any

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason, Sensors

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
    bearing_deg %= 360.0
    return RadarPlot(
        time=time_s,
        sensor_id=radar.id,
        plot_id=line_no,
        range_m=range_m,
        bearing_deg=0.0 if bearing_deg == 360.0 else bearing_deg,  # -1e-20 % 360 rounds to 360
        range_sigma_m=radar.range_sigma_m,
        bearing_sigma_deg=radar.bearing_sigma_deg,
        extra={key: value for key, value in record.items() if key not in _REQUIRED},
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


def _check_range(range_m: float, radar: RadarSite) -> None:
    limit_m = RANGE_MARGIN * radar.max_range_m
    if not 0.0 < range_m <= limit_m:
        raise _BadRecord(
            RejectReason.OUT_OF_RANGE,
            f"range {range_m:g} m is outside (0, {limit_m:g}] m for radar {radar.id}",
        )
