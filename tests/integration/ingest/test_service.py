"""IngestService end to end: real TCP/UDP feeds on 127.0.0.1 and files into a MemoryBus.

Bounded: each source has ``max_connects``; a watchdog stops the service after a few seconds.
"""

from __future__ import annotations

import json
import random
import socket
import threading
from pathlib import Path

import pytest

from fusion import topics
from fusion.bus import MemoryBroker, MemoryBus
from fusion.schemas import AisReport, RadarPlot, RadarSite, Reject, RejectReason, Sensors, from_json
from fusion.topics import FEED_HEALTH
from ingest.nmea import nmea_checksum
from ingest.service import IngestService, make_feed, parse_feed_spec, sensors_for_feeds
from ingest.sources import Backoff, FileSource, TcpSource, UdpSource

AIS = "!AIVDM,1,1,,A,13u?etPv2;0n:dDPwUM1U1Cb069D,0*24"
SITE = RadarSite(
    id="NAVICO",
    lat=58.2123416667,
    lon=11.5475133333,
    height_m=3.0,
    range_sigma_m=10.0,
    bearing_sigma_deg=1.0,
    max_range_m=5000.0,
    scan_period_s=2.5,
)


def s(body: str) -> str:
    return f"${body}*{nmea_checksum(body.encode()):02X}"


def _serve_once(payload: bytes) -> int:
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with listener:
            listener.settimeout(5.0)
            conn, _ = listener.accept()
            with conn:
                half = len(payload) // 2
                conn.sendall(payload[:half])  # a line split across two segments
                threading.Event().wait(0.05)
                conn.sendall(payload[half:])

    threading.Thread(target=serve, daemon=True).start()
    return listener.getsockname()[1]


def test_tcp_ais_feed_publishes_reports_rejects_and_health_with_receipt_times():
    port = _serve_once(f"{AIS}\r\n{AIS[:-1]}0\r\nnot nmea\r\n".encode())
    source = TcpSource(
        "127.0.0.1",
        port,
        clock=lambda: 1_700_000_000.0,
        backoff=Backoff(0.01, 0.02, random.Random(1)),
        max_connects=1,
        poll_s=0.05,
    )
    broker = MemoryBroker()
    service = IngestService(MemoryBus(broker, "ingest"), health_interval_s=0.0)
    watchdog = threading.Timer(5.0, source.stop)
    watchdog.start()
    health = service.run([make_feed("ais", "catcher", source)])["catcher"]
    watchdog.cancel()
    (report,) = [from_json(AisReport, e.value) for e in broker.read(topics.AIS_REPORTS)]
    assert report.time == 1_700_000_000.0 and report.receiver_id == "catcher"  # no tag block: source clock
    rejects = [from_json(Reject, e.value) for e in broker.read(topics.REJECTS)]
    assert [r.reason for r in rejects] == [RejectReason.BAD_CHECKSUM, RejectReason.UNKNOWN_SENTENCE]
    assert rejects[0].raw == AIS[:-1] + "0" and all(e.key == "catcher" for e in broker.read(topics.REJECTS))
    assert (
        health.lines == 3
        and health.messages == 3
        and health.by_topic == {"ais.reports": 1, "ingest.rejects": 2}
    )
    assert health.rejects_by_reason == {"bad_checksum": 1, "unknown_sentence": 1}
    assert health.last_receipt_time == 1_700_000_000.0 and health.source["connects"] == 1
    published = [json.loads(e.value) for e in broker.read(FEED_HEALTH)]
    assert published and published[-1]["running"] is False and published[-1]["messages"] == 3
    assert all(h["schema_version"] == 1 for h in published)


