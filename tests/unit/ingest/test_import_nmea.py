"""AIS NMEA import: each time convention of real logs, fragments, duplicates across stations.

Pure: the logs are written to tmp_path from sentences pyais encodes, so every expected time and
count is known exactly.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pyais import encode_dict

from ingest.importers.ais_nmea import NoTimeError
from ingest.importers.build import DUPLICATE_WINDOW_S, import_sources, tag_line
from ingest.importers.model import ImportOptions
from ingest.nmea import nmea_checksum

T0 = dt.datetime(2024, 7, 20, 11, 51, 58, tzinfo=dt.UTC).timestamp()


def _position(mmsi: int, second: int = 0) -> str:
    fields = {
        "type": 1,
        "mmsi": mmsi,
        "lat": 51.6,
        "lon": 4.2,
        "speed": 5.0,
        "course": 90.0,
        "second": second,
    }
    return encode_dict(fields, talker_id="AI", sentence_type="VDM")[0]


def _static(mmsi: int) -> list[str]:
    return encode_dict(
        {"type": 5, "mmsi": mmsi, "shipname": "NORTH STAR", "callsign": "PD1234"},
        talker_id="AI",
        sentence_type="VDM",
    )


def _nmea(body: str) -> str:
    return f"${body}*{nmea_checksum(body.encode()):02X}"


def _run(tmp_path: Path, lines: list[str], **options: object):
    log = tmp_path / "log.nmea"
    log.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    summary = import_sources([log], out, ImportOptions(**options), command="test")  # type: ignore[arg-type]
    written = (out / "ais.nmea").read_text().splitlines()
    times = [float(line.split("c:")[1].split("*")[0]) for line in written]
    return summary, summary.sources[0], times


def test_tag_block_time_and_station(tmp_path: Path) -> None:
    _summary, source, times = _run(tmp_path, [tag_line("ST1", T0 + 0.25, _position(244000001))])
    assert times == [T0 + 0.25]
    assert source["time_conventions"] == {"tag_block": 1}
    assert (tmp_path / "out/ais.nmea").read_text().startswith("\\s:ST1,")


def test_trailing_epoch_seconds_and_milliseconds(tmp_path: Path) -> None:
    lines = [f"{_position(244000001)},b003669976,{int(T0)}", f"{_position(244000002)},{int(T0 * 1000) + 500}"]
    _, source, times = _run(tmp_path, lines)
    assert sorted(times) == [T0, T0 + 0.5]
    assert source["time_conventions"] == {"trailer_epoch_s": 1, "trailer_epoch_ms": 1}


def test_pghp_stamps_the_message_after_it(tmp_path: Path) -> None:
    lines = [_nmea("PGHP,1,2024,7,20,11,51,58,250,219,,1,00"), _position(244000001)]
    _, source, times = _run(tmp_path, lines)
    assert times == [T0 + 0.25] and source["time_conventions"] == {"pghp_or_tag_line": 1}


def test_receiver_rmc_and_zda_time_the_lines_around_them(tmp_path: Path) -> None:
    """Lines before the first RMC take its time; later ones the newest clock sentence."""
    lines = [
        _position(244000001),
        _nmea("GPRMC,115158.00,A,5136.000,N,00412.000,E,0.0,,200724,,,A"),
        _position(244000002),
        _nmea("GPZDA,115200.00,20,07,24,00,00"),  # a two-digit year, as Navico GoFree writes it
        _position(244000003),
    ]
    _, source, times = _run(tmp_path, lines)
    assert times == [T0, T0, T0 + 2.0]
    assert source["time_conventions"] == {"receiver_rmc_first": 1, "receiver_clock": 2}


def test_rmc_without_a_date_does_not_time_anything(tmp_path: Path) -> None:
    lines = [_nmea("GPRMC,115158.00,V,,,,,,,,,,N"), _position(244000001)]
    with pytest.raises(NoTimeError, match="--start"):
        _run(tmp_path, lines)


def test_no_time_at_all_uses_start_and_line_order(tmp_path: Path) -> None:
    lines = [_position(244000001), _position(244000002), _position(244000003)]
    summary, source, times = _run(tmp_path, lines, start_s=T0, line_interval_s=0.5)
    assert times == [T0, T0 + 0.5, T0 + 1.0]
    assert source["time_conventions"] == {"start_plus_line_order": 3}
    assert "no time stamps" in summary.notes[0] and "0.5 s apart" in summary.notes[0]


def test_fragments_joined_across_group_tag_blocks(tmp_path: Path) -> None:
    """The second fragment carries only ``g:``: it belongs to the first's station and time."""
    first, second = _static(244000001)
    block1 = "g:1-2-77,s:ST9,c:" + str(int(T0))
    lines = [
        f"\\{block1}*{nmea_checksum(block1.encode()):02X}\\{first}",
        f"\\g:2-2-77*{nmea_checksum(b'g:2-2-77'):02X}\\{second}",
    ]
    summary, source, times = _run(tmp_path, lines)
    assert source["counts"]["messages"] == 1 and source["counts"]["messages_multi_fragment"] == 1
    assert summary.rejects_by_reason == {} and times == [T0, T0]


