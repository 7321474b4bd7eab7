"""CSV archive import: layouts, ``--columns``, and the quirks of real exports, each counted.

Pure: small CSVs written to tmp_path; the written ``ais.nmea`` is decoded back with the replay's
own decoder to show the values survive re-encoding.
"""

from __future__ import annotations

import collections
import datetime as dt
from pathlib import Path

import pytest
from pyais import encode_dict
from pyais.encode import ais_to_nmea_0183, data_to_payload

from fusion.schemas import AisReport, AisStatic
from ingest.ais import AisDecoder
from ingest.importers.build import import_sources
from ingest.importers.csv_ais import CsvLayoutError, armour, parse_columns
from ingest.importers.csv_times import CsvTimeError, parse_time
from ingest.importers.detect import FormatError
from ingest.importers.model import ImportOptions


def _utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def _run(tmp_path: Path, text: str, encoding: str = "utf-8", fmt: str | None = None, **options: object):
    path = tmp_path / "export.csv"
    path.write_bytes(text.encode(encoding))
    out = tmp_path / "out"
    summary = import_sources([path], out, ImportOptions(**options), fmt=fmt, command="test")  # type: ignore[arg-type]
    decoder = AisDecoder("check")
    records = [r for line in (out / "ais.nmea").read_text().splitlines() for r in decoder.feed(line)]
    return summary, summary.sources[0]["counts"], records


SOLENT_HEADER = "Time,MMSI,Latitude_degrees,Longitude_degrees,COG_degrees,SOG_knots\n"


def test_solent_layout_values_survive_reencoding(tmp_path: Path) -> None:
    text = SOLENT_HEADER + "2016-01-12 13:02:11.218,235070762,50.7730133333333,-1.092935,157.8,5.9\n"
    summary, _, records = _run(tmp_path, text)
    (report,) = records
    assert isinstance(report, AisReport)
    assert report.time == _utc("2016-01-12 13:02:11.218")
    assert report.mmsi == 235070762 and report.sog_kn == 5.9 and report.cog_deg == 157.8
    assert abs(report.lat - 50.7730133) < 2e-6 and abs(report.lon + 1.092935) < 2e-6
    assert summary.sources[0]["format"] == "csv-solent"


def test_quirks_counted_by_reason_never_changed(tmp_path: Path) -> None:
    """BOM, day-first dates, longitude before latitude, missing MMSI, duplicate row, time backwards."""
    text = (
        "when,ship,x,y,speed,course\n"
        "13/01/2016 10:00:00,235070762,-1.1,50.7,5.0,90.0\n"
        "13/01/2016 10:00:00,235070762,-1.1,50.7,5.0,90.0\n"  # duplicate row
        "13/01/2016 09:59:00,235070762,-1.2,50.7,5.0,90.0\n"  # time going backwards
        "13/01/2016 10:00:05,,-1.1,50.7,5.0,90.0\n"  # missing MMSI
        "13/01/2016 10:00:06,235013375,50.7,-1.1,5.0,90.0\n"  # swapped? both in range: kept as sent
        "13/01/2016 10:00:07,235013376,-1.1,95.0,5.0,90.0\n"  # impossible latitude
        "31/02/2016 10:00:08,235013377,-1.1,50.0,5.0,90.0\n"  # no such day
        "13/01/2016 10:00:09,235013378,-1.1,50.0,x,400\n"  # unreadable speed, impossible course
    )
    columns = "time=when,mmsi=ship,lon=x,lat=y,sog=speed,cog=course"
    summary, counts, records = _run(tmp_path, "\ufeff" + text, columns=parse_columns(columns))
    assert counts["quirk:byte_order_mark"] == 1
    assert counts["quirk:longitude_before_latitude"] == 1
    assert counts["quirk:dates_day_first"] == 1
    assert counts["duplicate_row"] == 1 and counts["time_backwards"] == 1
    assert counts["unreadable_sog"] == 1 and counts["cog_out_of_range"] == 1
    assert summary.rejects_by_reason == {"missing_mmsi": 1, "position_out_of_range": 1, "bad_time": 1}
    reports = [r for r in records if isinstance(r, AisReport)]
    assert [r.time for r in reports] == sorted(r.time for r in reports)  # written in time order
    assert reports[0].time == _utc("2016-01-13 09:59:00")
    assert reports[-1].sog_kn is None and reports[-1].cog_deg is None
    assert len(reports) == 8 - 1 - 3  # rows - duplicate - rejected
    kept = (tmp_path / "out/rejects.jsonl").read_text()
    assert "13/01/2016 10:00:05,,-1.1" in kept  # the row as it was, for the analyst


def test_month_first_dates_decided_from_the_data(tmp_path: Path) -> None:
    text = "t,m,la,lo\n01/13/2016 10:00:00,235070762,50.7,-1.1\n02/03/2016 10:00:00,235070762,50.7,-1.1\n"
    _, counts, records = _run(tmp_path, text, columns=parse_columns("time=t,mmsi=m,lat=la,lon=lo"))
    assert counts["quirk:dates_month_first"] == 1
    assert [r.time for r in records] == [_utc("2016-01-13 10:00:00"), _utc("2016-02-03 10:00:00")]