def test_udp_radar_nmea_feed_publishes_plots_keyed_by_radar():
    source = UdpSource("127.0.0.1", 0, clock=lambda: 1_438_004_761.0, max_connects=1, poll_s=0.05)
    broker = MemoryBroker()
    service = IngestService(MemoryBus(broker, "ingest"))
    feed = make_feed(
        "radar-nmea", "radar", source, sensors=Sensors(radars=(SITE,), ais_receivers=()), sensor_id="NAVICO"
    )
    runner = threading.Thread(target=service.run, args=([feed],))
    runner.start()
    assert source.listening.wait(5.0)
    rmc = s("GPRMC,134601,A,5812.7405,N,01132.8508,E,0.0,67.0,270715,2.9,E,A")
    ttm = s("RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,1,T,,134601,M")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.sendto(f"{rmc}\r\n{ttm}\r\n".encode(), ("127.0.0.1", source.bound_port))
    for _ in range(100):
        if broker.read(topics.RADAR_PLOTS):
            break
        threading.Event().wait(0.05)
    service.stop()
    runner.join(timeout=5)
    (envelope,) = broker.read(topics.RADAR_PLOTS)
    plot = from_json(RadarPlot, envelope.value)
    assert envelope.key == "NAVICO" and plot.range_m == pytest.approx(0.48 * 1852, abs=0.01)
    assert plot.time == 1_438_004_761.0  # from the TTM UTC field on the RMC date


def test_gzip_file_feed_and_command_line_specs(tmp_path: Path):
    import gzip

    path = tmp_path / "ais.nmea.gz"
    path.write_bytes(gzip.compress(f"\\c:1700000000*{nmea_checksum(b'c:1700000000'):02X}\\{AIS}\n".encode()))
    feeds = sensors_for_feeds([f"ais={path}"], None, None, 100_000.0)
    broker = MemoryBroker()
    health = IngestService(MemoryBus(broker, "ingest")).run(feeds)
    (report,) = [from_json(AisReport, e.value) for e in broker.read(topics.AIS_REPORTS)]
    assert report.time == 1_700_000_000.0  # tag-block time, not a clock
    assert isinstance(feeds[0].source, FileSource) and next(iter(health.values())).messages == 1
    with pytest.raises(ValueError, match="KIND"):
        parse_feed_spec("radar=udp://127.0.0.1:1")
    with pytest.raises(ValueError, match="names its radar"):
        parse_feed_spec("radar-nmea=udp://127.0.0.1:1")
    with pytest.raises(ValueError, match="not in sensors"):
        sensors_for_feeds(["radar-nmea:X=udp://127.0.0.1:1"], None, None, 1.0)
    (feed,) = sensors_for_feeds(["radar-nmea:X=udp://127.0.0.1:1"], None, "58.2,11.5", 9000.0)
    radar = feed.parser.radar.radar
    assert (radar.lat, radar.max_range_m) == (58.2, 9000.0)


def test_a_ships_nmea_bus_feeds_ais_and_radar_without_dead_lettering_either(tmp_path: Path):
    path = tmp_path / "bus.nmea"
    rmc = s("GPRMC,134601,A,5812.7405,N,01132.8508,E,0.0,67.0,270715,2.9,E,A")
    ttm = s("RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,1,T,,134601,M")
    path.write_text("\n".join([rmc, AIS, ttm, s("SDDBT,11.7,f,3.5,M,1.9,F")]) + "\n")
    sensors = Sensors(radars=(SITE,), ais_receivers=())
    feed = make_feed(
        "radar-nmea",
        "mux",
        FileSource(path, clock=lambda: 1_438_004_761.5),
        sensors=sensors,
        sensor_id="NAVICO",
    )
    broker = MemoryBroker()
    health = IngestService(MemoryBus(broker, "ingest")).run([feed])["mux"]
    assert health.by_topic == {"ais.reports": 1, "radar.plots": 1}
    assert health.parser["ais:accepted:type1"] == 1 and health.parser["ignored:SDDBT"] == 1


