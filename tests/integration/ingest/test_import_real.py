"""``seawatch import`` on the real recordings of ../shared/data/real, checked against MANIFEST.md.

Each test imports one or more real files into a scenario folder, checks the counts the manifest
gives for it (messages after fragment reassembly, multi-fragment messages, MMSIs, time span,
radar targets), and replays or summarises the folder with the same code ``seawatch replay`` /
``seawatch info`` use. Skipped, saying why, when the shared data is not beside the repository.
"""

from __future__ import annotations

import collections
import datetime as dt
import gzip
import itertools
import json
import re
from pathlib import Path

import pytest

from fusion.cli import main
from fusion.replay import run_replay
from fusion.schemas import AisReport
from ingest.importers.ais_nmea import NoTimeError
from ingest.importers.build import DUPLICATE_WINDOW_S, import_sources
from ingest.importers.info import folder_info
from ingest.importers.model import ImportOptions
from ingest.scenario import open_scenario, read_records
from tests.conftest import REPO_ROOT, SHARED_DATA

REAL = SHARED_DATA / "real"
ZONES = REPO_ROOT / "zones.geojson"
SOLENT = REAL / "dstl-Stone-Soup/docs/demos/SolentAIS_20160112_130211.csv"
RADAR_LOG = REAL / "ShahrulAfiqRafi-NMEA-data-stream/RadarLogs.txt"
NORWAY = REAL / "cvagner-docker-gpsd-timestamp/data/norwegian.raw"
KYSTVERKET = REAL / "ais-dotnet-Ais.Net/ExampleData/ais.kystverket.no/Ais1000Lines.nm4"
DMA = REAL / "dma-ais-AisLib/ais-lib-communication/src/test/resources/stream_example.txt"
AISDB_TAGS = REAL / "AISViz-AISdb/aisdb/tests/testdata/test_data_20211101.nm4"
NOAA = REAL / "AISViz-AISdb/aisdb/tests/testdata/test_data_noaa_20230101.csv"
GPSD_RMC = REAL / "ntpsec-gpsd/test/daemon/ais-nmea.log"
GPSD_UNTIMED = REAL / "ntpsec-gpsd/test/daemon/ais-nmea-type6-fid55.log"
MAIANA = REAL / "muebau-MAIANA-WiFi/data/ais.txt"
USCG = REAL / "schwehr-libais/test/data/test.aivdm"
PGHP = REAL / "M0r13n-pyais/tests/timestamped.ais"
HOSTILE = REAL / "M0r13n-pyais/tests/nmea_data_sample.txt"
GOFREE = REAL / "SignalK-signalk-server/samples/gofree-merrimac.log"
ASTERIX_PCAP = REAL / "CroatiaControlLtd-asterix/install/sample_data/cat_034_048.pcap"
ASTERIX_EXPECTED = REAL / "CroatiaControlLtd-asterix/install/sample_output/cat_034_048.txt"


def _need(*paths: Path) -> None:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        pytest.skip(
            f"real recording(s) not found: {', '.join(missing)} (../shared/data/real beside the clone)"
        )


def _utc(text: str) -> float:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC).timestamp()


def _import(tmp_path: Path, *paths: Path, **options: object):
    _need(*paths)
    out = tmp_path / "scenario"
    summary = import_sources(list(paths), out, ImportOptions(**options), command="test")  # type: ignore[arg-type]
    return out, summary, summary.sources[0]["counts"]


def _replayed(folder: Path) -> tuple[collections.Counter[str], list]:
    counts: collections.Counter[str] = collections.Counter()
    records = list(read_records(open_scenario(folder, ZONES), counts))
    return counts, records


# -- CSV archives ------------------------------------------------------------------------------


