"""Readers for the files ``seawatch evaluate`` scores (formats in docs/formats.md).

Truth and track files are large (a 25-minute, 60-vessel scenario has ~90k truth lines),
so they are streamed line by line into column arrays that the scorers can vectorise over.
Every defect is an ``EvaluationInputError`` naming the file and line: a score computed
from silently skipped lines would look valid and be wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from fusion.schemas import AlertState, Sensors, TrackStatus
from ingest.scenario import ScenarioError, area_origin
from ingest.sensors import SensorsFileError, load_sensors
from tracking.frames import LocalFrame, velocity_from_course

T = TypeVar("T")

_HELD_STATUSES = frozenset({TrackStatus.CONFIRMED, TrackStatus.COASTING})


class EvaluationInputError(Exception):
    """An input file is missing or has a bad line; the message names file and line."""

    def __init__(self, path: Path, line_no: int | None, detail: str) -> None:
        where = f"{path}:{line_no}" if line_no is not None else str(path)
        super().__init__(f"{where}: {detail}")
        self.path = path
        self.line_no = line_no
        self.detail = detail


class _FieldError(ValueError):
    """A field is missing or has the wrong type; becomes an EvaluationInputError with the line."""


def _number(record: dict[str, Any], key: str) -> float:
    value = record.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _FieldError(f"field {key!r} must be a finite number, got {value!r}")
    return float(value)


def _optional_number(record: dict[str, Any], key: str) -> float | None:
    return None if record.get(key) is None else _number(record, key)


def _string(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str):
        raise _FieldError(f"field {key!r} must be a string, got {value!r}")
    return value


def _optional_string(record: dict[str, Any], key: str) -> str | None:
    return None if record.get(key) is None else _string(record, key)


def _optional_bool(record: dict[str, Any], key: str) -> bool | None:
    value = record.get(key)
    if value is not None and not isinstance(value, bool):
        raise _FieldError(f"field {key!r} must be true, false or null, got {value!r}")
    return value


def _bool(record: dict[str, Any], key: str) -> bool:
    value = _optional_bool(record, key)
    if value is None:
        raise _FieldError(f"field {key!r} must be true or false, got null or nothing")
    return value


def _parse_jsonl(path: Path, parse: Callable[[dict[str, Any]], T]) -> Iterator[T]:
    """Stream ``parse(object)`` over a JSON-lines file; blank lines are skipped."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise EvaluationInputError(path, None, f"cannot read file ({exc.strerror})") from None
    with handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict):
                    raise _FieldError(f"expected a JSON object, got {type(record).__name__}")
                yield parse(record)
            except json.JSONDecodeError as exc:
                raise EvaluationInputError(path, line_no, f"not valid JSON ({exc.msg})") from None
            except _FieldError as exc:
                raise EvaluationInputError(path, line_no, str(exc)) from None


def load_sensor_layout(path: Path) -> tuple[Sensors, LocalFrame]:
    """The scenario's sensors and the tangent plane every position is scored in.

    Read by the replay's own loader and origin rule (``ingest.sensors``, ``ingest.scenario``),
    so the file is validated the same way and the scoring plane is the tracker's plane;
    their errors become an ``EvaluationInputError`` so the CLI reports one line.
    """
    try:
        sensors = load_sensors(path)
        lat0, lon0 = area_origin(path, sensors)
    except (SensorsFileError, ScenarioError) as exc:
        raise EvaluationInputError(path, None, str(exc).removeprefix(f"{path}: ")) from None
    return sensors, LocalFrame(lat0, lon0)