def test_a_silent_feed_still_reports_its_health():
    source = UdpSource("127.0.0.1", 0, clock=lambda: 1.0, max_connects=1, poll_s=0.05)
    broker = MemoryBroker()
    service = IngestService(MemoryBus(broker, "ingest"), health_interval_s=0.1)
    runner = threading.Thread(target=service.run, args=([make_feed("ais", "quiet", source)],))
    runner.start()
    for _ in range(100):
        if len(broker.read(FEED_HEALTH)) >= 3:
            break
        threading.Event().wait(0.05)
    service.stop()
    runner.join(timeout=5)
    reports = [json.loads(e.value) for e in broker.read(FEED_HEALTH)]
    assert len(reports) >= 3 and all(r["messages"] == 0 for r in reports)
    assert reports[0]["running"] is True and reports[-1]["running"] is False
    assert reports[0]["last_receipt_time"] is None  # nothing received: the status bar shows it stale


def test_ingest_command_on_the_embedded_bus_prints_the_final_health(tmp_path: Path, capsys):
    from fusion.cli import main

    path = tmp_path / "radar.nmea"
    rmc = s("GPRMC,134601,A,5812.7405,N,01132.8508,E,0.0,67.0,270715,2.9,E,A")
    path.write_text(rmc + "\n" + s("RATTM,01,0.48,263.6,T,0.0,2.9,T,0.48,,N,1,T,,134601,M") + "\n")
    assert main(["ingest", "--site", "58.2123416667,11.5475133333", f"radar-nmea:R1={path}"]) == 0
    (health,) = json.loads(capsys.readouterr().out).values()
    assert health["by_topic"] == {"radar.plots": 1} and health["parser"]["plot:TTM"] == 1
    assert main(["ingest", "radar-nmea:R1=udp://127.0.0.1:1"]) == 2  # no site for R1: a usage error
    assert "not in sensors" in capsys.readouterr().err


def test_an_ais_feed_id_names_the_receiver_of_untagged_lines(tmp_path: Path):
    path = tmp_path / "ais.nmea"
    path.write_text(f"\\c:1700000000*{nmea_checksum(b'c:1700000000'):02X}\\{AIS}\n")  # c: but no s:
    (feed,) = sensors_for_feeds([f"ais:KHI-AIS={path}"], None, None, 1.0)
    broker = MemoryBroker()
    IngestService(MemoryBus(broker, "ingest"), area="karachi").run([feed])
    (envelope,) = broker.read(topics.AIS_REPORTS)
    assert envelope.key == "karachi/KHI-AIS"  # AREA/SOURCE, as seawatch fuse reads raw topics
    assert from_json(AisReport, envelope.value).receiver_id == "KHI-AIS"


def test_a_missing_asterix_extra_is_a_usage_error_naming_the_install(tmp_path: Path, capsys, monkeypatch):
    import sys

    from fusion.cli import main

    monkeypatch.setitem(sys.modules, "asterix", None)
    assert main(["ingest", "--site", "45.8,16.0", "radar-asterix:R1=udp://127.0.0.1:1"]) == 2
    assert "pip install seawatch[asterix]" in capsys.readouterr().err


def test_a_parser_bug_dead_letters_the_input_and_the_feed_goes_on(tmp_path: Path):
    path = tmp_path / "feed.nmea"
    path.write_text(f"{AIS}\nboom\n{AIS}\n")
    feed = make_feed("ais", "buggy", FileSource(path, clock=lambda: 1_700_000_000.0))
    parse = feed.parse
    feed.parse = lambda line: (
        (_ for _ in ()).throw(RuntimeError("bug")) if line.text == "boom" else parse(line)
    )
    broker = MemoryBroker()
    health = IngestService(MemoryBus(broker, "ingest")).run([feed])["buggy"]
    assert health.by_topic == {"ais.reports": 2, "ingest.rejects": 1}
    (reject,) = [from_json(Reject, e.value) for e in broker.read(topics.REJECTS)]
    assert reject.raw == "boom" and reject.line_no == 2 and "RuntimeError" in reject.detail