def test_solent_csv_every_row_accounted_and_replayed(tmp_path: Path) -> None:
    """MANIFEST section 2: 18,623 reports, 91 MMSIs, 2016-01-12 13:02:11.218-14:26:41.924 (ms)."""
    out, summary, counts = _import(tmp_path, SOLENT)
    assert summary.rows == 18_623
    assert summary.sources[0]["format"] == "csv-solent"
    # every row is written once, or counted as a repeat of one that was (never silently dropped)
    assert counts["duplicate_row"] + counts.get("duplicate:same_station", 0) + summary.ais_messages == 18_623
    assert summary.rejects_by_reason == {}
    assert summary.time_span == (_utc("2016-01-12 13:02:11.218"), _utc("2016-01-12 14:26:41.924"))
    replay_counts, records = _replayed(out)
    reports = [r for r in records if isinstance(r, AisReport)]
    assert len(reports) == summary.ais_messages == replay_counts["accepted:type1"]
    assert len({r.mmsi for r in reports}) == 91
    glitch = [r for r in reports if r.mmsi == 245188000 and abs(r.lon - 54.83172) < 1e-4]
    assert len(glitch) == 1  # the manifest's glitch row is carried as it was, not "fixed"
    summary_run = run_replay(
        open_scenario(out, ZONES), tracks_out=tmp_path / "t.jsonl", alerts_out=tmp_path / "a.jsonl"
    )
    assert summary_run.records_in == summary.ais_messages
    assert summary_run.written["tracks"] > 10_000


def test_noaa_csv_positions_and_static_data(tmp_path: Path) -> None:
    """MarineCadastre columns: 1,000 rows, 1,000 MMSIs, class A type 1 + 5, class B type 18 + 24."""
    out, summary, counts = _import(tmp_path, NOAA)
    assert summary.sources[0]["format"] == "csv-noaa"
    assert counts["encoded:type1"] + counts["encoded:type18"] == 1000
    assert counts["encoded:type5"] == counts["encoded:type1"]
    assert counts["encoded:type24"] == 2 * counts["encoded:type18"]
    replay_counts, records = _replayed(out)
    assert len({r.mmsi for r in records if isinstance(r, AisReport)}) == 1000
    assert replay_counts["accepted:type5"] == counts["encoded:type5"]
    assert summary.time_span == (_utc("2023-01-11 00:00:00"), _utc("2023-01-11 23:59:01"))
    assert counts["time_backwards"] > 0  # the export is not in time order; the writer sorts it


# -- NMEA logs, one time convention each --------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "messages", "multi", "convention", "first", "last"),
    [
        (KYSTVERKET, 877, 123, "tag_block", "2019-08-07 22:59:58", "2019-08-07 23:00:27"),
        (NORWAY, 196, 27, "tag_block", "2024-12-09 22:07:14", "2024-12-09 22:07:19"),
        (AISDB_TAGS, 979, 18, "tag_block", "2021-11-01 01:58:07", "2021-11-01 01:59:06"),
        (DMA, 4051, 449, "pghp_or_tag_line", "2010-06-11 11:46:10", "2010-06-11 11:46:38.9"),
        (GPSD_RMC, 171, 12, "receiver_clock", "2020-04-07 21:39:50", "2020-04-07 21:42:33"),
        (USCG, 261, 2, "trailer_epoch_s", "2010-04-28 00:00:00", "2010-05-03 23:59:59"),
        (MAIANA, 2357, 50, "receiver_clock", "2024-07-20 11:51:58", "2024-07-20 16:52:03"),
        (GOFREE, 1459, 48, "receiver_clock", "2014-04-16 19:57:19", "2014-04-16 19:59:40"),
    ],
    ids=["kystverket", "norway", "aisdb", "dma-pghp", "gpsd-rmc", "uscg", "maiana", "gofree"],
)
def test_nmea_logs_messages_and_time_span(
    tmp_path: Path, path: Path, messages: int, multi: int, convention: str, first: str, last: str
) -> None:
    """MANIFEST section 1 counts (pyais after reassembly) and time spans, per time convention."""
    out, summary, counts = _import(tmp_path, path)
    assert counts["messages"] == messages
    assert counts.get("messages_multi_fragment", 0) == multi
    assert summary.ais_messages + summary.ais_duplicates == messages
    conventions = summary.sources[0]["time_conventions"]
    assert max(conventions, key=conventions.get) == convention
    start, end = summary.time_span
    assert _utc(first) - 1.0 <= start and end <= _utc(last) + 1.0
    if convention != "trailer_epoch_s":  # USCG files span days; the others start and end at the edges
        assert start <= _utc(first) + 2.0 and end >= _utc(last) - 2.0
    replay_counts, _ = _replayed(out)
    replay_rejects = {k: v for k, v in replay_counts.items() if k.startswith("reject:")}
    allowed = {"reject:no_position", "reject:undecodable_payload"}
    if path == USCG:  # examples from 6 days: the replay's decoder refuses stamps > 1 day past the newest
        allowed.add("reject:out_of_range")
    assert set(replay_rejects) <= allowed


