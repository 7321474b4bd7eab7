"""Decode a real recording with seawatch and compare it, field by field, with another decoder's output.

Run ``python -m tests.conformance.compare`` for the agreement table (docs/ingest.md holds a copy).

Pairing: our messages and the oracle's are matched by (type, MMSI, type-24 part) in file order,
so a message one side drops or adds shows up as a ``message`` disagreement instead of shifting
every later pair. Fields compared are the ones seawatch produces; numbers within the resolution
of the AIS field (1e-5 degree, 0.05 kn / degree), the oracle's float32 rounding included.
"""

from __future__ import annotations

import collections
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fusion.schemas import AisReport, AisStatic, Reject
from ingest.ais import AisDecoder
from ingest.vessels import VesselRecord, merge
from tests.conformance.oracles import PRODUCED_TYPES, read_expected

REAL = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real"
#: A synthetic receipt clock for lines without time stamps: 10 lines/s from 2033, after every
#: recording (a live source clock is later than the stamps it receives).
RECEIPT_T0 = 2.0e9

#: (recording, expected output) pairs: every file in MANIFEST.md that ships a decode beside it.
ORACLES: tuple[tuple[str, str], ...] = (
    ("ntpsec-gpsd/test/sample.aivdm", "ntpsec-gpsd/test/sample.aivdm.chk"),
    ("ntpsec-gpsd/test/sample.aivdm", "ntpsec-gpsd/test/sample.aivdm.js.chk"),
    ("ntpsec-gpsd/test/sample.aivdm", "ntpsec-gpsd/test/sample.aivdm.ju.chk"),
    ("ntpsec-gpsd/test/daemon/ais-nmea.log", "ntpsec-gpsd/test/daemon/ais-nmea.log.chk"),
    (
        "ntpsec-gpsd/test/daemon/ais-nmea-type6-fid55.log",
        "ntpsec-gpsd/test/daemon/ais-nmea-type6-fid55.log.chk",
    ),
    ("ntpsec-gpsd/test/daemon/ais-18-27.log", "ntpsec-gpsd/test/daemon/ais-18-27.log.chk"),
    ("ntpsec-gpsd/test/daemon/ais-raw-messages.log", "ntpsec-gpsd/test/daemon/ais-raw-messages.log.chk"),
    ("ntpsec-gpsd/test/daemon/ais_unpack_sixbit.log", "ntpsec-gpsd/test/daemon/ais_unpack_sixbit.log.chk"),
    ("schwehr-libais/test/data/typeexamples.nmea", "schwehr-libais/test/data/typeexamples.json"),
    ("schwehr-libais/test/data/tagblock.nmea", "schwehr-libais/test/data/tagblock.json"),
)
#: Absolute tolerances: 2e-5 degree (2 m) covers libais' float32 at 180 degrees and pyais'
#: 6-decimal rounding; 0.05 kn / degree is half the 0.1 resolution of the AIS fields.
_TOLERANCE = {"lat": 2e-5, "lon": 2e-5, "sog_kn": 0.05, "cog_deg": 0.05, "time": 1e-3}
#: Type 27 positions are in 1/10 minute (0.0017 degree); gpsd prints them scaled to 4 decimals.
_TOLERANCE_27 = {**_TOLERANCE, "lat": 1e-4, "lon": 1e-4}
_ARMOR = {c: (c - 48 - 8 if c - 48 > 40 else c - 48) for c in range(48, 120)}


@dataclass
class Comparison:
    """Outcome of one recording against one oracle."""

    oracle: str
    fields_compared: int = 0
    fields_agreeing: int = 0
    messages_expected: int = 0
    messages_paired: int = 0
    #: (type, field) -> list of (mmsi, ours, theirs); field ``message`` for unpaired messages.
    disagreements: dict[tuple[int, str], list[tuple[int, Any, Any]]] = field(
        default_factory=lambda: collections.defaultdict(list)
    )

    @property
    def field_rate(self) -> float:
        return self.fields_agreeing / self.fields_compared if self.fields_compared else 1.0

    def counts(self) -> dict[tuple[int, str], int]:
        return {key: len(items) for key, items in self.disagreements.items()}


def _part_24(raw: str) -> str:
    """Type 24 part (A/B) from the first sentence's payload: bits 38-39 are the part number."""
    payload = raw.split("\n")[0].split("*")[0].split(",")[5]
    return "A" if (_ARMOR[ord(payload[6])] >> 2) & 3 == 0 else "B"


