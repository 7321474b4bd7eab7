"""Conformance on real recordings (../shared/data/real, MANIFEST.md).

Two checks:

* every AIS file of the manifest decodes without an exception, every line is accounted for (a
  record, a counted reject, a skip or a time stamp), and the number of messages matches the
  manifest's pyais count once the differences listed in ``MESSAGES`` are taken off;
* every file shipped with another decoder's output (gpsd, libais) agrees field by field, except
  for the differences listed in ``KNOWN_DIFFERENCES``, each with its reason. A fix or a new
  discrepancy both fail the test, so the list stays true.

``python -m tests.conformance.compare`` prints the agreement table kept in docs/ingest.md.
"""

from __future__ import annotations

import pytest

from ingest.ais import AisDecoder
from tests.conformance.compare import ORACLES, REAL, compare
from tests.unit.ingest.test_ais_real_files import _decode_accounting_for_every_line

pytestmark = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real recordings absent: {REAL} (the shared/ folder beside the repository)"
)

GPSD_PAIRS_24 = "gpsd prints type 24 once per part A + part B pair (merged); seawatch emits each part"
KNOWN_DIFFERENCES: dict[str, dict[tuple[int, str], tuple[int, str]]] = {
    "ntpsec-gpsd/test/sample.aivdm.chk": {(24, "message"): (5, GPSD_PAIRS_24)},
    "ntpsec-gpsd/test/sample.aivdm.js.chk": {(24, "message"): (5, GPSD_PAIRS_24)},
    "ntpsec-gpsd/test/sample.aivdm.ju.chk": {(24, "message"): (5, GPSD_PAIRS_24)},
    "ntpsec-gpsd/test/daemon/ais-nmea.log.chk": {
        (3, "message"): (3, "MMSI 244060797 reports lat 91 / lon 181 (not available): rejected no_position"),
        (24, "message"): (5, GPSD_PAIRS_24),
    },
    "ntpsec-gpsd/test/daemon/ais-nmea-type6-fid55.log.chk": {
        (1, "message"): (8, "position not available / out of range: rejected no_position"),
        (3, "message"): (2, "position not available / out of range: rejected no_position"),
        (18, "message"): (1, "MMSI 412472278 reports lat 91 (not available): rejected no_position"),
        (24, "message"): (61, GPSD_PAIRS_24 + " (one pair from MMSI 100899017, invalid: kept)"),
    },
    "ntpsec-gpsd/test/daemon/ais-18-27.log.chk": {
        (24, "message"): (69, "gpsd prints no part A whose part B is the invalid part 3 (rejected here too)"),
    },
    "ntpsec-gpsd/test/daemon/ais-raw-messages.log.chk": {(24, "message"): (1, GPSD_PAIRS_24)},
    "ntpsec-gpsd/test/daemon/ais_unpack_sixbit.log.chk": {(24, "message"): (1, GPSD_PAIRS_24)},
    "schwehr-libais/test/data/typeexamples.json": {
        (27, "message"): (1, "type 27 at lon 200.2 (out of range): rejected no_position"),
        (2, "message"): (1, "type 2 at lat -101.5 (out of range): rejected no_position"),
    },
    "schwehr-libais/test/data/tagblock.json": {},
}


@pytest.mark.parametrize(("recording", "oracle"), ORACLES, ids=[o.split("/")[-1] for _, o in ORACLES])
def test_agrees_with_the_other_decoder_except_known_differences(recording: str, oracle: str) -> None:
    result = compare(recording, oracle)
    known = {key: count for key, (count, _) in KNOWN_DIFFERENCES[oracle].items()}
    detail = {key: items[:3] for key, items in result.disagreements.items()}
    assert result.counts() == known, detail
    print(f"{oracle}: {result.fields_agreeing}/{result.fields_compared} fields agree")


