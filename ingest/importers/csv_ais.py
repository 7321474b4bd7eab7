"""AIS archive CSV exports (MarineCadastre/NOAA, the Solent layout, any CSV with ``--columns``).

Each row is one position report; it is encoded back into the AIS sentence the vessel sent
(type 1, or 18 for a class B transceiver) with pyais' encoder (its field layout and sentence
framing; the six-bit armouring is :func:`armour`), because the scenario folder
carries AIS as NMEA (docs/formats.md) and so the replay reads it through the same decoder as a
live feed. Positions keep 1/10000 minute (~0.2 m), speeds 0.1 kn, courses 0.1 degree: AIS's own
resolution. Static columns (name, call sign, IMO, type, size) become a type 5 (class A) or a type
24 pair (class B) when a vessel first appears and whenever they change.

Quirks of real exports are handled where they are file-wide (a byte-order mark, column order,
day-first dates, a header in another case) and counted per row otherwise, never changed:

- missing or invalid MMSI, unreadable time, missing or impossible position: rejected (kept in
  ``rejects.jsonl`` with the row);
- a row identical to an earlier one (same MMSI, time and position): counted ``duplicate_row``,
  written once;
- time going backwards (against the file's previous row, or the vessel's previous report):
  counted, kept; the writer puts it in time order;
- unreadable speed, course or heading: counted, sent as "not available" as AIS does.
"""

from __future__ import annotations

import csv
import gzip
import io
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyais.encode import ais_to_nmea_0183, data_to_payload

from fusion.schemas import Reject, RejectReason
from ingest.importers.csv_times import CsvTimeError, is_slashed, parse_time, slashed_order
from ingest.importers.model import AisMessage, ImportOptions, SourceResult

#: Known layouts: our field -> the archive's column header (matched without regard to case).
LAYOUTS: dict[str, dict[str, str]] = {
    "noaa": {
        "mmsi": "MMSI",
        "time": "BaseDateTime",
        "lat": "LAT",
        "lon": "LON",
        "sog": "SOG",
        "cog": "COG",
        "heading": "Heading",
        "name": "VesselName",
        "imo": "IMO",
        "callsign": "CallSign",
        "ship_type": "VesselType",
        "status": "Status",
        "length": "Length",
        "width": "Width",
        "draught": "Draft",
        "class": "TransceiverClass",
    },
    "solent": {
        "time": "Time",
        "mmsi": "MMSI",
        "lat": "Latitude_degrees",
        "lon": "Longitude_degrees",
        "cog": "COG_degrees",
        "sog": "SOG_knots",
    },
}
REQUIRED = ("time", "mmsi", "lat", "lon")
OPTIONAL = ("sog", "cog", "heading", "name", "imo", "callsign", "ship_type", "status")
OPTIONAL += ("length", "width", "draught", "class")
_STATIC_FIELDS = ("name", "callsign", "imo", "ship_type", "length", "width", "draught")
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"
#: Sentence values AIS sends for "not available".
_SOG_NA, _COG_NA, _HEADING_NA, _STATUS_NA = 102.3, 360.0, 511, 15


class CsvLayoutError(ValueError):
    """A CSV whose columns cannot be mapped; the message lists the columns and the fix."""


def open_text(path: Path) -> tuple[io.TextIOBase, bool]:
    """The file as text (gzip or plain), and whether it began with a UTF-8 byte-order mark."""
    with path.open("rb") as probe:
        head = probe.read(3)
    raw: Any = gzip.open(path, "rb") if head[:2] == _GZIP_MAGIC else path.open("rb")  # noqa: SIM115 (closed with the text wrapper)
    if head[:2] == _GZIP_MAGIC:
        head = raw.peek(3)[:3]
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
    return text, head == _BOM


def header_layout(header: list[str]) -> str | None:
    """The known layout whose columns all appear in this header, or None."""
    names = {h.strip().lower() for h in header}
    for layout, columns in LAYOUTS.items():
        if all(columns[f].lower() in names for f in REQUIRED):
            return layout
    return None


