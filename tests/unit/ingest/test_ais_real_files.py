"""Real recordings from ../shared/data/real (see its MANIFEST.md) through AisDecoder.

Every line must end up somewhere: in a record's or reject's ``raw``, in an unused message, or
in a skip count. Nothing raises and nothing disappears silently.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from fusion.schemas import AisReport, AisStatic, Reject, RejectReason
from ingest.ais import AisDecoder

SHARED = Path(__file__).resolve().parents[3].parent / "shared"
REAL = SHARED / "data" / "real"
AIS1000 = "ais-dotnet-Ais.Net/ExampleData/ais.kystverket.no/Ais1000Lines.nm4"
FILES = [
    "M0r13n-pyais/tests/nmea_data_sample.txt",
    "knapply-maritime/inst/test-data/segfaults",
    AIS1000,
    "ntpsec-gpsd/test/daemon/ais-18-27.log",
]
_FRAGMENT_COUNT = re.compile(r"VD[MO],(\d)")
_MESSAGE_KEYS = ("accepted:", "unused:")
RECEIPT_T0 = 2.0e9


def _real_lines(relative: str) -> list[str]:
    path = REAL / relative
    if not path.is_file():
        pytest.skip(f"../shared/data/real not present: {path}")
    return path.read_text(encoding="ascii", errors="replace").splitlines()


def _lines_in(items: list[AisReport | AisStatic | Reject]) -> int:
    """Input lines carried by these outputs; a type 19's static record repeats its report's lines."""
    return sum(
        item.raw.count("\n") + 1
        for item in items
        if not (isinstance(item, AisStatic) and item.msg_type == 19)
    )


def _decode_accounting_for_every_line(lines: list[str]) -> AisDecoder:
    decoder = AisDecoder("real")
    accounted = 0
    for line_no, line in enumerate(lines, 1):
        before = Counter(decoder.counts)
        # Files without tag blocks get a synthetic receipt clock (10 lines/s, from 2033: after every
        # recording, as a live clock would be) so they have a time.
        out = decoder.feed(line, line_no, receipt_time=RECEIPT_T0 + line_no * 0.1)
        assert all(isinstance(item, AisReport | AisStatic | Reject) for item in out)
        new = decoder.counts - before
        skipped = sum(n for key, n in new.items() if key.startswith(("skipped:", "stamp:")))
        unused = sum(n for key, n in new.items() if key.startswith("unused:"))
        match = _FRAGMENT_COUNT.search(line)
        accounted += _lines_in(out) + skipped + unused * (int(match.group(1)) if match else 1)
    accounted += _lines_in(decoder.flush())
    assert accounted == len(lines), "some lines neither gave a record, a reject nor a count"
    return decoder


@pytest.mark.parametrize("relative", FILES)
def test_every_line_yields_a_record_or_a_counted_reject(relative: str) -> None:
    _decode_accounting_for_every_line(_real_lines(relative))


def test_ais1000lines_message_count_matches_the_manifest() -> None:
    """MANIFEST.md counts 877 messages; we accept all but 5 position reports at lat 91 / lon 181.
    A type 5 from MMSI 887211405 (8MIDxxxxx with MID 872: no MID starts with 8) is kept with
    ``mmsi_problem`` set and counted as ``flag:invalid_mmsi``.

    The 123 two-part type 5 messages (246 lines) carry tag blocks ``\\g:1-2-id,c:...*hh\\`` whose
    checksum was computed without the ``g:`` field (it equals that of ``c:...`` alone; NMEA 4.10
    covers every character between the ``\\`` and the ``*``). They are accepted, because the
    sentence checksum still covers the payload, and counted as a recorder fault.
    """
    decoder = _decode_accounting_for_every_line(_real_lines(AIS1000))
    messages = sum(n for key, n in decoder.counts.items() if key.startswith(_MESSAGE_KEYS))
    assert decoder.counts[f"reject:{RejectReason.BAD_CHECKSUM}"] == 0
    assert decoder.counts["flag:tag_checksum_without_group"] == 246
    assert decoder.counts[f"reject:{RejectReason.NO_POSITION}"] == 5
    assert decoder.counts["flag:invalid_mmsi"] == 1  # kept, with its problem stated
    assert messages == 877 - 5


def test_nmea_data_sample_rejects_empty_payloads() -> None:
    """MANIFEST.md: 100 sentences with an empty payload and 778 decodable messages."""
    decoder = _decode_accounting_for_every_line(_real_lines("M0r13n-pyais/tests/nmea_data_sample.txt"))
    messages = sum(n for key, n in decoder.counts.items() if key.startswith(_MESSAGE_KEYS))
    assert decoder.counts[f"reject:{RejectReason.UNDECODABLE_PAYLOAD}"] == 100
    assert messages + decoder.counts[f"reject:{RejectReason.NO_POSITION}"] == 778


def test_ais_18_27_rejects_type24_part_numbers_pyais_cannot_read() -> None:
    """MANIFEST.md: 69 each of types 18, 24 part A, 24 part 3 (invalid; pyais raises) and 27."""
    decoder = _decode_accounting_for_every_line(_real_lines("ntpsec-gpsd/test/daemon/ais-18-27.log"))
    assert decoder.counts["accepted:type18"] == 69
    assert decoder.counts["accepted:type24"] == 69
    assert decoder.counts["accepted:type27"] == 69
    assert decoder.counts[f"reject:{RejectReason.UNDECODABLE_PAYLOAD}"] == 69


def _gpsd_expected(relative: str) -> list[tuple[str, dict[str, float]]]:
    """(sentence, gpsd's unscaled JSON decode) pairs from a gpsd ``.chk`` file."""
    pairs, last_sentence = [], ""
    for line in _real_lines(relative):
        if line.startswith("!"):
            last_sentence = line
        elif line.startswith("{") and last_sentence:
            pairs.append((last_sentence, json.loads(line)))
    return pairs


def test_class_b_and_long_range_positions_agree_with_gpsd() -> None:
    """Second-decoder oracle: gpsd's own output for ais-18-27.log, unscaled units converted here."""
    pairs = [
        (s, g)
        for s, g in _gpsd_expected("ntpsec-gpsd/test/daemon/ais-18-27.log.chk")
        if g["type"] in (18, 27)
    ]
    assert len(pairs) == 138
    decoder = AisDecoder("gpsd")
    for sentence, gpsd in pairs:
        (report,) = decoder.feed(sentence, 1, receipt_time=0.0)
        assert isinstance(report, AisReport)
        # Type 18: positions in 1/10000 min, speed and course in tenths; type 27: 1/10 min, whole units.
        # gpsd's unscaled output keeps the raw not-available / invalid codes; we give None for them.
        scale, tenths, sog_na = (600_000, 10.0, 1023) if gpsd["type"] == 18 else (600, 1.0, 63)
        assert report.mmsi == gpsd["mmsi"]
        assert report.lat == pytest.approx(gpsd["lat"] / scale, abs=1e-6)
        assert report.lon == pytest.approx(gpsd["lon"] / scale, abs=1e-6)
        assert report.sog_kn == (None if gpsd["speed"] == sog_na else pytest.approx(gpsd["speed"] / tenths))
        assert report.cog_deg == (
            None if gpsd["course"] >= 360 * tenths else pytest.approx(gpsd["course"] / tenths)
        )
        heading = gpsd.get("heading")
        assert report.heading_deg == (None if heading is None or heading >= 360 else heading)
        assert report.nav_status == gpsd.get("status")
