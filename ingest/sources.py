"""Where ingest's bytes come from: files (plain or gzip), TCP clients, UDP listeners, pcap recordings.

This is the only network and file I/O of live ingest. Each source yields :class:`Line` (text feeds:
NMEA, JSON Lines) or :class:`Datagram` (binary feeds: ASTERIX) in arrival order, numbered from 1
over the source's whole life (across reconnects), and stamped with the source clock's receive time,
which the parsers use only when a line carries no time of its own (no tag-block ``c:``).

Network sources never connect in their constructor (so building one is cheap, testable and cannot
fail on a network that is not up yet); they connect when iterated, reconnect after any failure or
disconnect, and wait between attempts with exponential back-off and full jitter drawn from an
injectable ``random.Random`` (seeded: the same retry schedule every run of a test). ``stop()``
(from any thread) ends iteration within one ``poll_s``; breaking out of the loop closes the socket.

Nothing accepted is dropped silently: a partial line left in the buffer when a TCP peer disconnects
is yielded as it is (the parser rejects it with its raw text), and a line longer than
``max_line_bytes`` is cut and yielded (so a peer that never sends a newline cannot exhaust memory).
Each source keeps counters in ``stats`` (connects, disconnects, failures, lines, bytes, last receive
time) for the feed-health status.
"""

from __future__ import annotations

import collections
import gzip
import logging
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

Clock = Callable[[], float]
"""Returns the current time in unix seconds; ``time.time`` live, a fake in tests."""

_GZIP_MAGIC = b"\x1f\x8b"
_READ_BYTES = 65_536


@dataclass(frozen=True, slots=True)
class Line:
    """One text line as received: without its terminator, numbered, stamped with the receive time."""

    text: str
    line_no: int
    receipt_time: float | None


@dataclass(frozen=True, slots=True)
class Datagram:
    """One binary message (a UDP payload, a pcap packet) as received."""

    data: bytes
    number: int
    receipt_time: float | None


@dataclass
class Backoff:
    """Exponential back-off with full jitter between reconnection attempts.

    The n-th consecutive failure waits a uniform random time in [0, min(max_s, initial_s * 2**n)]
    ("full jitter": many receivers restarted together do not hammer a server in lock-step).

    Parameters
    ----------
    initial_s : float
        Ceiling of the first wait, seconds. 0.5 s: a restarted AIS-catcher is back in about that.
    max_s : float
        Largest ceiling, seconds. 30 s bounds how stale a feed stays after its server returns.
    rng : random.Random
        Source of the jitter; pass a seeded one for a reproducible schedule.
    """

    initial_s: float = 0.5
    max_s: float = 30.0
    rng: random.Random | None = None
    failures: int = 0

    def next_delay_s(self) -> float:
        ceiling = min(self.max_s, self.initial_s * 2.0**self.failures)
        self.failures += 1
        return (self.rng or random).uniform(0.0, ceiling)

    def reset(self) -> None:
        self.failures = 0


class _Source:
    """Stop flag, counters and line splitting shared by the sources."""

    backoff: Backoff

    def __init__(self, name: str, clock: Clock | None) -> None:
        self.name = name
        self.clock = clock
        self.stats: collections.Counter[str] = collections.Counter()
        self.last_receipt_time: float | None = None
        self._stop = threading.Event()
        self._count = 0

    def stop(self) -> None:
        """Ask the iteration to end (thread-safe); it does within one poll interval."""
        self._stop.set()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def _now(self) -> float | None:
        now = self.clock() if self.clock is not None else None
        if now is not None:
            self.last_receipt_time = now
        return now

    def _line(self, raw: bytes, receipt_time: float | None) -> Line:
        self._count += 1
        self.stats["lines"] += 1
        text = raw.decode("ascii", errors="replace").rstrip("\r\n")
        return Line(text, self._count, receipt_time)

    def _wait(self) -> None:
        """Back off before the next connection attempt; ``stop()`` cuts the wait short."""
        delay = self.backoff.next_delay_s()
        self.stats["backoff_s"] += delay
        self._stop.wait(delay)

    def _datagram(self, data: bytes, receipt_time: float | None) -> Datagram:
        self._count += 1
        self.stats["datagrams"] += 1
        self.stats["bytes"] += len(data)
        return Datagram(data, self._count, receipt_time)


class FileSource(_Source):
    """Lines of a text file, plain or gzip (recognised by its magic bytes, not its name).

    Parameters
    ----------
    path : Path
        The file.
    clock : Clock or None
        None (the default for a recording): lines carry no receive time, so their time must come
        from the data itself. A clock stamps each line, as for a live feed written to a file.
    """

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        super().__init__(str(path), clock)
        self.path = path

    def lines(self) -> Iterator[Line]:
        with self.path.open("rb") as probe:
            gzipped = probe.read(2) == _GZIP_MAGIC
        opener = gzip.open if gzipped else open
        with opener(self.path, "rb") as handle:
            for raw in handle:
                if self.stopped:
                    return
                self.stats["bytes"] += len(raw)
                yield self._line(raw, self._now())