def parse_columns(spec: str) -> dict[str, str]:
    """``time=ts,mmsi=id,lat=y,lon=x`` -> mapping; raises ValueError naming the bad part."""
    mapping: dict[str, str] = {}
    for part in spec.split(","):
        key, sep, value = part.partition("=")
        key, value = key.strip().lower(), value.strip()
        if not sep or not value or key not in (*REQUIRED, *OPTIONAL):
            known = ", ".join((*REQUIRED, *OPTIONAL))
            raise ValueError(f"--columns part {part!r}: give FIELD=COLUMN with FIELD one of {known}")
        mapping[key] = value
    missing = [f for f in REQUIRED if f not in mapping]
    if missing:
        raise ValueError(f"--columns must map {', '.join(missing)} too (needed: {', '.join(REQUIRED)})")
    return mapping


class CsvAisReader:
    """Read one CSV archive into a :class:`SourceResult` (see the module docstring)."""

    def __init__(
        self, path: Path, index: int, options: ImportOptions, result: SourceResult, layout: str | None
    ) -> None:
        self.path = path
        self.index = index
        self.options = options
        self.result = result
        self.counts = result.counts
        self.layout = layout
        self.station = path.stem
        self._seen: set[tuple[str, ...]] = set()
        self._last_time: float | None = None
        self._vessel_time: dict[int, float] = {}
        self._static: dict[int, tuple[Any, ...]] = {}
        self._day_first = True
        self._header_lines = 0

    def read(self) -> Iterator[int]:
        """Read the file; yields after each row (progress)."""
        text, bom = open_text(self.path)
        with text:
            reader = csv.reader(text)
            columns = self._columns(reader)
            if bom:
                self.result.notes.append(f"{self.path.name}: UTF-8 byte-order mark at the start (ignored)")
                self.counts["quirk:byte_order_mark"] += 1
            yield from self._rows(reader, columns)

    def _columns(self, reader: Any) -> dict[str, int]:
        mapping = self.options.columns
        if mapping and all(v.isdigit() for v in mapping.values()):
            self.result.format = "csv-columns"
            return {field: int(col) for field, col in mapping.items()}
        self._header_lines = 1
        header = next(reader, None)
        if header is None:
            raise CsvLayoutError(f"{self.path}: empty file, no CSV header")
        self.counts["lines"] += 1
        lower = {h.strip().lower(): i for i, h in enumerate(header)}
        if mapping is None:
            layout = self.layout or header_layout(header)
            if layout is None:
                raise CsvLayoutError(
                    f"{self.path}: columns {header} are not a known layout (MarineCadastre/NOAA, Solent); "
                    "map them with --columns time=COL,mmsi=COL,lat=COL,lon=COL[,sog=COL,cog=COL,...]"
                )
            mapping = LAYOUTS[layout]
            self.result.format = f"csv-{layout}"
        else:
            self.result.format = "csv-columns"
        out: dict[str, int] = {}
        for field, column in mapping.items():
            index = lower.get(column.strip().lower())
            if index is None:
                if field in REQUIRED:
                    raise CsvLayoutError(
                        f"{self.path}: no column {column!r} for {field}; the header is {header}"
                    )
                continue
            out[field] = index
        if out["lon"] < out["lat"]:
            self.counts["quirk:longitude_before_latitude"] += 1
        return out

    def _rows(self, reader: Any, columns: dict[str, int]) -> Iterator[int]:
        rows: Iterator[list[str]] = reader
        first_rows: list[list[str]] = []
        if self.options.day_first is None:
            first_rows = [row for _, row in zip(range(100_000), reader, strict=False)]
            time_col = columns["time"]
            values = [row[time_col] for row in first_rows if len(row) > time_col]
            order = slashed_order(values)
            if any(is_slashed(v) for v in values):
                self._day_first = True if order is None else order
                word = "day-first" if self._day_first else "month-first"
                settled = "from the data" if order is not None else "by default (no row settles it)"
                self.result.notes.append(f"{self.path.name}: dates read {word} {settled}")
                self.counts[f"quirk:dates_{word.replace('-', '_')}"] += 1
        else:
            self._day_first = self.options.day_first
        line_no = self._header_lines
        for row in _chain(first_rows, rows):
            line_no += 1
            self._row(line_no, row, columns)
            yield 1

    # -- one row -----------------------------------------------------------------------------

    def _row(self, line_no: int, row: list[str], columns: dict[str, int]) -> None:
        self.counts["lines"] += 1
        self.result.rows += 1
        if not any(cell.strip() for cell in row):
            self.counts["skipped:blank"] += 1
            return
        raw = ",".join(row)
        values = {f: row[i].strip() if i < len(row) else "" for f, i in columns.items()}
        if max(columns.values()) >= len(row):
            self.counts["quirk:short_row"] += 1

        def reject(reason: RejectReason, why: str, detail: str, time_s: float | None = None) -> None:
            reject_record = Reject(
                time=time_s, source=str(self.path), line_no=line_no, reason=reason, detail=detail, raw=raw
            )
            self.result.reject(reject_record, why)

        try:
            time_s = parse_time(values["time"], self._day_first)
        except CsvTimeError as err:
            return reject(RejectReason.NO_TIME, "bad_time", str(err))
        mmsi_text = values["mmsi"]
        if not mmsi_text:
            return reject(RejectReason.INVALID_MMSI, "missing_mmsi", "no MMSI", time_s)
        mmsi = _int(mmsi_text)
        if mmsi is None or not 0 < mmsi <= 999_999_999:
            return reject(
                RejectReason.INVALID_MMSI, "invalid_mmsi", f"MMSI {mmsi_text!r} is not 1-9 digits", time_s
            )
        lat, lon = _float(values["lat"]), _float(values["lon"])
        if lat is None or lon is None:
            return reject(RejectReason.NO_POSITION, "no_position", "latitude or longitude missing", time_s)
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            detail = f"position {lat}, {lon} is not on Earth (latitude and longitude swapped?)"
            return reject(RejectReason.OUT_OF_RANGE, "position_out_of_range", detail, time_s)
        identity = (mmsi_text, values["time"], values["lat"], values["lon"])
        if identity in self._seen:
            self.counts["duplicate_row"] += 1
            return
        self._seen.add(identity)
        if self._last_time is not None and time_s < self._last_time:
            self.counts["time_backwards"] += 1
        self._last_time = time_s if self._last_time is None else max(self._last_time, time_s)
        previous = self._vessel_time.get(mmsi)
        if previous is not None and time_s < previous:
            self.counts["time_backwards_for_vessel"] += 1
        self._vessel_time[mmsi] = max(previous or time_s, time_s)
        class_b = values.get("class", "").upper() == "B"
        self._static_messages(mmsi, values, class_b, time_s)
        fields = {
            "mmsi": mmsi,
            "lat": lat,
            "lon": lon,
            "speed": self._bounded(values, "sog", 0.0, 102.2, _SOG_NA),
            "course": self._bounded(values, "cog", 0.0, 359.9, _COG_NA),
            "heading": int(self._bounded(values, "heading", 0.0, 359.0, _HEADING_NA)),
            "second": int(time_s % 60.0),
        }
        if class_b:
            fields["type"] = 18
        else:
            fields["type"] = 1
            fields["status"] = int(self._bounded(values, "status", 0.0, 15.0, _STATUS_NA))
        self._emit(fields, time_s)

    def _bounded(self, values: dict[str, str], name: str, low: float, high: float, na: float) -> float:
        """A numeric column as AIS sends it: "not available" when absent or outside [low, high]."""
        if name not in values:
            return na
        value = _float(values[name])
        if value is None:
            if values[name]:
                self.counts[f"unreadable_{name}"] += 1
            return na
        if value == na:
            return na
        if not low <= value <= high:
            self.counts[f"{name}_out_of_range"] += 1
            return na
        return value

    def _static_messages(self, mmsi: int, values: dict[str, str], class_b: bool, time_s: float) -> None:
        static = tuple(values.get(f, "") for f in _STATIC_FIELDS)
        if not any(static) or self._static.get(mmsi) == static:
            return
        self._static[mmsi] = static
        name = values.get("name", "")[:20].upper()
        callsign = values.get("callsign", "")[:7].upper()
        ship_type = _int(values.get("ship_type", "")) or 0
        if not 0 <= ship_type <= 99:  # older MarineCadastre files use their own 1000+ codes
            self.counts["ship_type_not_ais_code"] += 1
            ship_type = 0
        bow, stern = _halves(_float(values.get("length", "")), 511)
        port, starboard = _halves(_float(values.get("width", "")), 63)
        dims = {"to_bow": bow, "to_stern": stern, "to_port": port, "to_starboard": starboard}
        if class_b:
            self._emit({"type": 24, "partno": 0, "mmsi": mmsi, "shipname": name}, time_s)
            part_b = {"type": 24, "partno": 1, "mmsi": mmsi, "ship_type": ship_type, "callsign": callsign}
            self._emit(part_b | dims, time_s)
            return
        imo_text = values.get("imo", "").upper().removeprefix("IMO")
        draught = _float(values.get("draught", "")) or 0.0
        fields = {"type": 5, "mmsi": mmsi, "shipname": name, "callsign": callsign, "ship_type": ship_type}
        fields |= {"imo": _int(imo_text) or 0, "draught": min(draught, 25.5), "ais_version": 0} | dims
        self._emit(fields, time_s)

    def _emit(self, fields: dict[str, Any], time_s: float) -> None:
        payload, fill_bits = armour(*data_to_payload(fields["type"], fields).to_bytes())
        sentences = ais_to_nmea_0183(payload, "AI", "VDM", "A", fill_bits)
        key = payload.encode() + b"/" + str(fill_bits).encode()
        self.result.ais.append(AisMessage(time_s, self.station, tuple(sentences), key, self.index))
        self.counts["messages"] += 1
        self.counts[f"encoded:type{fields['type']}"] += 1
        self.result.time_conventions["csv_time_column"] += 1