def test_two_stations_hearing_one_ship_is_one_message(tmp_path: Path) -> None:
    """USCG N-AIS receive stamps name the station: the same payload from two is written once."""
    out, summary, counts = _import(tmp_path, USCG)
    assert counts["duplicate:other_station"] > 0
    duplicates = counts["duplicate:other_station"] + counts.get("duplicate:same_station", 0)
    assert summary.ais_messages == counts["messages"] - duplicates
    heard: dict[str, list[float]] = collections.defaultdict(list)
    for line in (out / "ais.nmea").read_text().splitlines():
        tag, sentence = line[1:].split("\\", 1)
        if sentence.split(",")[1] == "1":
            heard[sentence.split(",")[5]].append(float(tag.split("c:")[1].split("*")[0]))
    for times in heard.values():  # what is left twice was sent twice: further apart than the window
        assert all(b - a > DUPLICATE_WINDOW_S for a, b in itertools.pairwise(sorted(times)))


def test_same_log_imported_twice_is_not_counted_twice(tmp_path: Path) -> None:
    """Two recorders of one network (here: the same file twice) give each message once."""
    _out, summary, _ = _import(tmp_path, NORWAY, NORWAY)
    assert summary.ais_messages == 196
    assert summary.ais_duplicates == 196


def test_gzip_log_reads_like_the_plain_one(tmp_path: Path) -> None:
    _need(KYSTVERKET)
    packed = tmp_path / "kystverket.nm4.gz"
    packed.write_bytes(gzip.compress(KYSTVERKET.read_bytes()))
    _, summary, counts = _import(tmp_path, packed)
    assert counts["messages"] == 877 and summary.sources[0]["format"] == "nmea"


def test_pghp_lines_time_their_messages(tmp_path: Path) -> None:
    """pyais' timestamped.ais: 4 messages after Gatehouse $PGHP stamps, one of which (the edited
    2009 line) fails its checksum: rejected, and its messages keep the stamp before it."""
    _, summary, counts = _import(tmp_path, PGHP)
    assert counts["messages"] == 4 and counts["stamp:pghp"] == 3
    assert summary.rejects_by_reason == {"bad_checksum": 1}
    assert summary.time_span == (_utc("2008-05-09 00:00:00.010"), _utc("2008-05-09 00:00:00.010"))
    assert summary.sources[0]["time_conventions"] == {"pghp_or_tag_line": 4}


def test_untimed_log_needs_start_then_uses_line_order(tmp_path: Path) -> None:
    """gpsd's type-6 log has no time at all: a clear error, then --start + line order, said so."""
    _need(GPSD_UNTIMED)
    with pytest.raises(NoTimeError, match="--start"):
        import_sources([GPSD_UNTIMED], tmp_path / "x", ImportOptions())
    _out, summary, counts = _import(tmp_path, GPSD_UNTIMED, start_s=_utc("2024-01-01 00:00:00"))
    assert counts["messages"] == 1326 and counts["messages_multi_fragment"] == 154
    assert summary.sources[0]["time_conventions"] == {"start_plus_line_order": 1480}
    assert any("no time stamps" in note and "--start" in note for note in summary.notes)
    assert summary.time_span[0] == _utc("2024-01-01 00:00:00")


