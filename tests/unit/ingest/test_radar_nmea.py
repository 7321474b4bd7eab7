"""RadarNmeaDecoder: ARPA TTM/TLL and own-ship sentences in, RadarPlot or Reject out."""

from __future__ import annotations

import datetime as dt

import pytest

from fusion.schemas import RadarPlot, RadarSite, Reject, RejectReason
from ingest.nmea import nmea_checksum
from ingest.radar_nmea import RadarNmeaDecoder
from tracking.frames import geodesic_destination, range_bearing

SITE = RadarSite(
    id="LYSEKIL",
    lat=58.2123416667,
    lon=11.5475133333,
    height_m=5.0,
    range_sigma_m=10.0,
    bearing_sigma_deg=0.5,
    max_range_m=12000.0,
    scan_period_s=2.5,
)
DAY_START = dt.datetime(2015, 7, 27, tzinfo=dt.UTC).timestamp()
RMC = "GPRMC,134601,A,5812.7405,N,01132.8508,E,0.0,67.0,270715,2.9,E,A"
TTM = "RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,1 (Broadband 4G - 2782 B),T,,134601,M"


def s(body: str, prefix: str = "$") -> str:
    """A sentence with its correct checksum."""
    return f"{prefix}{body}*{nmea_checksum(body.encode()):02X}"


def feed(decoder: RadarNmeaDecoder, *bodies: str, receipt_time: float | None = None) -> list:
    out = []
    for i, body in enumerate(bodies, start=1):
        out += decoder.feed(s(body), i, receipt_time)
    return out


def test_ttm_true_bearing_becomes_a_plot_relative_to_the_site_at_the_sentence_time():
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(decoder, RMC, TTM)
    assert isinstance(plot, RadarPlot)
    assert plot.time == DAY_START + 13 * 3600 + 46 * 60 + 1
    assert plot.sensor_id == "LYSEKIL" and plot.plot_id == 2
    assert plot.range_m == pytest.approx(0.48 * 1852, abs=0.01)  # own ship is at the site
    assert plot.bearing_deg == pytest.approx(263.6, abs=1e-6)
    assert (plot.range_sigma_m, plot.bearing_sigma_deg) == (10.0, 0.5)
    assert plot.extra["target"] == 1 and plot.extra["status"] == "T"
    assert plot.extra["sog_kn"] == 0.0 and plot.extra["cog_deg"] == 2.9
    assert plot.extra["acquisition"] == "M" and plot.extra["name"] == "1 (Broadband 4G - 2782 B)"
    assert decoder.counts["plot:TTM"] == 1 and decoder.counts["decoded:RMC"] == 1


def test_relative_bearing_needs_own_heading_and_adds_it():
    decoder = RadarNmeaDecoder(SITE, "bus")
    relative = TTM.replace(",263.6,T,", ",43.6,R,")
    (reject,) = feed(decoder, RMC, relative)
    assert isinstance(reject, Reject) and reject.reason == RejectReason.NO_POSITION
    assert "heading" in reject.detail and reject.line_no == 2
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(decoder, RMC, "HEHDT,220.0,T", relative)
    assert plot.bearing_deg == pytest.approx(263.6, abs=1e-6)
    # HDG is magnetic: deviation and variation (east positive) make it true.
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(decoder, RMC, "SDHDG,218.1,1.0,W,2.9,E", relative)
    assert plot.bearing_deg == pytest.approx(43.6 + 218.1 - 1.0 + 2.9, abs=1e-6)
    # OSD heading (status A) works too; one that is older than the age limit does not.
    decoder = RadarNmeaDecoder(SITE, "bus", max_own_ship_age_s=5.0)
    (plot,) = feed(decoder, RMC, "RAOSD,220.0,A,220.0,B,0.0,B,,,N", relative)
    assert plot.bearing_deg == pytest.approx(263.6, abs=1e-6)
    late = relative.replace(",134601,M", ",134620,M")
    (reject,) = feed(decoder, late)
    assert reject.reason == RejectReason.NO_POSITION


def test_moving_own_ship_reports_are_re_referenced_to_the_site_along_the_geodesic():
    own_lat, own_lon = geodesic_destination(SITE.lat, SITE.lon, 1500.0, 90.0)
    lat_min = (float(own_lat) - 58) * 60
    lon_min = (float(own_lon) - 11) * 60
    rmc = f"GPRMC,134601,A,58{lat_min:07.4f},N,011{lon_min:07.4f},E,12.0,90.0,270715,2.9,E,A"
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(decoder, rmc, TTM)
    target_lat, target_lon = geodesic_destination(own_lat, own_lon, 0.48 * 1852, 263.6)
    expected_range, expected_bearing = range_bearing(SITE.lat, SITE.lon, target_lat, target_lon)
    assert plot.range_m == pytest.approx(float(expected_range), abs=0.5)
    assert plot.bearing_deg == pytest.approx(float(expected_bearing), abs=0.01)
    assert plot.extra["lat"] == pytest.approx(float(target_lat), abs=1e-6)


