"""Everything the dashboard has read from the bus, indexed by event time.

The live picture and an analyst's replay are the same query, ``picture_at(T)``: the
latest state of each track at or before ``T``, the alerts and acknowledgements up to
``T``, the feeds' health at ``T``. It is a pure function of the records read and of ``T``,
so the picture at a time is the same whether the analyst played up to it, seeked to it,
stepped back to it or watched it live. Nothing here reads the wall clock.

Memory is bounded by ``HistoryConfig.retention_s`` of event time behind the newest record:
``trim`` forgets older records but keeps the latest of each key before the window, so the
picture at any time inside the window (the replay's seekable range, ``start`` to ``end``) is
exactly what it was. Track states are stored as plain tuples of numbers and strings, which
Python's cyclic garbage collector stops tracking: a full collection then costs the number of
tracks, not the number of states read (150 ms at 120,000 states as dataclass instances).
"""

from __future__ import annotations

import bisect
import operator
from array import array
from collections import defaultdict
from dataclasses import dataclass, field, fields

from fusion.schemas import AisStatic, Alert, AlertAck, AlertState, Severity, TrackState, TrackStatus

FEED_RATE_WINDOW_S = 60.0
"""Messages per second are averaged over this much event time: one radar scan (2.5 s) is
too short to be steady, and AIS class B reports only every 30 s."""

SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}
TRIM_EVERY_S = 60.0
"""Event time the history may grow past its retention window before ``trim`` cuts it back:
one pass over every log per minute, not per refresh."""


@dataclass(frozen=True, slots=True)
class TrackView:
    """One track as shown at picture time: its latest state and a thinned trail."""

    state: TrackState
    trail_lon: tuple[float, ...]
    trail_lat: tuple[float, ...]

    @property
    def kind(self) -> str:
        """``fused`` (AIS and radar), ``ais`` (AIS only) or ``dark`` (radar only, no MMSI)."""
        if self.state.mmsi is None:
            return "dark"
        return "fused" if self.state.radar_ids else "ais"


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert's latest event at picture time, with its acknowledgement if any."""

    alert: Alert
    raised_time: float
    ack: AlertAck | None


@dataclass(frozen=True, slots=True)
class FeedHealth:
    """One source's health at picture time; times are event time (unix s)."""

    source: str
    kind: str
    messages_per_s: float
    last_time: float | None
    age_s: float | None
    rejects: int
    stalled: bool


@dataclass(frozen=True, slots=True)
class Picture:
    """What a dashboard shows at one picture time ``time`` (unix s, event time)."""

    time: float | None
    tracks: dict[str, TrackView]
    alerts: list[AlertView]
    feeds: list[FeedHealth]
    statics: dict[int, AisStatic]

    @property
    def open_alerts(self) -> list[AlertView]:
        return [a for a in self.alerts if a.alert.state != "cleared"]


@dataclass
class _TimeLog:
    """Records of one key, sorted by time (ties keep arrival order)."""

    times: list[float] = field(default_factory=list)
    items: list = field(default_factory=list)
    dropped: int = 0
    """Records trimmed from the front: counts up to a time stay cumulative."""

    def add(self, time: float, item: object) -> int:
        """Insert in time order; returns the index the record took."""
        if not self.times or time >= self.times[-1]:
            self.times.append(time)
            self.items.append(item)
            return len(self.times) - 1
        # late arrival: keep the log sorted so the picture at T does not depend on arrival
        i = bisect.bisect_right(self.times, time)
        self.times.insert(i, time)
        self.items.insert(i, item)
        return i

    def upto(self, time: float) -> int:
        """Number of kept records with time <= ``time`` (an index into ``items``)."""
        return bisect.bisect_right(self.times, time)

    def count_upto(self, time: float) -> int:
        """Number of records ever added with time <= ``time`` (for ``time`` inside the window)."""
        return self.dropped + self.upto(time)

    def trim(self, before: float) -> None:
        """Forget records older than ``before`` except the latest of them (the state at ``before``).

        New lists replace the old ones, so a reader holding the old lists is not disturbed.
        """
        k = bisect.bisect_right(self.times, before) - 1
        if k > 0:
            self.times, self.items, self.dropped = self.times[k:], self.items[k:], self.dropped + k


_TRACK_FIELDS = tuple(f.name for f in fields(TrackState))
_ROW_FIELDS = tuple(name for name in _TRACK_FIELDS if name not in ("track_id", "status", "cov"))
_row_of = operator.attrgetter(*_ROW_FIELDS)