def test_hostile_log_rejects_are_counted_and_kept(tmp_path: Path) -> None:
    """pyais' sample: 778 messages decode, 100 empty payloads, fragments never completed."""
    out, summary, counts = _import(tmp_path, HOSTILE, start_s=_utc("2024-01-01 00:00:00"))
    assert counts["messages"] == 778
    assert summary.rejects_by_reason["undecodable_payload"] == 100
    assert summary.rejects_by_reason["orphan_fragment"] >= 12
    kept = [json.loads(line) for line in (out / "rejects.jsonl").read_text().splitlines()]
    assert len(kept) == sum(summary.rejects_by_reason.values())
    assert all(r["line_no"] and r["raw"] and r["detail"] for r in kept)


# -- radar --------------------------------------------------------------------------------------


def test_arpa_log_plots_site_and_replay(tmp_path: Path) -> None:
    """MANIFEST section 3: 1,466 TTM, 4 targets, 17 lost reports, own ship moored near Lysekil."""
    out, summary, counts = _import(tmp_path, RADAR_LOG)
    assert summary.sources[0]["format"] == "radar-nmea"
    assert counts["target_lost"] == 17
    assert summary.radar_plots == 1466 - 17
    plots = [json.loads(line) for line in (out / "radar.jsonl").read_text().splitlines()]
    assert collections.Counter(p["target"] for p in plots) == {
        1: 544 - _lost(1),
        2: 682 - _lost(2),
        3: 157 - _lost(3),
        4: 83 - _lost(4),
    }
    sensors = json.loads((out / "sensors.json").read_text())
    radar = sensors["radars"][0]
    assert abs(radar["lat"] - (58 + 12.74 / 60)) < 0.001 and abs(radar["lon"] - (11 + 32.85 / 60)) < 0.001
    assert 1.36 * 1852 < radar["max_range_m"] < 1.36 * 1852 * 1.2
    assert summary.time_span[0] == _utc("2015-07-27 13:46:01")
    assert _utc("2015-07-27 14:20:00") < summary.time_span[1] <= _utc("2015-07-27 14:26:33")
    result = run_replay(
        open_scenario(out, ZONES), tracks_out=tmp_path / "t.jsonl", alerts_out=tmp_path / "a.jsonl"
    )
    assert result.records_in == summary.radar_plots and not result.rejects_by_reason


def _lost(target: int) -> int:
    """Lost (status L) TTM reports of one target in the radar log: they make no plot."""
    pattern = re.compile(rf"^\$RATTM,0?{target},.*,L,")
    return sum(1 for line in RADAR_LOG.read_text(errors="replace").splitlines() if pattern.match(line))


def test_asterix_cat048_needs_site_then_matches_reference_decode(tmp_path: Path) -> None:
    """Every CAT048 record with an I040 position in the decoder's own expected output is a plot."""
    pytest.importorskip("asterix", reason="ASTERIX needs the optional asterix-decoder extra")
    _need(ASTERIX_PCAP, ASTERIX_EXPECTED)
    with pytest.raises(ValueError, match="--site"):
        import_sources([ASTERIX_PCAP], tmp_path / "x", ImportOptions())
    expected, category = 0, None
    for line in ASTERIX_EXPECTED.read_text().splitlines():
        if line.startswith("Category:"):
            category = int(line.split(":")[1])
        elif line.startswith("Item 040") and category == 48:
            expected += 1
    _out, summary, counts = _import(tmp_path, ASTERIX_PCAP, site=(45.0, 16.0))
    assert summary.radar_plots == counts["plot:cat048"] == expected
    assert counts["ignored:cat034"] == 34


# -- the command line ----------------------------------------------------------------------------


