"""The ingest service: live or recorded feeds in, normalised records on the bus, health counters out.

One feed is one source (:mod:`ingest.sources`) and one parser: ``ais`` (NMEA AIS, ``AisDecoder``),
``radar-nmea`` (an ARPA radar's NMEA 0183 bus, ``RadarNmeaDecoder``), ``radar-asterix`` (ASTERIX
CAT048/CAT010 datagrams, ``AsterixDecoder``) or ``radar-jsonl`` (the scenario format). Every record a
parser returns is published with the topic and key of :func:`fusion.topics.topic_and_key`:
``ais.reports``, ``ais.static``, ``radar.plots``, and rejects (with their raw text) on
``ingest.rejects``. Nothing accepted is dropped: the service publishes every record before it
reads the next line.

Feed health: each feed keeps counters (lines in, records per topic, rejects per reason, the
parser's own counts, the source's connects and failures) and, every ``health_interval_s`` of the
service clock and when the feed ends, publishes a :class:`FeedHealth` record on ``feed.health``
(key: the feed name) for the dashboard's status bar: messages per second over the last interval,
the receive time and event time of the newest record, rejects by reason. Health uses the wall
clock on purpose: it describes the live link, not the data, and never enters the pipeline.
"""

from __future__ import annotations

import collections
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from fusion.bus import Bus
from fusion.schemas import (
    SCHEMA_VERSION,
    AisReport,
    AisStatic,
    RadarPlot,
    RadarSite,
    Reject,
    RejectReason,
    Sensors,
    to_json,
)
from fusion.topics import AIS_REPORTS, FEED_HEALTH, RADAR_PLOTS, REJECTS, area_key, topic_and_key
from ingest.ais import AisDecoder
from ingest.radar_asterix import AsterixDecoder
from ingest.radar_jsonl import parse_radar_line
from ingest.radar_nmea import RadarNmeaDecoder
from ingest.sensors import load_sensors
from ingest.sources import Clock, Datagram, FileSource, Line, PcapSource, TcpSource, UdpSource

log = logging.getLogger(__name__)


KINDS = ("ais", "radar-nmea", "radar-asterix", "radar-jsonl")
_JOIN_POLL_S = 0.2  # how often run() looks at the clock for health while feeds run

IngestRecord = AisReport | AisStatic | RadarPlot | Reject


class _Parser(Protocol):
    counts: collections.Counter[str]


@dataclass(slots=True)
class FeedHealth:
    """What the status bar shows for one feed; published as JSON on ``feed.health``.

    ``time`` is the service clock (unix s) when the record was made; ``messages_per_s`` counts the
    records published (all topics) over the last interval; ``last_receipt_time`` is when the source
    last received data, ``last_event_time`` the event time of the newest record published.
    """

    feed: str
    time: float
    running: bool
    lines: int = 0
    messages: int = 0
    messages_per_s: float = 0.0
    last_receipt_time: float | None = None
    last_event_time: float | None = None
    by_topic: dict[str, int] = field(default_factory=dict)
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    parser: dict[str, int] = field(default_factory=dict)
    source: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON, led by ``schema_version`` as every other topic's values are."""
        return {"schema_version": SCHEMA_VERSION, **asdict(self)}

    def to_json(self) -> bytes:
        return json.dumps(self.to_dict(), separators=(",", ":")).encode()


class Feed:
    """One source and its parser, pumped to a bus by :meth:`IngestService.run_feed`.

    Parameters
    ----------
    name : str
        Shown in health records and used as the rejects' ``source``.
    items : callable
        Returns the source's iterator of :class:`Line` or :class:`Datagram`.
    parse : callable
        ``parse(item) -> list of records`` for one line or datagram.
    parser : object with ``counts``
        The parser, for its counters (and ``flush()`` at the end of the input, if it has one).
    source : object with ``stats``, ``stop()`` and ``last_receipt_time``
        The source, for its counters and to stop it.
    """

    def __init__(
        self,
        name: str,
        items: Callable[[], Iterator[Line] | Iterator[Datagram]],
        parse: Callable[[Any], list[IngestRecord]],
        parser: _Parser,
        source: Any,
    ) -> None:
        self.name = name
        self.items = items
        self.parse = parse
        self.parser = parser
        self.source = source
        self.by_topic: collections.Counter[str] = collections.Counter()
        self.rejects: collections.Counter[str] = collections.Counter()
        self.lines = 0
        self.last_event_time: float | None = None
        self.running = False
        self.rate_mark: tuple[float, int] = (0.0, 0)
        """(service clock, messages) at the last health record: the base of messages_per_s."""


