"""AsterixDecoder: ASTERIX CAT048/CAT010 datagrams to RadarPlot, against the decoder's own expected output.

The real samples are Croatia Control's (../shared, MANIFEST.md §3): ``cat_034_048.pcap`` (100 UDP
packets, 86 CAT048 + 34 CAT034 blocks) and ``sample_output/cat_034_048.txt``, the text decode the
asterix tool ships for it. Needs the optional ``asterix`` extra: installed by ``make test`` (so CI
runs these), skipped with the install command elsewhere.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

import pytest

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason
from ingest.radar_asterix import INSTALL_HINT, AsterixDecoder, AsterixUnavailableError, _date_time_of_day
from ingest.radar_nmea import NM_M
from ingest.sources import PcapSource
from tracking.frames import geodesic_destination

REAL = Path(__file__).resolve().parents[3].parent / "shared/data/real/CroatiaControlLtd-asterix/install"
SITE = RadarSite(
    id="ZAGREB",
    lat=45.8,
    lon=16.0,
    height_m=100.0,
    range_sigma_m=70.0,
    bearing_sigma_deg=0.08,
    max_range_m=480_000.0,  # an en-route radar: 256 NM
    scan_period_s=4.0,
)


def _need_asterix() -> None:
    try:
        import asterix  # noqa: F401
    except ImportError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must install the asterix extra (make install does): {INSTALL_HINT}")
        pytest.skip(f"optional ASTERIX decoder not installed: {INSTALL_HINT}")


def _expected_records(text: str) -> list[dict[str, float]]:
    """Category, SAC/SIC, time of day, RHO (NM), THETA (deg) and track number of each record."""
    records = []
    for block in re.split(r"\nData Block \d+\n", text)[1:]:
        category = int(re.search(r"Category: (\d+)", block).group(1))
        for body in re.split(r"\nData Record \d+\n", block)[1:]:
            record: dict[str, float] = {"category": category}
            patterns = {
                "sac": r"System Area Code: (\d+)",
                "sic": r"System Identification Code: (\d+)",
                "tod": r"Time Of Day: \d+ \(([\d.]+) s\)",
                "rho_nm": r"RHO: \d+ \(([\d.]+) NM\)",
                "theta_deg": r"THETA: \d+ \(([\d.]+) deg\)",
                "track_number": r"Track Number: (\d+)",
            }
            for name, pattern in patterns.items():
                found = re.search(pattern, body)
                if found:
                    record[name] = float(found.group(1))
            records.append(record)
    return records


@pytest.fixture(scope="module")
def sample() -> tuple[AsterixDecoder, list[RadarPlot | Reject], list[dict[str, float]]]:
    _need_asterix()
    pcap = REAL / "sample_data/cat_034_048.pcap"
    expected = REAL / "sample_output/cat_034_048.txt"
    if not pcap.is_file():
        pytest.skip(f"../shared/data/real not present: {pcap}")
    decoder = AsterixDecoder(SITE, pcap.name)
    out: list[RadarPlot | Reject] = []
    for datagram in PcapSource(pcap).datagrams():
        out += decoder.feed(datagram.data, datagram.number, datagram.receipt_time)
    return decoder, out, _expected_records(expected.read_text())


def test_every_cat048_record_agrees_with_the_expected_decode_field_by_field(sample):
    decoder, out, expected = sample
    cat048 = [e for e in expected if e["category"] == 48]
    assert len(cat048) == 128 and sum(e["category"] == 34 for e in expected) == 34
    assert decoder.counts == {"plot:cat048": 126, "ignored:cat034": 34, "reject:no_position": 2}
    with_position = [e for e in cat048 if "rho_nm" in e]
    plots = [o for o in out if isinstance(o, RadarPlot)]
    assert len(plots) == len(with_position) == 126
    for plot, want in zip(plots, with_position, strict=True):
        assert plot.range_m == pytest.approx(want["rho_nm"] * NM_M, abs=NM_M * 1e-6)
        assert plot.bearing_deg == pytest.approx(want["theta_deg"], abs=1e-6)
        assert plot.time % 86_400 == pytest.approx(want["tod"], abs=1e-6)
        assert (plot.extra["sac"], plot.extra["sic"]) == (want["sac"], want["sic"])
        assert plot.extra.get("track_number") == want.get("track_number")
    # Time of day is dated by the capture time: 2016-05-05, within seconds of the packet.
    assert all(1462406400 <= p.time < 1462406400 + 86_400 for p in plots)


def test_records_without_polar_position_are_rejected_with_their_bytes(sample):
    _, out, expected = sample
    rejects = [o for o in out if isinstance(o, Reject)]
    assert len(rejects) == sum(e["category"] == 48 and "rho_nm" not in e for e in expected) == 2
    for reject in rejects:
        assert reject.reason == RejectReason.NO_POSITION and "I040" in reject.detail
        assert bytes.fromhex(reject.raw)  # the record's bytes, for an analyst to re-decode


def test_plots_are_placed_on_the_ellipsoid_along_the_geodesic_from_the_site(sample):
    _, out, _ = sample
    plot = next(o for o in out if isinstance(o, RadarPlot))
    lat, lon = geodesic_destination(SITE.lat, SITE.lon, plot.range_m, plot.bearing_deg)
    assert (plot.extra["lat"], plot.extra["lon"]) == (float(lat), float(lon))


def test_raw_cat048_file_and_a_cat010_target_report():
    _need_asterix()
    raw = REAL / "sample_data/cat048.raw"
    decoder = AsterixDecoder(SITE, "raw", sac_sic=(25, 201))
    if raw.is_file():
        (plot,) = decoder.feed(raw.read_bytes(), 1, 1462433756.0)
        assert plot.range_m == pytest.approx(197.68359375 * NM_M)
    # CAT010 (VTS): I010 SAC 0/SIC 7, I000 target report, I140 27354 s, I040 RHO 1500 m THETA 90 deg.
    body = bytes([0xD4, 0x00, 0x07, 0x01]) + (27354 * 128).to_bytes(3, "big")
    body += (1500).to_bytes(2, "big") + (1 << 14).to_bytes(2, "big")
    block = bytes([10]) + (3 + len(body)).to_bytes(2, "big") + body
    (reject,) = decoder.feed(block, 2, 1462433756.0)
    assert reject.reason == RejectReason.UNKNOWN_SENSOR  # SAC/SIC 0/7 is not this radar
    (plot,) = AsterixDecoder(SITE, "vts").feed(block, 2, 1462433756.0)
    assert (plot.range_m, plot.bearing_deg) == (1500.0, 90.0)
    assert plot.time == 1462406400 + 27354


def test_garbage_is_rejected_not_raised():
    _need_asterix()
    decoder = AsterixDecoder(SITE, "feed")
    (reject,) = decoder.feed(b"\x30\x00\x05\xff\xff", 9, 1.0e9)
    assert reject.reason == RejectReason.UNDECODABLE_PAYLOAD and reject.line_no == 9
    assert all(isinstance(r, Reject) for r in decoder.feed(b"garbage data here", 10, 1.0e9))


def test_time_of_day_is_dated_nearest_the_receive_time():
    midnight = 1462406400.0
    assert _date_time_of_day(10.0, midnight + 20) == midnight + 10
    assert _date_time_of_day(86_399.0, midnight + 1) == midnight - 1  # sent before midnight
    assert _date_time_of_day(1.0, midnight - 2) == midnight + 1  # clock of the receiver a bit slow
    assert math.isclose(_date_time_of_day(43_200.0, midnight + 43_000), midnight + 43_200)


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "asterix", None)  # makes `import asterix` raise ImportError
    with pytest.raises(AsterixUnavailableError, match=re.escape("pip install seawatch[asterix]")):
        AsterixDecoder(SITE, "feed")