def test_cli_import_then_info(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``seawatch import`` prints rows/s; ``seawatch info`` the summary and a PNG map."""
    _need(SOLENT, RADAR_LOG)
    out = tmp_path / "both"
    assert main(["import", str(SOLENT), str(RADAR_LOG), "--out", str(out), "--no-progress"]) == 0
    captured = capsys.readouterr()
    report = json.loads(captured.out)
    assert report["rows"] == 18_623 + 56_579 and report["rows_per_s"] > 0
    assert "rows/s" in captured.err
    assert main(["info", str(out)]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["vessels"] == 91 and info["radar_plots"] == {"RADARLOGS": 1449}
    assert info["messages_by_type"] == {"type1": report["ais_messages"]}
    assert [s["format"] for s in info["sources"]] == ["csv-solent", "radar-nmea"]
    assert info["import_rejects_by_reason"] == {"malformed_sentence": 2}
    assert (out / "map.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    again = folder_info(out, ZONES)
    assert again.time_span[0] == _utc("2015-07-27 13:46:01")


def test_cli_untimed_log_without_start_is_a_usage_error(tmp_path: Path, capsys) -> None:
    _need(GPSD_UNTIMED)
    assert main(["import", str(GPSD_UNTIMED), "--out", str(tmp_path / "x"), "--no-progress"]) == 2
    assert "--start" in capsys.readouterr().err


def test_raw_asterix_file_dated_by_start(tmp_path: Path) -> None:
    """A raw CAT048 block (no capture times): --start gives the date of its I140 time of day."""
    pytest.importorskip("asterix", reason="ASTERIX needs the optional asterix-decoder extra")
    raw = REAL / "CroatiaControlLtd-asterix/install/sample_data/cat048.raw"
    _need(raw)
    with pytest.raises(ValueError, match="--start"):
        import_sources([raw], tmp_path / "x", ImportOptions(site=(45.0, 16.0)))
    start = _utc("2024-03-01 00:00:00")
    _, summary, counts = _import(tmp_path, raw, site=(45.0, 16.0), start_s=start)
    assert summary.sources[0]["format"] == "asterix"
    assert summary.radar_plots == counts["plot:cat048"] >= 1
    assert start <= summary.time_span[0] < start + 86_400.0


def test_dashboard_opens_an_imported_ais_only_recording(tmp_path: Path) -> None:
    """No radar and no zones (what make demo-real imports): the map opens on the area's centre."""
    from dashboard.layout import page
    from fusion.audit_store import memory_audit_log
    from fusion.demo import DEMO_USERS, scenario_dashboard_config

    out, _, _ = _import(tmp_path, SOLENT)
    scenario = open_scenario(out, ZONES)
    config = scenario_dashboard_config(scenario, DEMO_USERS, memory_audit_log("test"))
    west, south, east, north = config.bounds
    assert west < scenario.area_lon < east and south < scenario.area_lat < north
    assert 50.5 < scenario.area_lat < 50.9 and -1.4 < scenario.area_lon < -0.7  # the Solent
    assert page(config, None) is not None  # the page the dashboard serves (it failed on min([]))


HOSTILE_FILES = [
    "M0r13n-pyais/tests/nmea_data_sample.txt",
    "M0r13n-pyais/tests/mixed.txt",
    "M0r13n-pyais/examples/sample.ais",
    "knapply-maritime/inst/test-data/segfaults",
    "knapply-maritime/inst/example-data/20181101.log",
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/retry_example.txt",
    "dma-ais-AisLib/ais-lib-communication/src/test/resources/small_cb_example.txt",
    "ntpsec-gpsd/test/daemon/ais-18-27.log",
    "SignalK-signalk-server/samples/gofree-merrimac.log",
]


@pytest.mark.parametrize("name", HOSTILE_FILES, ids=[Path(n).name for n in HOSTILE_FILES])
def test_hostile_files_every_line_accounted_for(tmp_path: Path, name: str) -> None:
    """MANIFEST's bad-input files: no crash, and every significant line is in a message, a reject
    (with its text), a time stamp, or a counted sentence of another kind: nothing vanishes."""
    from ingest.importers.ais_nmea import AisNmeaReader
    from ingest.importers.model import SourceResult

    path = REAL / name
    _need(path)
    result = SourceResult(path=path, format="nmea")
    options = ImportOptions(start_s=_utc("2024-01-01 00:00:00"))
    for _ in AisNmeaReader(path, 0, options, result).read():
        pass
    counts = result.counts
    in_messages = sum(len(m.sentences) for m in result.ais)
    in_rejects = sum(len(r.raw.split("\n")) for r in result.rejects)
    other = sum(v for k, v in counts.items() if k.split(":")[0] in ("stamp", "clock", "other_sentence"))
    assert in_messages + in_rejects + other == counts["lines"]
    assert all(r.reason and r.detail and r.raw for r in result.rejects)