def make_feed(
    kind: str, name: str, source: Any, *, sensors: Sensors | None = None, sensor_id: str | None = None
) -> Feed:
    """A feed of ``kind`` (one of :data:`KINDS`) reading ``source``.

    Radar kinds need the radar (``sensor_id`` in ``sensors``): its site is the frame of the plots
    and its sigmas go into them; ``radar-jsonl`` lines name their own radar. For ``ais``,
    ``sensor_id`` is the receiver id of lines without a tag-block ``s:`` (default: the feed name).
    """
    if kind == "ais":
        ais = AisDecoder(sensor_id or name)
        return Feed(
            name, source.lines, lambda line: ais.feed(line.text, line.line_no, line.receipt_time), ais, source
        )
    if sensors is None:
        raise ValueError(f"feed {name}: a {kind} feed needs sensors.json (or --site) for the radar site")
    if kind == "radar-jsonl":
        jsonl = _JsonlParser(name, sensors)
        return Feed(name, source.lines, jsonl.feed, jsonl, source)
    radar = sensors.radar(sensor_id or "")
    if radar is None:
        known = ", ".join(r.id for r in sensors.radars) or "none"
        raise ValueError(f"feed {name}: radar {sensor_id!r} is not in sensors.json (radars: {known})")
    if kind == "radar-nmea":
        bus = _ShipBusParser(RadarNmeaDecoder(radar, name), AisDecoder(name))
        return Feed(name, source.lines, bus.feed, bus, source)
    if kind == "radar-asterix":
        if not hasattr(source, "datagrams"):
            raise ValueError(f"feed {name}: ASTERIX is read from udp://HOST:PORT or a .pcap capture")
        asterix = AsterixDecoder(radar, name)
        return Feed(
            name, source.datagrams, lambda d: asterix.feed(d.data, d.number, d.receipt_time), asterix, source
        )
    raise ValueError(f"feed {name}: unknown kind {kind!r}; use one of {', '.join(KINDS)}")


class _ShipBusParser:
    """A ship's NMEA multiplexer: radar and own-ship sentences, and the AIS receiver's on the same wire.

    AIS sentences (``!xxVDM``/``!xxVDO``, and ``$PGHP`` receive-time lines that precede them) go
    to an :class:`AisDecoder`, everything else to the radar decoder, so neither dead-letters the
    other's traffic. Counts of the AIS side are prefixed ``ais:``.
    """

    def __init__(self, radar: RadarNmeaDecoder, ais: AisDecoder) -> None:
        self.radar = radar
        self.ais = ais

    @property
    def counts(self) -> collections.Counter[str]:
        merged = collections.Counter(self.radar.counts)
        merged.update({f"ais:{key}": n for key, n in self.ais.counts.items()})
        return merged

    def feed(self, line: Line) -> list[IngestRecord]:
        sentence = line.text.lstrip()
        if sentence.startswith("\\"):  # NMEA 4.10 tag block: the sentence follows its closing backslash
            sentence = sentence[sentence.find("\\", 1) + 1 :]
        if sentence.startswith(("!", "$PGHP")):
            return self.ais.feed(line.text, line.line_no, line.receipt_time)
        return list(self.radar.feed(line.text, line.line_no, line.receipt_time))

    def flush(self) -> list[IngestRecord]:
        return list(self.ais.flush())