def _codes(labels: list[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Sorted distinct labels and each label's index into them (deterministic integer ids)."""
    names, codes = np.unique(np.asarray(labels, dtype=object), return_inverse=True)
    return tuple(str(n) for n in names), codes.astype(np.intp)


@dataclass(frozen=True, slots=True)
class TruthTable:
    """truth.jsonl as columns; ``vessel`` indexes ``vessel_ids``."""

    vessel_ids: tuple[str, ...]
    time_s: np.ndarray
    vessel: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    has_mmsi: np.ndarray
    ais_on: np.ndarray
    mmsi: np.ndarray
    """The vessel's MMSI, 0 where it has none."""


def load_truth(path: Path) -> TruthTable:
    def parse(r: dict[str, Any]) -> tuple[float, str, float, float, bool, bool, int]:
        mmsi = r.get("mmsi")
        if mmsi is not None and (isinstance(mmsi, bool) or not isinstance(mmsi, int)):
            raise _FieldError(f"field 'mmsi' must be an integer or null, got {mmsi!r}")
        return (
            _number(r, "time"),
            _string(r, "truth_id"),
            _number(r, "lat"),
            _number(r, "lon"),
            mmsi is not None,
            _bool(r, "ais_on"),
            mmsi or 0,
        )

    rows = list(_parse_jsonl(path, parse))
    if not rows:
        raise EvaluationInputError(path, None, "no truth lines: nothing to score against")
    time_s, ids, lat, lon, has_mmsi, ais_on, mmsi = zip(*rows, strict=True)
    vessel_ids, vessel = _codes(list(ids))
    return TruthTable(
        vessel_ids=vessel_ids,
        time_s=np.asarray(time_s),
        vessel=vessel,
        lat=np.asarray(lat),
        lon=np.asarray(lon),
        has_mmsi=np.asarray(has_mmsi),
        ais_on=np.asarray(ais_on),
        mmsi=np.asarray(mmsi, dtype=np.int64),
    )


@dataclass(frozen=True, slots=True)
class TrackTable:
    """tracks.jsonl as columns in file order; ``held`` is status confirmed or coasting."""

    track_ids: tuple[str, ...]
    time_s: np.ndarray
    track: np.ndarray
    held: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    ve_mps: np.ndarray
    vn_mps: np.ndarray


def load_tracks(path: Path) -> TrackTable:
    """Read tracks.jsonl; velocity is ``ve_mps``/``vn_mps`` if present, else from sog/cog."""

    def parse(r: dict[str, Any]) -> tuple[float, str, bool, float, float, float, float, float, float]:
        try:
            status = TrackStatus(r.get("status"))
        except ValueError:
            raise _FieldError(f"field 'status' is not a track status: {r.get('status')!r}") from None
        if "ve_mps" in r:
            velocity = (_number(r, "ve_mps"), _number(r, "vn_mps"), math.nan, math.nan)
        else:
            velocity = (math.nan, math.nan, _number(r, "sog_kn"), _number(r, "cog_deg"))
        return (
            _number(r, "time"),
            _string(r, "track_id"),
            status in _HELD_STATUSES,
            _number(r, "lat"),
            _number(r, "lon"),
            *velocity,
        )

    rows = list(_parse_jsonl(path, parse))
    columns = zip(*rows, strict=True) if rows else ((),) * 9
    time_s, ids, held, lat, lon, ve, vn, sog_kn, cog_deg = (np.asarray(c) for c in columns)
    ve_mps, vn_mps = ve.astype(float), vn.astype(float)
    from_course = np.isnan(ve_mps)
    ve_mps[from_course], vn_mps[from_course] = velocity_from_course(sog_kn[from_course], cog_deg[from_course])
    track_ids, track = _codes(list(ids))
    return TrackTable(
        track_ids=track_ids,
        time_s=time_s.astype(float),
        track=track,
        held=held.astype(bool),
        lat=lat.astype(float),
        lon=lon.astype(float),
        ve_mps=ve_mps,
        vn_mps=vn_mps,
    )


@dataclass(frozen=True, slots=True)
class GroundEvent:
    """One line of events.jsonl; its vessel ids are checked against the truth file."""

    time_s: float
    kind: str
    truth_id: str
    other_truth_id: str | None
    zone_id: str | None
    in_ais_coverage: bool | None
    in_radar_coverage: bool | None = None


def load_events(path: Path, known_truth_ids: frozenset[str]) -> list[GroundEvent]:
    def parse(r: dict[str, Any]) -> GroundEvent:
        event = GroundEvent(
            time_s=_number(r, "time"),
            kind=_string(r, "kind"),
            truth_id=_string(r, "truth_id"),
            other_truth_id=_optional_string(r, "other_truth_id"),
            zone_id=_optional_string(r, "zone_id"),
            in_ais_coverage=_optional_bool(r, "in_ais_coverage"),
            in_radar_coverage=_optional_bool(r, "in_radar_coverage"),
        )
        for vessel_id in (event.truth_id, event.other_truth_id):
            if vessel_id is not None and vessel_id not in known_truth_ids:
                raise _FieldError(f"vessel {vessel_id!r} does not appear in truth.jsonl")
        return event

    return list(_parse_jsonl(path, parse))


@dataclass(frozen=True, slots=True)
class RaisedAlert:
    """An alert line with ``state == "raised"``: the moment an incident was first reported."""

    time_s: float
    kind: str
    track_id: str
    zone_id: str | None
    lat: float
    lon: float


def load_raised_alerts(path: Path) -> list[RaisedAlert]:
    """Read alerts.jsonl keeping only ``raised`` lines; updates and clears are not new alerts."""

    def parse(r: dict[str, Any]) -> RaisedAlert | None:
        try:
            state = AlertState(r.get("state"))
        except ValueError:
            raise _FieldError(f"field 'state' is not an alert state: {r.get('state')!r}") from None
        if state is not AlertState.RAISED:
            return None
        return RaisedAlert(
            time_s=_number(r, "time"),
            kind=_string(r, "kind"),
            track_id=_string(r, "track_id"),
            zone_id=_optional_string(r, "zone_id"),
            lat=_number(r, "lat"),
            lon=_number(r, "lon"),
        )

    return [alert for alert in _parse_jsonl(path, parse) if alert is not None]
