"""Expected decodes shipped beside the real recordings, read into seawatch's field names and units.

Oracles: gpsd's ``gpsdecode`` pipe dump (``.chk``), its JSON scaled (``.js.chk``) and unscaled
(``.ju.chk``), gpsd daemon logs' JSON (``.log.chk``), and libais' JSON (``.json``). Each message
becomes a dict with ``type``, ``mmsi`` and the fields seawatch produces, in seawatch units
(degrees, knots), with each oracle's "not available" codes turned into None as seawatch does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

POSITION_TYPES = frozenset({1, 2, 3, 18, 19, 27})
STATUS_TYPES = frozenset({1, 2, 3, 27})
PRODUCED_TYPES = frozenset({1, 2, 3, 5, 18, 19, 24, 27})
_DIMS = ("to_bow", "to_stern", "to_port", "to_starboard")


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).partition("@")[0].strip() or None


def _positive(value: Any) -> int | None:
    return int(value) if value not in (None, "", "0", 0) else None


def normalise(raw: dict[str, Any], scaled: bool) -> dict[str, Any]:
    """One oracle message in seawatch's fields; absent oracle fields stay absent (not compared)."""
    msg_type, out = raw["type"], {"type": raw["type"], "mmsi": int(raw["mmsi"])}
    if msg_type in POSITION_TYPES and "lat" in raw:
        long_range = msg_type == 27
        scale = 1.0 if scaled else (600.0 if long_range else 600_000.0)
        out["lat"], out["lon"] = float(raw["lat"]) / scale, float(raw["lon"]) / scale
        speed, course = float(raw["speed"]), float(raw["course"])
        if not scaled and not long_range:
            speed, course = speed / 10.0, course / 10.0
        out["sog_kn"] = None if speed >= (63.0 if long_range else 102.3) else speed
        out["cog_deg"] = None if course >= 360.0 else course
        if not long_range:
            heading = int(raw["heading"])
            out["heading_deg"] = None if heading >= 360 else heading
        if msg_type in STATUS_TYPES:
            out["nav_status"] = None if int(raw["status"]) == 15 else int(raw["status"])
    names = {"shipname": "name", "callsign": "call_sign", "destination": "destination"}
    for theirs, ours in names.items():
        if theirs in raw:
            out[ours] = _text(raw[theirs])
    numbers = {"imo": "imo", "shiptype": "ship_type", "mothership_mmsi": "mothership_mmsi"}
    numbers.update({d: f"{d}_m" for d in _DIMS})
    for theirs, ours in numbers.items():
        if theirs in raw:
            out[ours] = _positive(raw[theirs])
    if "tagblock_timestamp" in raw:  # libais: "2014-12-10T00:00:01.000000Z"
        from datetime import datetime

        out["time"] = datetime.fromisoformat(raw["tagblock_timestamp"].replace("Z", "+00:00")).timestamp()
    if "tagblock_station" in raw:
        out["receiver_id"] = raw["tagblock_station"]
    if msg_type == 24:
        out["part"] = "A" if raw.get("part_num", 0 if "callsign" not in raw else 1) == 0 else "B"
    return out


def read_json_lines(path: Path) -> list[dict[str, Any]]:
    """gpsd JSON (``.js.chk``, ``.ju.chk``, daemon ``.log.chk``) or libais JSON, AIS messages only.

    A gpsd daemon ``.log.chk`` is a transcript: input lines, each followed by the reports they
    caused. The daemon repeats its last AIS report after later non-AIS input (an ``RMC`` cycle),
    so only the AIS report right after an AIS sentence is that sentence's decode.
    """
    out = []
    last_input = "!"  # files that are pure JSON have no input lines: every report counts
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if not line.startswith("{"):
            last_input = line
            continue
        raw = json.loads(line)
        if raw.get("class", "AIS") != "AIS" or not last_input.startswith("!"):
            continue
        if path.name.endswith(".log.chk"):
            last_input = ""  # one report per sentence
        if raw.get("type") in PRODUCED_TYPES:
            out.append(normalise(raw, bool(raw.get("scaled", True))))
    return out


# gpsdecode's pipe dump: the column of each field we compare, per type (gpsd's driver_ais.c order).
_PIPE_COLUMNS: dict[int, dict[str, int]] = {
    1: {"status": 3, "speed": 5, "lon": 7, "lat": 8, "course": 9, "heading": 10},
    18: {"speed": 4, "lon": 6, "lat": 7, "course": 8, "heading": 9},
    19: {
        "speed": 4,
        "lon": 6,
        "lat": 7,
        "course": 8,
        "heading": 9,
        "shipname": 12,
        "shiptype": 13,
        "to_bow": 14,
        "to_stern": 15,
        "to_port": 16,
        "to_starboard": 17,
    },
    27: {"status": 3, "lon": 5, "lat": 6, "speed": 7, "course": 8},
    5: {
        "imo": 3,
        "callsign": 5,
        "shipname": 6,
        "shiptype": 7,
        "to_bow": 8,
        "to_stern": 9,
        "to_port": 10,
        "to_starboard": 11,
        "destination": 15,
    },
    24: {
        "shipname": 3,
        "shiptype": 4,
        "callsign": 8,
        "to_bow": 9,
        "to_stern": 10,
        "to_port": 11,
        "to_starboard": 12,
    },
}
_PIPE_COLUMNS[2] = _PIPE_COLUMNS[3] = _PIPE_COLUMNS[1]


def read_gpsd_pipe(path: Path) -> list[dict[str, Any]]:
    """gpsdecode's unscaled pipe dump (``sample.aivdm.chk``)."""
    out = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        cells = line.split("|")
        if not cells[0].isdigit() or int(cells[0]) not in PRODUCED_TYPES:
            continue
        msg_type = int(cells[0])
        raw: dict[str, Any] = {"type": msg_type, "mmsi": cells[2]}
        raw.update({name: cells[col] for name, col in _PIPE_COLUMNS[msg_type].items() if col < len(cells)})
        out.append(normalise(raw, scaled=False))
    return out


def read_expected(path: Path) -> list[dict[str, Any]]:
    return read_gpsd_pipe(path) if path.name.endswith(".aivdm.chk") else read_json_lines(path)