_RADAR_IDS = _ROW_FIELDS.index("radar_ids")
_MMSI = _ROW_FIELDS.index("mmsi")


def _row(state: TrackState, shared: dict[tuple, tuple]) -> tuple:
    """A state's fields but its track id and status, with ``cov`` packed as 8-byte floats (16
    float objects and their tuple are 570 bytes, the packed bytes 160) and the radar ids
    tuple shared with every equal one (``shared``), not one decoded copy per state."""
    row = _row_of(state)
    radar_ids = shared.setdefault(state.radar_ids, state.radar_ids)
    return (*row[:_RADAR_IDS], radar_ids, *row[_RADAR_IDS + 1 :], array("d", state.cov).tobytes())


class _TrackLog:
    """One track's states in time order, as untracked tuples, with positions as plain lists.

    A state is kept as the tuple of its numbers and strings (``_row``; the track id
    is the log's, the status an enum member in a list of its own), which the garbage
    collector stops tracking; ``state(i)`` rebuilds the ``TrackState``, and the newest one
    is kept as read. The positions are also plain lists so a trail is two C-level slices.
    """

    __slots__ = ("latest", "lats", "lons", "rows", "statuses", "times", "track_id")

    def __init__(self, track_id: str) -> None:
        self.track_id = track_id
        self.times: list[float] = []
        self.lons: list[float] = []
        self.lats: list[float] = []
        self.rows: list[tuple] = []
        self.statuses: list[TrackStatus] = []
        self.latest: TrackState | None = None

    def add(self, state: TrackState, shared: dict[tuple, tuple]) -> None:
        time = state.time
        if not self.times or time >= self.times[-1]:
            i = len(self.times)
            self.latest = state
        else:  # late arrival: keep the log sorted so the picture at T does not depend on arrival
            i = bisect.bisect_right(self.times, time)
        self.times.insert(i, time)
        self.lons.insert(i, state.lon)
        self.lats.insert(i, state.lat)
        self.rows.insert(i, _row(state, shared))
        self.statuses.insert(i, state.status)

    def upto(self, time: float) -> int:
        return bisect.bisect_right(self.times, time)

    def state(self, i: int) -> TrackState:
        """The ``i``-th kept state (the newest is returned as read, not rebuilt)."""
        if i == len(self.times) - 1 and self.latest is not None:
            return self.latest
        *row, cov = self.rows[i]
        values = dict(zip(_ROW_FIELDS, row, strict=True))
        values["cov"] = tuple(array("d", cov))
        return TrackState(track_id=self.track_id, status=self.statuses[i], **values)

    def trim(self, before: float) -> None:
        """As ``_TimeLog.trim``: the latest state older than ``before`` stays."""
        k = bisect.bisect_right(self.times, before) - 1
        if k > 0:
            self.times, self.lons, self.lats = self.times[k:], self.lons[k:], self.lats[k:]
            self.rows, self.statuses = self.rows[k:], self.statuses[k:]


@dataclass(frozen=True, slots=True)
class HistoryConfig:
    """How the picture is drawn from the history.

    Parameters
    ----------
    trail_s:
        History trail length behind each track (s).
    trail_points:
        Trail points kept per track after thinning: enough to show a turn, few enough that
        2,000 trails stay a small payload.
    stall_after_s:
        A feed whose newest record is this much older than picture time is shown as
        stalled: ten radar scans, and longer than a busy receiver goes without a report.
    show_tentative:
        Draw tracks the tracker has not confirmed yet (clutter for a watch officer).
    retention_s:
        Event time kept behind the newest record (s): the replay's seekable range and the
        dashboard's memory, about 0.6 kB per track state kept (benchmarks/dashboard.py), so
        1.8 GB per hour for 2,000 tracks each updated every 2.5 s radar scan. None keeps
        everything, for a bounded recording only. One hour by default: the last hour of the
        watch can be replayed; older incidents are on the topics, in the recorder's files
        and in exports.
    """

    trail_s: float = 300.0
    trail_points: int = 10
    stall_after_s: float = 30.0
    show_tentative: bool = False
    retention_s: float | None = 3600.0

    def __post_init__(self) -> None:
        shortest = max(self.trail_s, FEED_RATE_WINDOW_S)
        if self.retention_s is not None and self.retention_s < shortest:
            raise ValueError(
                f"retention_s={self.retention_s} is shorter than a trail ({self.trail_s} s) or the "
                f"feed rate window ({FEED_RATE_WINDOW_S} s): give at least {shortest}"
            )