#: file -> (manifest's pyais message count, our decoded messages, why they differ).
#: "Decoded" = accepted + unused types + those decoded then rejected (no position, invalid MMSI).
MESSAGES: dict[str, tuple[int | None, int, str]] = {
    "ntpsec-gpsd/test/sample.aivdm": (
        102,
        101,
        "a type 21 with literal '\\x0d\\x0a' text after its checksums",
    ),
    "ntpsec-gpsd/test/daemon/ais-nmea.log": (171, 171, ""),
    "ntpsec-gpsd/test/daemon/ais-nmea-type6-fid55.log": (1326, 1326, ""),
    "ntpsec-gpsd/test/daemon/ais-18-27.log": (207, 207, "276 VDM; 69 type 24 part 3 undecodable"),
    "ntpsec-gpsd/test/daemon/ais-raw-messages.log": (109, 109, ""),
    "ntpsec-gpsd/test/daemon/ais_unpack_sixbit.log": (13, 13, ""),
    "M0r13n-pyais/tests/nmea_data_sample.txt": (778, 778, ""),
    "M0r13n-pyais/tests/mixed.txt": (12, 10, "two tag blocks with a one-digit checksum '*A'"),
    "M0r13n-pyais/tests/timestamped.ais": (4, 4, ""),
    "M0r13n-pyais/tests/ais_test_messages": (7, 7, ""),
    "M0r13n-pyais/tests/messages.ais": (6, 6, ""),
    "M0r13n-pyais/examples/sample.ais": (None, 9, "3 tag blocks with a one-digit '*A' checksum; count 0"),
    "M0r13n-pyais/examples/gatehouse.nmea": (4, 4, ""),
    "schwehr-libais/test/data/test.aivdm": (261, 254, "7 type 27 payloads shorter than the 96-bit message"),
    "schwehr-libais/test/data/typeexamples.nmea": (26, 26, ""),
    "schwehr-libais/test/data/tagblock.nmea": (4, 4, ""),
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/stream_example.txt": (4051, 4051, ""),
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/replay_dump.txt": (50, 50, ""),
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/decode_encode_messages.txt": (601, 601, ""),
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/small_cb_example.txt": (
        None,
        11,
        "no count given",
    ),
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/retry_example.txt": (
        None,
        6,
        "3 pairs, 2 orphans",
    ),
    "dma-ais-AisLib/ais-lib-json/src/test/resources/ais250.txt": (235, 235, ""),
    "knapply-maritime/inst/test-data/segfaults": (2, 2, "decoded without a crash"),
    "knapply-maritime/inst/example-data/20181101.log": (
        370,
        362,
        "7 short type 27 payloads, 1 bad checksum",
    ),
    "SignalK-signalk-server/samples/nais400-merrimac.log": (668, 668, ""),
    "SignalK-signalk-server/samples/nais300-merrimac.log": (536, 536, ""),
    "SignalK-signalk-server/samples/gofree-merrimac.log": (1459, 1459, "Navico extra field read"),
    "ais-dotnet-Ais.Net/ExampleData/ais.kystverket.no/Ais1000Lines.nm4": (877, 877, ""),
    "cvagner-docker-gpsd-timestamp/data/norwegian.raw": (196, 196, ""),
    "AISViz-AISdb/aisdb/tests/testdata/test_data_20211101.nm4": (979, 979, ""),
    "muebau-MAIANA-WiFi/data/ais.txt": (2357, 2357, ""),
}
_DECODED = ("accepted:", "unused:", "reject:no_position", "reject:invalid_mmsi")


@pytest.mark.parametrize("relative", sorted(MESSAGES), ids=lambda r: r.split("/")[-1])
def test_every_line_is_accounted_for_and_messages_match_the_manifest(relative: str) -> None:
    lines = (REAL / relative).read_text(encoding="ascii", errors="replace").splitlines()
    decoder: AisDecoder = _decode_accounting_for_every_line(lines)
    decoded = sum(n for key, n in decoder.counts.items() if key.startswith(_DECODED))
    manifest, ours, _why = MESSAGES[relative]
    assert decoded == ours, dict(decoder.counts)
    assert manifest is None or ours <= manifest