def test_same_sentence_from_two_stations_is_one_message(tmp_path: Path) -> None:
    sentence = _position(244000001, second=58)
    lines = [
        tag_line("EAST", T0, sentence),
        tag_line("WEST", T0 + 1.2, sentence),
        tag_line("EAST", T0 + 2, _position(244000002)),
    ]
    summary, source, times = _run(tmp_path, lines)
    assert summary.ais_messages == 2 and source["counts"]["duplicate:other_station"] == 1
    assert times == [T0, T0 + 2]


def test_same_payload_after_the_window_is_a_new_transmission(tmp_path: Path) -> None:
    sentence = _position(244000001, second=58)
    lines = [tag_line("EAST", T0, sentence), tag_line("EAST", T0 + DUPLICATE_WINDOW_S + 40, sentence)]
    summary, _, _ = _run(tmp_path, lines)
    assert summary.ais_messages == 2 and summary.ais_duplicates == 0


def test_bad_lines_rejected_with_line_numbers(tmp_path: Path) -> None:
    good = _position(244000001)
    bad_checksum = good[:-2] + ("00" if good[-2:] != "00" else "01")
    lines = [
        tag_line("S", T0, good),
        bad_checksum,
        "!AIVDM,1,1,,B,,0*25",
        "foobar",
        _nmea("SDDBT,1.0,f,0.3,M,0.2,F"),
    ]
    summary, source, _ = _run(tmp_path, lines)
    assert summary.rejects_by_reason == {"bad_checksum": 1, "undecodable_payload": 1, "unknown_sentence": 1}
    assert source["counts"]["other_sentence:SDDBT"] == 1
    rejects = (tmp_path / "out/rejects.jsonl").read_text()
    assert '"line_no": 2' in rejects and '"line_no": 3' in rejects and '"line_no": 4' in rejects


def test_first_fragment_without_second_is_an_orphan(tmp_path: Path) -> None:
    first, _ = _static(244000001)
    summary, _, _ = _run(tmp_path, [tag_line("S", T0, first), tag_line("S", T0 + 1, _position(244000002))])
    assert summary.rejects_by_reason == {"orphan_fragment": 1} and summary.ais_messages == 1


def test_a_boat_bus_with_ais_and_arpa_gives_both(tmp_path: Path) -> None:
    """One NMEA bus log: AIS sentences to ais.nmea, ARPA targets to radar.jsonl, own ship as the site."""
    lines = [
        _nmea("GPRMC,115158,A,5812.7405,N,01132.8508,E,0.0,67.0,200724,2.9,E,A"),
        _nmea("GPZDA,115158,20,07,2024,00,00"),
        _position(244000001),
        _nmea("RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,TGT,T,,115158,M"),
    ]
    summary, _, times = _run(tmp_path, lines)
    assert [s["format"] for s in summary.sources] == ["nmea", "radar-nmea"]
    assert summary.ais_messages == 1 and summary.radar_plots == 1 and times == [T0]
    plot = (tmp_path / "out/radar.jsonl").read_text()
    assert '"range_m": 888.96' in plot and '"target": 1' in plot
