"""Sources against real sockets on 127.0.0.1 (free ports picked by the OS) and real files.

Every loop here is bounded: sources get ``max_connects`` and a short ``poll_s``, the collectors stop
after the expected number of lines, and a watchdog stops the source after a few seconds.
"""

from __future__ import annotations

import gzip
import random
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.sources import Backoff, FileSource, Line, PcapError, PcapSource, TcpSource, UdpSource

FAST = dict(poll_s=0.05)


def _collect(lines: Iterator[Line], n: int, source, timeout_s: float = 5.0) -> list[Line]:
    """Up to ``n`` lines; a watchdog stops the source if they do not come in time."""
    watchdog = threading.Timer(timeout_s, source.stop)
    watchdog.start()
    out: list[Line] = []
    try:
        for line in lines:
            out.append(line)
            if len(out) == n:
                break
    finally:
        watchdog.cancel()
    return out


def _tcp_server(sessions: list[list[bytes]]) -> tuple[int, threading.Thread]:
    """A server that plays one list of chunks per accepted connection, then closes for good."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        with listener:
            listener.settimeout(5.0)
            for chunks in sessions:
                conn, _ = listener.accept()
                with conn:
                    for chunk in chunks:
                        conn.sendall(chunk)
                        threading.Event().wait(0.02)  # separate TCP segments

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return port, thread


def test_tcp_lines_split_across_packets_survive_disconnects_and_reconnects():
    port, server = _tcp_server(
        [
            [b"!AIVDM,line1\r\n!AIV", b"DM,line2\r\n", b"!AIVDM,part"],  # peer hangs up mid-line
            [b"!AIVDM,line3\n"],
        ]
    )
    clock_ticks = iter(range(1000, 2000))
    source = TcpSource(
        "127.0.0.1",
        port,
        clock=lambda: float(next(clock_ticks)),
        backoff=Backoff(initial_s=0.01, max_s=0.05, rng=random.Random(1)),
        max_connects=4,
        **FAST,
    )
    lines = _collect(source.lines(), 4, source)
    server.join(timeout=5)
    assert [line.text for line in lines] == ["!AIVDM,line1", "!AIVDM,line2", "!AIVDM,part", "!AIVDM,line3"]
    assert [line.line_no for line in lines] == [1, 2, 3, 4]  # numbered over the source's life
    assert all(line.receipt_time is not None and line.receipt_time >= 1000 for line in lines)
    # the collector stops at the 4th line, before it could see the second session end
    assert source.stats["connects"] == 2 and source.stats["disconnects"] == 1
    assert source.stats["partial_lines_at_disconnect"] == 1


def test_tcp_retries_with_backoff_and_gives_up_after_max_connects():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed when the block ends: nothing listens there
    source = TcpSource(
        "127.0.0.1",
        port,
        backoff=Backoff(initial_s=0.01, max_s=0.02, rng=random.Random(7)),
        max_connects=3,
        **FAST,
    )
    assert source.stats == {}  # the constructor does not connect
    assert list(source.lines()) == []
    assert source.stats["connect_failures"] == 3 and source.stats["connects"] == 0
    assert 0 < source.stats["backoff_s"] <= 0.01 + 0.02 + 0.02


def test_tcp_stop_from_another_thread_ends_a_quiet_connection():
    port, _ = _tcp_server([[b"$RATTM,1\n"]])
    source = TcpSource("127.0.0.1", port, max_connects=1, **FAST)
    lines = _collect(source.lines(), 1, source)
    assert [line.text for line in lines] == ["$RATTM,1"]


def test_tcp_overlong_lines_are_cut_not_buffered_forever():
    port, _ = _tcp_server([[b"x" * 2500, b"\nok\n"]])
    source = TcpSource("127.0.0.1", port, max_line_bytes=1000, max_connects=1, **FAST)
    lines = _collect(source.lines(), 4, source)
    assert [len(line.text) for line in lines] == [1000, 1000, 500, 2]
    assert source.stats["lines_cut_for_length"] == 2


def test_udp_datagrams_are_lines_with_or_without_a_terminator():
    source = UdpSource("127.0.0.1", 0, clock=lambda: 5.0, max_connects=1, **FAST)
    received: list[Line] = []
    reader = threading.Thread(target=lambda: received.extend(_collect(source.lines(), 3, source)))
    reader.start()
    assert source.listening.wait(5.0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        for payload in (b"!AIVDM,a\r\n!AIVDM,b\r\n", b"!AIVDM,c"):
            sender.sendto(payload, ("127.0.0.1", source.bound_port))
    reader.join(timeout=6)
    assert [line.text for line in received] == ["!AIVDM,a", "!AIVDM,b", "!AIVDM,c"]
    assert {line.receipt_time for line in received} == {5.0}
    assert source.stats["datagrams"] == 2


def test_udp_binary_datagrams_arrive_whole():
    source = UdpSource("127.0.0.1", 0, max_connects=1, **FAST)
    received = []

    def read() -> None:
        for datagram in source.datagrams():
            received.append(datagram)
            source.stop()

    reader = threading.Thread(target=read)
    reader.start()
    assert source.listening.wait(5.0)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
        sender.sendto(b"\x30\x00\x05\xff\n\x00", ("127.0.0.1", source.bound_port))
    reader.join(timeout=6)
    assert [d.data for d in received] == [b"\x30\x00\x05\xff\n\x00"]


@pytest.mark.parametrize("compressed", [False, True])
def test_files_plain_or_gzip_by_content_not_name(tmp_path: Path, compressed: bool):
    text = b"!AIVDM,one\r\n\n!AIVDM,two"
    path = tmp_path / "feed.nmea"  # no .gz suffix: the magic bytes decide
    path.write_bytes(gzip.compress(text) if compressed else text)
    lines = list(FileSource(path).lines())
    assert [(line.text, line.line_no, line.receipt_time) for line in lines] == [
        ("!AIVDM,one", 1, None),
        ("", 2, None),
        ("!AIVDM,two", 3, None),
    ]
    stamped = list(FileSource(path, clock=lambda: 42.0).lines())
    assert {line.receipt_time for line in stamped} == {42.0}


def test_pcap_that_is_not_classic_pcap_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "capture.pcapng"
    path.write_bytes(b"\x0a\x0d\x0d\x0a" + bytes(40))
    with pytest.raises(PcapError, match="not a classic pcap"):
        list(PcapSource(path).datagrams())


def test_backoff_is_exponential_with_full_jitter_and_seeded():
    def schedule(seed: int) -> list[float]:
        backoff = Backoff(initial_s=1.0, max_s=8.0, rng=random.Random(seed))
        return [backoff.next_delay_s() for _ in range(6)]

    delays = schedule(3)
    assert delays == schedule(3) and delays != schedule(4)
    for n, delay in enumerate(delays):
        assert 0.0 <= delay <= min(8.0, 2.0**n)
    backoff = Backoff(initial_s=1.0, rng=random.Random(0))
    backoff.next_delay_s()
    backoff.reset()
    assert backoff.failures == 0