def decode_messages(path: Path) -> tuple[list[dict[str, Any]], AisDecoder]:
    """Every message we accept from a file, one dict per message (a type 19's report and static
    joined); type 24 carries the vessel identity merged so far, as gpsd reports it."""
    decoder = AisDecoder(str(path))
    vessels: dict[int, VesselRecord] = {}
    out: list[dict[str, Any]] = []
    last_report_raw: str | None = None
    with path.open(encoding="ascii", errors="replace", newline="") as lines:
        records = [
            item
            for line_no, line in enumerate(lines, 1)
            for item in decoder.feed(line.rstrip("\r\n"), line_no, RECEIPT_T0 + line_no * 0.1)
        ]
    records += decoder.flush()
    for record in records:
        if isinstance(record, Reject):
            continue
        mine = {name: getattr(record, name) for name in record.__dataclass_fields__}
        mine["type"] = record.msg_type
        if isinstance(record, AisStatic):
            vessels[record.mmsi] = merge(vessels.get(record.mmsi), record)
            if record.msg_type == 24:
                merged = vessels[record.mmsi]
                mine.update({k: getattr(merged, k) for k in ("name", "call_sign", "ship_type")})
                mine["part"] = _part_24(record.raw)
        if isinstance(record, AisStatic) and record.msg_type == 19 and record.raw == last_report_raw:
            out[-1].update(mine)  # the static half of the type 19 just reported
        else:
            out.append(mine)
        last_report_raw = record.raw if isinstance(record, AisReport) else None
    return out, decoder


def _agree(msg_type: int, name: str, ours: Any, theirs: Any) -> bool:
    tolerance = _TOLERANCE_27 if msg_type == 27 else _TOLERANCE
    if isinstance(ours, int | float) and isinstance(theirs, int | float) and name in tolerance:
        return math.isclose(ours, theirs, abs_tol=tolerance[name])
    return ours == theirs


def _key(message: dict[str, Any]) -> tuple[int, int, str]:
    return message["type"], message["mmsi"], message.get("part", "")


def compare(recording: str, oracle: str, real: Path = REAL) -> Comparison:
    """Our decode of ``recording`` against ``oracle``'s, field by field."""
    ours, _ = decode_messages(real / recording)
    expected = read_expected(real / oracle)
    result = Comparison(oracle=oracle, messages_expected=len(expected))
    queue: dict[tuple[int, int, str], collections.deque[dict[str, Any]]] = collections.defaultdict(
        collections.deque
    )
    for message in ours:
        queue[_key(message)].append(message)
    for theirs in expected:
        key = _key(theirs)
        if theirs["type"] == 24 and not queue[key] and key[2] == "B":
            key = (*key[:2], "A")  # gpsd prints a merged A+B; pair it with part A when B is missing
        if not queue[key]:
            result.disagreements[(theirs["type"], "message")].append((theirs["mmsi"], None, "decoded"))
            continue
        mine = queue[key].popleft()
        result.messages_paired += 1
        for name, value in theirs.items():
            if name in ("type", "part"):
                continue
            result.fields_compared += 1
            if _agree(theirs["type"], name, mine.get(name), value):
                result.fields_agreeing += 1
            else:
                result.disagreements[(theirs["type"], name)].append((theirs["mmsi"], mine.get(name), value))
    for left in queue.values():
        for mine in left:
            if mine["type"] in PRODUCED_TYPES:
                result.disagreements[(mine["type"], "message")].append((mine["mmsi"], "decoded", None))
    return result


def agreement_table(real: Path = REAL) -> str:
    """Markdown table of agreement per oracle file."""
    rows = [
        "| expected output | messages paired | fields agreeing | agreement |",
        "| --- | --- | --- | --- |",
    ]
    for recording, oracle in ORACLES:
        c = compare(recording, oracle, real)
        rows.append(
            f"| `{oracle}` | {c.messages_paired}/{c.messages_expected} | "
            f"{c.fields_agreeing}/{c.fields_compared} | {100 * c.field_rate:.2f} % |"
        )
    return "\n".join(rows)


if __name__ == "__main__":
    if not REAL.is_dir():
        sys.exit(f"{REAL} is absent: the conformance data lives in ../shared/data/real")
    print(agreement_table())