#: Six-bit value -> payload character (ITU-R M.1371 armouring: 0-39 -> '0'-'W', 40-63 -> '`'-'w').
_ARMOUR = "".join(chr(v + 48 if v < 40 else v + 56) for v in range(64))


def armour(data: bytes, total_bits: int) -> tuple[str, int]:
    """The six-bit payload text and fill bits of a message's bits (pyais ``Payload.to_bytes()``).

    pyais' own ``encode_dict`` armours bit by bit in Python, which was 60 % of a CSV row's import
    time; taking the bits as one integer and cutting it into 6-bit groups gives the same text
    (tests compare it with ``encode_dict``) at a fraction of the cost. pyais still lays out every
    field and frames the sentences.
    """
    fill_bits = -total_bits % 6
    value = (int.from_bytes(data, "big") >> (len(data) * 8 - total_bits)) << fill_bits
    count = (total_bits + fill_bits) // 6
    return "".join(_ARMOUR[(value >> (6 * (count - 1 - i))) & 63] for i in range(count)), fill_bits


def _chain(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest


def _float(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _int(text: str) -> int | None:
    value = _float(text)
    return int(value) if value is not None and value == int(value) else None


def _halves(size_m: float | None, cap: int) -> tuple[int, int]:
    """A length or beam split evenly about the reference point: archives give the size, not where
    the GPS antenna is, so the reference is assumed amidships (0 = not available when unknown)."""
    if not size_m or size_m <= 0:
        return 0, 0
    whole = min(round(size_m), 2 * cap)
    return whole // 2, whole - whole // 2