class _JsonlParser:
    """radar.jsonl lines through :func:`parse_radar_line`, with the counts the other parsers keep."""

    def __init__(self, name: str, sensors: Sensors) -> None:
        self.name = name
        self.sensors = sensors
        self.counts: collections.Counter[str] = collections.Counter()

    def feed(self, line: Line) -> list[IngestRecord]:
        if not line.text.strip():
            self.counts["skipped:blank"] += 1
            return []
        record = parse_radar_line(line.text, line.line_no, self.name, self.sensors)
        self.counts[f"reject:{record.reason}" if isinstance(record, Reject) else "plot:jsonl"] += 1
        return [record]


class IngestService:
    """Pump feeds to a bus, each in its own thread, and report their health.

    Parameters
    ----------
    bus : Bus
        Where records go (``fusion.bus_factory.open_bus``); its ``publish`` must be thread-safe
        (``MemoryBus`` and ``KafkaBus`` are).
    health_interval_s : float
        Seconds of the service clock between ``feed.health`` records of a feed. 5 s: a status bar
        that notices a dead feed within seconds without adding noticeable traffic.
    clock : Clock
        The service clock for health records (``time.time``; a fake in tests).
    area : str or None
        The tracking area the feeds belong to. When given, raw AIS reports and radar plots are keyed
        ``AREA/SOURCE`` (``fusion.topics.area_key``), the partitioning ``seawatch fuse`` expects.
    on_item : callable or None
        Called (from the feed threads) after each line or datagram, e.g. a progress bar's update.
    """

    def __init__(
        self,
        bus: Bus,
        *,
        health_interval_s: float = 5.0,
        clock: Clock = time.time,
        area: str | None = None,
        on_item: Callable[[], object] | None = None,
    ) -> None:
        self.bus = bus
        self.area = area
        self.on_item = on_item
        self.health_interval_s = health_interval_s
        self.clock = clock
        self.feeds: list[Feed] = []
        self._health_lock = threading.Lock()

    def run(self, feeds: list[Feed]) -> dict[str, FeedHealth]:
        """Run every feed until its input ends or :meth:`stop`; returns each feed's final health.

        The calling thread publishes every running feed's health each ``health_interval_s`` (so a
        silent feed still reports, with a stale ``last_receipt_time``); Ctrl-C stops the feeds.
        """
        self.feeds = feeds
        final: dict[str, FeedHealth] = {}

        def pump(feed: Feed) -> None:
            final[feed.name] = self.run_feed(feed)

        threads = [threading.Thread(target=pump, args=(f,), name=f"ingest-{f.name}") for f in feeds]
        for thread in threads:
            thread.start()
        next_health = time.monotonic() + self.health_interval_s
        try:
            while any(thread.is_alive() for thread in threads):
                next(t for t in threads if t.is_alive()).join(timeout=_JOIN_POLL_S)
                if time.monotonic() >= next_health:
                    next_health = time.monotonic() + self.health_interval_s
                    for feed in feeds:
                        if feed.running:
                            self._publish_health(feed)
        except KeyboardInterrupt:
            self.stop()
            for thread in threads:
                thread.join()
        self.bus.flush()
        return {feed.name: final.get(feed.name) or self.health(feed) for feed in feeds}

    def stop(self) -> None:
        """Stop every feed's source; each thread ends within its source's poll interval."""
        for feed in self.feeds:
            feed.source.stop()

    def run_feed(self, feed: Feed) -> FeedHealth:
        """Pump one feed to the bus in the calling thread until its input ends or it is stopped.

        Publishes the feed's final health when it ends (periodic health is :meth:`run`'s job).
        """
        feed.running = True
        feed.rate_mark = (self.clock(), 0)
        try:
            for item in feed.items():
                feed.lines += 1
                self._publish(feed, self._parse(feed, item))
                if self.on_item is not None:
                    self.on_item()
            flush = getattr(feed.parser, "flush", None)
            if flush is not None:
                self._publish(feed, flush())
        finally:
            feed.running = False
            health = self._publish_health(feed)
        return health

    def _parse(self, feed: Feed, item: Line | Datagram) -> list[IngestRecord]:
        """The parser's records; a parser bug dead-letters the input (logged), never ends the feed."""
        try:
            return feed.parse(item)
        except Exception as err:
            log.exception("%s: parser failed on input %d", feed.name, feed.lines)
            raw = item.text if isinstance(item, Line) else item.data.hex().upper()
            number = item.line_no if isinstance(item, Line) else item.number
            detail = f"parser error {type(err).__name__}: {err} (a seawatch bug; please report it)"
            reject = Reject(
                time=item.receipt_time,
                source=feed.name,
                line_no=number,
                reason=RejectReason.UNDECODABLE_PAYLOAD,
                detail=detail,
                raw=raw,
            )
            return [reject]

    def _publish(self, feed: Feed, records: list[IngestRecord]) -> None:
        for record in records:
            topic, key = topic_and_key(record)
            if self.area is not None and topic in (AIS_REPORTS, RADAR_PLOTS):
                key = area_key(self.area, key)
            time_s = record.time if record.time is not None else (feed.last_event_time or 0.0)
            self.bus.publish(topic, key, to_json(record), time_s)
            feed.by_topic[topic] += 1
            if topic == REJECTS:
                feed.rejects[str(record.reason)] += 1
            elif feed.last_event_time is None or record.time > feed.last_event_time:
                feed.last_event_time = record.time

    def health(self, feed: Feed, messages_per_s: float = 0.0, now: float | None = None) -> FeedHealth:
        return FeedHealth(
            feed=feed.name,
            time=self.clock() if now is None else now,
            running=feed.running,
            lines=feed.lines,
            messages=sum(feed.by_topic.values()),
            messages_per_s=round(messages_per_s, 3),
            last_receipt_time=feed.source.last_receipt_time,
            last_event_time=feed.last_event_time,
            by_topic=dict(sorted(feed.by_topic.items())),
            rejects_by_reason=dict(sorted(feed.rejects.items())),
            parser=dict(sorted(feed.parser.counts.items())),
            source=dict(sorted(feed.source.stats.items())),
        )

    def _publish_health(self, feed: Feed) -> FeedHealth:
        """Publish the feed's health, the rate being over the time since the previous one."""
        with self._health_lock:  # the feed's own thread (at its end) and run() may both report
            now = self.clock()
            messages = sum(feed.by_topic.values())
            since, messages_then = feed.rate_mark
            rate = (messages - messages_then) / (now - since) if now > since else 0.0
            feed.rate_mark = (now, messages)
            health = self.health(feed, rate, now)
            self.bus.publish(FEED_HEALTH, feed.name, health.to_json(), now)
        return health


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """A feed as written on the command line: ``KIND[:ID]=SOURCE``.

    ``ID`` is the radar (required for ``radar-nmea`` and ``radar-asterix``) or, for ``ais``, the
    receiver id given to lines without a tag-block ``s:``.

    ``SOURCE`` is ``tcp://HOST:PORT`` (connect to a line server), ``udp://HOST:PORT`` (listen),
    a ``.pcap`` capture, or a file (plain or gzip).
    """

    kind: str
    sensor_id: str | None
    source: str

    @property
    def name(self) -> str:
        return (
            f"{self.kind}:{self.sensor_id}@{self.source}" if self.sensor_id else f"{self.kind}@{self.source}"
        )