class _StreamSplitter:
    """Bytes in arbitrary chunks to whole lines; keeps the partial tail for the next chunk."""

    def __init__(self, max_line_bytes: int) -> None:
        self.max_line_bytes = max_line_bytes
        self.buffer = bytearray()

    def feed(self, chunk: bytes) -> tuple[list[bytes], int]:
        """Complete lines in this chunk (with the earlier tail), and how many were cut for length."""
        self.buffer += chunk
        *complete, tail = bytes(self.buffer).split(b"\n")
        cut = 0
        while len(tail) > self.max_line_bytes:
            complete.append(tail[: self.max_line_bytes])
            tail = tail[self.max_line_bytes :]
            cut += 1
        self.buffer = bytearray(tail)
        return complete, cut

    def take_tail(self) -> bytes:
        tail, self.buffer = bytes(self.buffer), bytearray()
        return tail


class TcpSource(_Source):
    """A TCP client of a line server (AIS-catcher ``-S``, rtl_ais ``-T``, AISHub, a radar's NMEA port).

    Parameters
    ----------
    host, port : str, int
        The server.
    clock : Clock
        Receive-time stamps, unix seconds (``time.time`` live).
    backoff : Backoff or None
        Wait between connection attempts; a failure or a disconnect counts, a received line resets.
    poll_s : float
        Socket timeout: how often a blocked read checks ``stop()``. Also the connect timeout x 10.
    max_line_bytes : int
        A line longer than this is cut and yielded in pieces. NMEA sentences are at most 82
        characters (a tag block adds ~100); 64 KiB is far beyond any real line.
    max_connects : int or None
        Stop after this many connection attempts (tests; None = forever).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        clock: Clock = time.time,
        backoff: Backoff | None = None,
        poll_s: float = 0.5,
        max_line_bytes: int = 65_536,
        max_connects: int | None = None,
    ) -> None:
        super().__init__(f"tcp://{host}:{port}", clock)
        self.host, self.port = host, port
        self.backoff = backoff or Backoff()
        self.poll_s = poll_s
        self.max_line_bytes = max_line_bytes
        self.max_connects = max_connects

    def lines(self) -> Iterator[Line]:
        attempts = 0
        while not self.stopped and (self.max_connects is None or attempts < self.max_connects):
            attempts += 1
            try:
                sock = socket.create_connection((self.host, self.port), timeout=self.poll_s * 10)
            except OSError as err:
                self.stats["connect_failures"] += 1
                log.warning("%s: connect failed (%s)", self.name, err)
                self._wait()
                continue
            self.stats["connects"] += 1
            try:
                yield from self._read(sock)
            finally:
                sock.close()
            if not self.stopped:
                self._wait()

    def _read(self, sock: socket.socket) -> Iterator[Line]:
        sock.settimeout(self.poll_s)
        splitter = _StreamSplitter(self.max_line_bytes)
        while not self.stopped:
            try:
                chunk = sock.recv(_READ_BYTES)
            except TimeoutError:
                continue
            except OSError as err:
                log.warning("%s: connection lost (%s)", self.name, err)
                chunk = b""
            if not chunk:
                self.stats["disconnects"] += 1
                tail = splitter.take_tail()
                if tail.strip():
                    self.stats["partial_lines_at_disconnect"] += 1
                    yield self._line(tail, self._now())
                return
            self.stats["bytes"] += len(chunk)
            now = self._now()
            complete, cut = splitter.feed(chunk)
            self.stats["lines_cut_for_length"] += cut
            for raw in complete:
                self.backoff.reset()
                yield self._line(raw, now)


class UdpSource(_Source):
    """A UDP listener: NMEA lines (AIS-catcher ``-u``, rtl_ais, radar ARPA output) or binary datagrams.

    Each datagram is taken whole: its lines are split on newlines and a last line without one is a
    line too (many senders send one sentence per datagram without a terminator). If the socket
    fails, it is re-bound after a back-off wait.

    Parameters
    ----------
    host, port : str, int
        Address to bind; port 0 picks a free one (see ``bound_port`` once listening).
    clock, backoff, poll_s, max_connects
        As for :class:`TcpSource` (``max_connects`` counts binds).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        clock: Clock = time.time,
        backoff: Backoff | None = None,
        poll_s: float = 0.5,
        max_connects: int | None = None,
    ) -> None:
        super().__init__(f"udp://{host}:{port}", clock)
        self.host, self.port = host, port
        self.backoff = backoff or Backoff()
        self.poll_s = poll_s
        self.max_connects = max_connects
        self.bound_port: int | None = None
        self.listening = threading.Event()
        """Set once the socket is bound: a sender may start."""

    def lines(self) -> Iterator[Line]:
        for datagram in self.datagrams():
            for raw in datagram.data.split(b"\n"):
                if raw.strip():
                    yield self._line(raw, datagram.receipt_time)

    def datagrams(self) -> Iterator[Datagram]:
        binds = 0
        while not self.stopped and (self.max_connects is None or binds < self.max_connects):
            binds += 1
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                sock.bind((self.host, self.port))
            except OSError as err:
                self.stats["connect_failures"] += 1
                log.warning("%s: bind failed (%s)", self.name, err)
                sock.close()
                self._wait()
                continue
            self.stats["connects"] += 1
            self.bound_port = sock.getsockname()[1]
            self.listening.set()
            try:
                yield from self._receive(sock)
            finally:
                sock.close()
                self.listening.clear()

    def _receive(self, sock: socket.socket) -> Iterator[Datagram]:
        sock.settimeout(self.poll_s)
        while not self.stopped:
            try:
                data = sock.recv(_READ_BYTES)
            except TimeoutError:
                continue
            except OSError as err:
                self.stats["disconnects"] += 1
                log.warning("%s: receive failed (%s)", self.name, err)
                self._wait()
                return
            self.backoff.reset()
            yield self._datagram(data, self._now())