def test_mixed_date_orders_are_an_error(tmp_path: Path) -> None:
    text = "t,m,la,lo\n13/01/2016 10:00,235070762,50.7,-1.1\n01/13/2016 10:00,235070762,50.7,-1.1\n"
    with pytest.raises(CsvTimeError, match="day-first in some rows"):
        _run(tmp_path, text, columns=parse_columns("time=t,mmsi=m,lat=la,lon=lo"))


def test_headerless_csv_by_column_number(tmp_path: Path) -> None:
    text = "1452603731.218,235070762,50.77,-1.09\n1452603741218,235070762,50.78,-1.09\n"
    _, _, records = _run(tmp_path, text, columns=parse_columns("time=0,mmsi=1,lat=2,lon=3"))
    assert [r.time for r in records] == [1452603731.218, 1452603741.218]  # seconds, and milliseconds


def test_noaa_class_b_and_static_data(tmp_path: Path) -> None:
    header = (
        "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
        "Length,Width,Draft,Cargo,TransceiverClass\n"
    )
    rows = (
        "636021061,2023-01-11T00:00:00,26.09241,-80.04806,8.8,272.7,270.0,MSC NAISHA III,IMO9307839,"
        "5LCB4,70,8.0,208.0,30.0,8.0,70.0,A\n"
        "367752440,2023-01-11T00:00:01,43.07917,-70.75733,0.0,360.0,511.0,SAN JOSE,,WDI9818,37,,"
        "12,4,,52.0,B\n"
    )
    _, counts, records = _run(tmp_path, header + rows)
    statics = {r.mmsi: r for r in records if isinstance(r, AisStatic)}
    reports = {r.mmsi: r for r in records if isinstance(r, AisReport)}
    assert reports[636021061].msg_type == 1 and reports[636021061].nav_status == 8
    assert reports[636021061].heading_deg == 270
    assert reports[367752440].msg_type == 18 and reports[367752440].cog_deg is None
    assert statics[636021061].name == "MSC NAISHA III" and statics[636021061].imo == 9307839
    assert statics[636021061].to_bow_m + statics[636021061].to_stern_m == 208
    assert statics[367752440].call_sign == "WDI9818" and statics[367752440].ship_type == 37
    assert collections.Counter(r.msg_type for r in records if isinstance(r, AisStatic)) == {5: 1, 24: 2}
    assert counts["encoded:type24"] == 2


def test_unknown_layout_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="--columns"):
        _run(tmp_path, "a,b,c\n1,2,3\n")
    with pytest.raises(CsvLayoutError, match="--columns"):
        _run(tmp_path, "a,b,c\n1,2,3\n", fmt="csv")


def test_columns_spec_errors() -> None:
    with pytest.raises(ValueError, match="needed: time, mmsi, lat, lon"):
        parse_columns("time=t,mmsi=m")
    with pytest.raises(ValueError, match="FIELD=COLUMN"):
        parse_columns("time=t,mmsi=m,lat=y,lon=x,speed=s")


def test_time_formats() -> None:
    assert parse_time("2016-01-12T13:02:11Z", day_first=True) == _utc("2016-01-12 13:02:11")
    assert parse_time("2016-01-12 14:02:11+01:00", day_first=True) == _utc("2016-01-12 13:02:11")
    assert parse_time("12.01.16 13:02", day_first=True) == _utc("2016-01-12 13:02:00")
    with pytest.raises(CsvTimeError):
        parse_time("yesterday", day_first=True)


@pytest.mark.parametrize(
    "fields",
    [
        {
            "type": 1,
            "mmsi": 235070762,
            "lat": 50.7730133,
            "lon": -1.092935,
            "speed": 5.9,
            "course": 157.8,
            "heading": 511,
            "second": 11,
            "status": 15,
        },
        {
            "type": 18,
            "mmsi": 367752440,
            "lat": -33.9,
            "lon": 151.2,
            "speed": 102.3,
            "course": 360.0,
            "heading": 511,
        },
        {
            "type": 5,
            "mmsi": 636021061,
            "shipname": "MSC NAISHA III",
            "callsign": "5LCB4",
            "imo": 9307839,
            "ship_type": 70,
            "to_bow": 104,
            "to_stern": 104,
            "to_port": 15,
            "to_starboard": 15,
            "draught": 8.0,
        },
        {"type": 24, "partno": 0, "mmsi": 367752440, "shipname": "SAN JOSE"},
        {"type": 24, "partno": 1, "mmsi": 367752440, "ship_type": 37, "callsign": "WDI9818"},
    ],
    ids=["type1", "type18", "type5", "type24a", "type24b"],
)
def test_armour_matches_pyais_encoder(fields: dict) -> None:
    """The fast armouring gives exactly the sentences pyais' encode_dict gives."""
    payload, fill = armour(*data_to_payload(fields["type"], fields).to_bytes())
    ours = ais_to_nmea_0183(payload, "AI", "VDM", "A", fill)
    assert ours == encode_dict(fields, talker_id="AI", sentence_type="VDM", radio_channel="A")