def test_tll_is_kept_with_the_ttm_of_the_same_target_and_time_or_makes_the_plot():
    tll = "RATLL,01,5812.6870,N,01131.9502,E,1 (Broadband 4G - 2782 B),134601,T,"
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(decoder, RMC, tll, TTM)
    assert plot.extra["tll_lat"] == pytest.approx(58 + 12.687 / 60)
    assert plot.extra["tll_lon"] == pytest.approx(11 + 31.9502 / 60)
    assert decoder.counts["decoded:TLL"] == 1
    decoder = RadarNmeaDecoder(SITE, "bus", plots_from="TLL")
    (plot,) = feed(decoder, RMC, tll, TTM)
    assert plot.extra["sentence"] == "TLL" and decoder.counts["decoded:TTM"] == 1
    expected_range, expected_bearing = range_bearing(SITE.lat, SITE.lon, 58 + 12.687 / 60, 11 + 31.9502 / 60)
    assert plot.range_m == pytest.approx(float(expected_range))
    assert plot.bearing_deg == pytest.approx(float(expected_bearing))


def test_units_lost_targets_and_midnight():
    decoder = RadarNmeaDecoder(SITE, "bus")
    km = TTM.replace(",0.48,263.6,T,0.0,2.9,T,0.48,,N,", ",1.50,263.6,T,36.0,2.9,T,0.48,,K,")
    (plot,) = feed(decoder, RMC, km)
    assert plot.range_m == pytest.approx(1500.0, abs=0.01)
    assert plot.extra["sog_kn"] == pytest.approx(36.0 / 1.852)
    assert feed(decoder, TTM.replace(",T,,134601,M", ",L,,134601,M")) == []
    assert decoder.counts["target_lost"] == 1
    decoder = RadarNmeaDecoder(SITE, "bus")
    (plot,) = feed(
        decoder,
        RMC.replace("134601", "235959"),
        TTM.replace("134601", "000001"),
    )
    assert plot.time == DAY_START + 86_400 + 1  # after midnight: the next day


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (s(TTM)[:-1] + "0", RejectReason.BAD_CHECKSUM),
        ("$GPGLL,5812.7400,N,01132.8530,E,142634", RejectReason.MALFORMED_SENTENCE),  # truncated
        (s("RATTM,01,abc,263.6,T,0.0,2.9,T,,,N,x,T,,134601,M"), RejectReason.MALFORMED_SENTENCE),
        (s("RATTM,01,,263.6,T,0.0,2.9,T,,,N,x,T,,134601,M"), RejectReason.MALFORMED_SENTENCE),
        (s("RATTM,01,0.48,263.6,X,0.0,2.9,T,,,N,x,T,,134601,M"), RejectReason.MALFORMED_SENTENCE),
        (s("RATTM,01,9.48,263.6,T,0.0,2.9,T,,,N,x,T,,134601,M"), RejectReason.OUT_OF_RANGE),
        (s("RATLL,01,9912.6870,N,01131.9502,E,1,134601,T,"), RejectReason.OUT_OF_RANGE),
        (s("AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0", "!"), RejectReason.UNKNOWN_SENTENCE),
        ("foobar", RejectReason.UNKNOWN_SENTENCE),
    ],
)
def test_bad_lines_are_rejected_with_their_raw_text(line: str, reason: RejectReason):
    decoder = RadarNmeaDecoder(SITE, "bus", plots_from="TLL" if "TLL" in line else "TTM")
    feed(decoder, RMC)
    (reject,) = decoder.feed(line, 7)
    assert isinstance(reject, Reject)
    assert (reject.reason, reject.line_no, reject.raw, reject.source) == (reason, 7, line, "bus")
    assert decoder.counts[f"reject:{reason}"] == 1


def test_time_comes_from_the_tag_block_or_receipt_when_there_is_no_date():
    decoder = RadarNmeaDecoder(SITE, "bus")
    assert feed(decoder, TTM)[0].reason == RejectReason.NO_TIME
    (plot,) = feed(decoder, TTM, receipt_time=1_700_000_000.5)
    assert plot.time == 1_700_000_000.5
    body = "s:RADAR,c:1700000001"
    tagged = f"\\{body}*{nmea_checksum(body.encode()):02X}\\{s(TTM)}"
    (plot,) = decoder.feed(tagged, 3, 1_800_000_000.0)
    assert plot.time == 1_700_000_001.0


def test_unused_sentences_are_counted_not_rejected_and_blank_lines_skipped():
    decoder = RadarNmeaDecoder(SITE, "bus")
    assert feed(decoder, "SDDBT,11.7,f,3.5,M,1.9,F", "SDHDG,220.3,,,2.9,E", "PGRMC,1,2") == []
    assert decoder.feed("  \r\n") == [] and decoder.feed("# note") == []
    assert decoder.counts == {
        "ignored:SDDBT": 1,
        "ignored:PGRMC": 1,  # proprietary (Garmin), although it ends in RMC
        "untimed:HDG": 1,
        "skipped:blank": 1,
        "skipped:comment": 1,
    }


def test_plots_from_must_be_a_target_sentence():
    with pytest.raises(ValueError, match="plots_from"):
        RadarNmeaDecoder(SITE, "bus", plots_from="RMC")  # type: ignore[arg-type]