# Classic libpcap: a 24-byte file header, then per packet a 16-byte header and the frame.
_PCAP_MAGIC = {b"\xd4\xc3\xb2\xa1": ("<", 1e-6), b"\xa1\xb2\xc3\xd4": (">", 1e-6)}
_PCAP_MAGIC |= {b"\x4d\x3c\xb2\xa1": ("<", 1e-9), b"\xa1\xb2\x3c\x4d": (">", 1e-9)}
_LINKTYPE_ETHERNET = 1
_ETHERTYPE_IPV4, _ETHERTYPE_VLAN = 0x0800, 0x8100
_IPPROTO_UDP = 17


class PcapError(ValueError):
    """A capture file this reader cannot use; the message says which and why."""


class PcapSource(_Source):
    """UDP payloads of a classic pcap capture (Ethernet/IPv4), stamped with their capture time.

    Radar data (ASTERIX) is usually recorded with tcpdump/Wireshark as it arrived over UDP; the
    capture time is the receive time. Only this framing is read (a pcapng or non-Ethernet file is
    a clear error; IPv6, non-UDP and fragmented packets are counted in
    ``stats["skipped_packets"]``, never guessed at), which is why a packet library is not needed.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(str(path), None)
        self.path = path

    def datagrams(self) -> Iterator[Datagram]:
        data = self.path.read_bytes()
        if data[:4] not in _PCAP_MAGIC:
            raise PcapError(f"{self.path}: not a classic pcap file (pcapng? save it as pcap in Wireshark)")
        endian, tick_s = _PCAP_MAGIC[data[:4]]
        (linktype,) = struct.unpack_from(endian + "I", data, 20)
        if linktype != _LINKTYPE_ETHERNET:
            raise PcapError(f"{self.path}: link type {linktype}, only Ethernet (1) captures are read")
        offset = 24
        while offset + 16 <= len(data) and not self.stopped:
            seconds, fraction, captured, _ = struct.unpack_from(endian + "IIII", data, offset)
            frame = data[offset + 16 : offset + 16 + captured]
            offset += 16 + captured
            payload = _udp_payload(frame)
            if payload is None:
                self.stats["skipped_packets"] += 1
                continue
            yield self._datagram(payload, seconds + fraction * tick_s)


def _udp_payload(frame: bytes) -> bytes | None:
    """The UDP payload of an Ethernet II frame carrying IPv4 (optionally one VLAN tag), else None."""
    ethertype_at = 12
    (ethertype,) = struct.unpack_from("!H", frame, ethertype_at)
    if ethertype == _ETHERTYPE_VLAN:
        ethertype_at += 4
        (ethertype,) = struct.unpack_from("!H", frame, ethertype_at)
    ip = ethertype_at + 2
    if ethertype != _ETHERTYPE_IPV4 or len(frame) < ip + 20 or frame[ip + 9] != _IPPROTO_UDP:
        return None
    (flags_fragment,) = struct.unpack_from("!H", frame, ip + 6)
    if flags_fragment & 0x3FFF:  # more-fragments flag or a fragment offset: part of a datagram
        return None
    header_bytes = (frame[ip] & 0x0F) * 4
    (udp_length,) = struct.unpack_from("!H", frame, ip + header_bytes + 4)
    start = ip + header_bytes + 8
    return frame[start : start + udp_length - 8]