def parse_feed_spec(text: str) -> FeedSpec:
    """Parse ``KIND[:ID]=SOURCE``; the error says what a valid one looks like."""
    head, equals, source = text.partition("=")
    kind, _, sensor_id = head.partition(":")
    if not equals or not source or kind not in KINDS:
        raise ValueError(
            f"feed {text!r}: write KIND[:ID]=SOURCE with KIND one of {', '.join(KINDS)}, e.g. "
            "ais:KHI-AIS=tcp://127.0.0.1:10110 or radar-nmea:NAVICO=RadarLogs.txt"
        )
    if kind in ("radar-nmea", "radar-asterix") and not sensor_id:
        raise ValueError(f"feed {text!r}: a {kind} feed names its radar: {kind}:RADAR_ID={source}")
    return FeedSpec(kind, sensor_id or None, source)


def open_source(spec: FeedSpec, *, clock: Clock = time.time) -> Any:
    """The source a spec names; nothing is opened or connected until it is iterated."""
    scheme, _, address = spec.source.partition("://")
    if scheme in ("tcp", "udp") and address:
        host, _, port = address.rpartition(":")
        if not host or not port.isdigit():
            raise ValueError(
                f"feed {spec.source!r}: write {scheme}://HOST:PORT, e.g. {scheme}://127.0.0.1:10110"
            )
        source_cls = TcpSource if scheme == "tcp" else UdpSource
        return source_cls(host, int(port), clock=clock)
    path = Path(spec.source)
    if not path.is_file():
        raise FileNotFoundError(
            f"feed {spec.source!r}: no such file (or write tcp://HOST:PORT, udp://HOST:PORT)"
        )
    return PcapSource(path) if path.suffix == ".pcap" else FileSource(path)