class History:
    """Time-indexed store of tracks, alerts, acknowledgements, AIS static data and feed activity."""

    def __init__(self, config: HistoryConfig | None = None) -> None:
        self.config = config or HistoryConfig()
        self.tracks: dict[str, _TrackLog] = {}
        self.alerts = _TimeLog()
        self._radar_ids: dict[tuple, tuple] = {}
        """One tuple per set of radar ids seen, shared by the states that name it."""
        self.raised: dict[str, float] = {}
        """First event time of each alert (its raise), kept when older events are trimmed."""
        self.acks: dict[str, _TimeLog] = defaultdict(_TimeLog)
        self.statics: dict[int, _TimeLog] = defaultdict(_TimeLog)
        self.feeds: dict[tuple[str, str], _TimeLog] = defaultdict(_TimeLog)
        self.rejects: dict[str, _TimeLog] = defaultdict(_TimeLog)
        self.start: float | None = None
        self.end: float | None = None
        self.version = 0
        """Bumped on every change, so callers can cache a picture per (time, version)."""

    # --- ingestion -------------------------------------------------------------------------

    def _extend(self, time: float) -> None:
        self.start = time if self.start is None else min(self.start, time)
        self.end = time if self.end is None else max(self.end, time)
        self.version += 1

    def add_track(self, state: TrackState) -> None:
        log = self.tracks.get(state.track_id)
        if log is None:
            log = self.tracks[state.track_id] = _TrackLog(state.track_id)
        log.add(state, self._radar_ids)
        self._extend(state.time)

    def add_alert(self, alert: Alert) -> None:
        self.alerts.add(alert.time, alert)
        self.raised[alert.alert_id] = min(alert.time, self.raised.get(alert.alert_id, alert.time))
        self._extend(alert.time)

    def add_ack(self, ack: AlertAck) -> None:
        self.acks[ack.alert_id].add(ack.time, ack)
        self.version += 1

    def add_static(self, static: AisStatic) -> None:
        self.statics[static.mmsi].add(static.time, static)
        self.add_feed_message("ais", static.receiver_id or "AIS", static.time)

    def add_feed_message(self, kind: str, source: str, time: float) -> None:
        """One accepted raw record from ``source`` (a receiver or radar id) at event time ``time``."""
        self.feeds[(kind, source)].add(time, None)
        self.version += 1

    def add_reject(self, source: str, time: float) -> None:
        self.rejects[source].add(time, None)
        self.version += 1

    # --- queries ---------------------------------------------------------------------------

    def picture_at(self, time: float | None) -> Picture:
        """The picture at event time ``time`` (None: nothing received yet)."""
        if time is None:
            return Picture(None, {}, [], [], {})
        return Picture(
            time=time,
            tracks=self.tracks_at(time),
            alerts=self.alerts_at(time),
            feeds=self.feeds_at(time),
            statics={mmsi: log.items[n - 1] for mmsi, log in self.statics.items() if (n := log.upto(time))},
        )

    def tracks_at(self, time: float) -> dict[str, TrackView]:
        config = self.config
        out: dict[str, TrackView] = {}
        for track_id, log in self.tracks.items():
            n = log.upto(time)
            if n == 0:
                continue
            state = log.state(n - 1)
            if state.status is TrackStatus.LOST or (
                state.status is TrackStatus.TENTATIVE and not config.show_tentative
            ):
                continue
            first = bisect.bisect_left(log.times, time - config.trail_s, 0, n)
            step = max(1, (n - 1 - first) // config.trail_points)
            # the thinned past, then the current position exactly once
            lons, lats = log.lons[first : n - 1 : step], log.lats[first : n - 1 : step]
            lons.append(state.lon)
            lats.append(state.lat)
            out[track_id] = TrackView(state, tuple(lons), tuple(lats))
        return out

    def alerts_at(self, time: float) -> list[AlertView]:
        """Latest event of each alert up to ``time``, newest first."""
        latest: dict[str, Alert] = {}
        for alert in self.alerts.items[: self.alerts.upto(time)]:
            latest[alert.alert_id] = alert
        views = []
        for alert_id, alert in latest.items():
            acks = self.acks.get(alert_id)
            n = acks.upto(time) if acks else 0
            views.append(AlertView(alert, self.raised[alert_id], acks.items[n - 1] if n else None))
        views.sort(key=lambda v: (v.alert.time, v.alert.alert_id), reverse=True)
        return views

    def feeds_at(self, time: float) -> list[FeedHealth]:
        out = []
        for (kind, source), log in sorted(self.feeds.items()):
            n = log.upto(time)
            recent = n - bisect.bisect_right(log.times, time - FEED_RATE_WINDOW_S, 0, n)
            last = log.times[n - 1] if n else None
            age = None if last is None else time - last
            rejects = self.rejects.get(source)
            out.append(
                FeedHealth(
                    source=source,
                    kind=kind,
                    messages_per_s=recent / FEED_RATE_WINDOW_S,
                    last_time=last,
                    age_s=age,
                    rejects=rejects.count_upto(time) if rejects else 0,
                    stalled=age is None or age > self.config.stall_after_s,
                )
            )
        return out

    def rejects_at(self, time: float) -> dict[str, int]:
        """Rejected inputs per source up to ``time``, including sources that are not feeds."""
        return {source: n for source, log in sorted(self.rejects.items()) if (n := log.count_upto(time))}

    def states_between(self, start: float, end: float) -> list[TrackState]:
        """Every track state with ``start <= time <= end``, in time order (for export)."""
        out = []
        for log in self.tracks.values():
            out.extend(log.state(i) for i in range(bisect.bisect_left(log.times, start), log.upto(end)))
        out.sort(key=lambda s: (s.time, s.track_id))
        return out

    def mmsis_of(self, track_id: str, time: float) -> dict[int, tuple[float, float]]:
        """MMSIs the track carried up to ``time`` in the kept window, each with the first and
        last event time (s) it was seen: an identity swap shows as two."""
        log = self.tracks.get(track_id)
        seen: dict[int, tuple[float, float]] = {}
        if log is None:
            return seen
        for i in range(log.upto(time)):
            mmsi, at = log.rows[i][_MMSI], log.times[i]
            if mmsi is not None:
                first, _last = seen.get(mmsi, (at, at))
                seen[mmsi] = (first, at)
        return seen

    def alerts_between(self, start: float, end: float) -> list[Alert]:
        return self.alerts.items[bisect.bisect_left(self.alerts.times, start) : self.alerts.upto(end)]

    # --- retention -------------------------------------------------------------------------

    def trim(self) -> bool:
        """Forget what is older than ``retention_s`` behind the newest record; True if it did.

        Runs once the history is ``TRIM_EVERY_S`` past its window. ``start`` becomes the
        window's start, the earliest picture time a replay can seek to; records the pictures
        of the window still need (trails and feed rates reaching back before it, and the
        latest state of each track, alert, acknowledgement, identity and feed before it)
        are kept, so ``picture_at(T)`` for ``T >= start`` is unchanged. What is forgotten:
        tracks lost before the window and alerts cleared before it (they leave the panel),
        and every older state (no longer exported).
        """
        retention = self.config.retention_s
        if retention is None or self.start is None or self.end is None:
            return False
        window_start = self.end - retention
        if window_start - self.start < TRIM_EVERY_S:
            return False
        before = window_start - max(self.config.trail_s, FEED_RATE_WINDOW_S)
        for track_id, log in list(self.tracks.items()):
            log.trim(before)
            if log.times[-1] <= before and log.statuses[-1] is TrackStatus.LOST:
                del self.tracks[track_id]
        self._trim_alerts(before)
        for logs in (self.statics, self.feeds, self.rejects):
            for log in logs.values():
                log.trim(before)
        self.start = window_start
        self.version += 1
        return True

    def _trim_alerts(self, before: float) -> None:
        """Keep each alert's latest event before ``before`` and every later event; forget
        alerts cleared before it, with their acknowledgements."""
        log = self.alerts
        k = log.upto(before)
        latest: dict[str, Alert] = {}
        for alert in log.items[:k]:
            latest[alert.alert_id] = alert
        later = {alert.alert_id for alert in log.items[k:]}
        forgotten = {i for i, a in latest.items() if a.state == AlertState.CLEARED and i not in later}
        kept = [a for a in latest.values() if a.alert_id not in forgotten]
        kept.sort(key=lambda a: a.time)  # stable: ties keep arrival order
        self.alerts = _TimeLog(
            [a.time for a in kept] + log.times[k:], kept + log.items[k:], log.dropped + k - len(kept)
        )
        for alert_id in forgotten:
            self.raised.pop(alert_id, None)
            self.acks.pop(alert_id, None)
        for acks in self.acks.values():
            acks.trim(before)