#: Sigmas of a radar given only by ``--site``: those of a typical coastal surveillance radar
#: (the sensors.json example of docs/formats.md). Give a sensors.json for the real figures.
SITE_RANGE_SIGMA_M = 25.0
SITE_BEARING_SIGMA_DEG = 0.3


def sensors_for_feeds(
    specs: list[str], sensors_path: Path | None, site: str | None, max_range_m: float
) -> list[Feed]:
    """Feeds for command-line specs, with the radars from sensors.json and/or one ``--site LAT,LON``.

    ``--site`` places the one radar the radar feeds name (overriding its position in sensors.json,
    keeping its sigmas; or with :data:`SITE_RANGE_SIGMA_M`/:data:`SITE_BEARING_SIGMA_DEG` if it is
    not there). Raises ValueError with the fix for anything inconsistent.
    """
    parsed = [parse_feed_spec(text) for text in specs]
    sensors = load_sensors(sensors_path) if sensors_path is not None else Sensors(radars=(), ais_receivers=())
    if site is not None:
        sensors = _with_site(sensors, parsed, site, max_range_m)
    needs_sensors = any(spec.kind != "ais" for spec in parsed)
    feeds = [
        make_feed(
            spec.kind,
            spec.name,
            open_source(spec),
            sensors=sensors if needs_sensors else None,
            sensor_id=spec.sensor_id,
        )
        for spec in parsed
    ]
    return feeds


def _with_site(sensors: Sensors, specs: list[FeedSpec], site: str, max_range_m: float) -> Sensors:
    radar_ids = {spec.sensor_id for spec in specs if spec.sensor_id and spec.kind != "ais"}
    if len(radar_ids) != 1:
        raise ValueError(f"--site gives one radar's position; the feeds name {len(radar_ids)} radars")
    try:
        lat, lon = (float(v) for v in site.split(","))
    except ValueError:
        raise ValueError(f"--site {site!r}: write LAT,LON in degrees, e.g. --site 24.7958,66.9736") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(f"--site {site!r}: latitude must be in [-90, 90] and longitude in [-180, 180]")
    (radar_id,) = radar_ids
    known = sensors.radar(radar_id)
    radar = RadarSite(
        id=radar_id,
        lat=lat,
        lon=lon,
        height_m=known.height_m if known else 0.0,
        range_sigma_m=known.range_sigma_m if known else SITE_RANGE_SIGMA_M,
        bearing_sigma_deg=known.bearing_sigma_deg if known else SITE_BEARING_SIGMA_DEG,
        max_range_m=known.max_range_m if known else max_range_m,
        scan_period_s=known.scan_period_s if known else 2.5,
    )
    others = tuple(r for r in sensors.radars if r.id != radar_id)
    return Sensors(radars=(*others, radar), ais_receivers=sensors.ais_receivers)
