"""Everything the dashboard has read from the bus, indexed by event time.

The live picture and an analyst's replay are the same query, ``picture_at(T)``: the
latest state of each track at or before ``T``, the alerts and acknowledgements up to
``T``, the feeds' health at ``T``. It is a pure function of the records read and of ``T``,
so the picture at a time is the same whether the analyst played up to it, seeked to it,
stepped back to it or watched it live. Nothing here reads the wall clock.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from dataclasses import dataclass, field

from fusion.schemas import AisStatic, Alert, AlertAck, Severity, TrackState, TrackStatus

FEED_RATE_WINDOW_S = 60.0
"""Messages per second are averaged over this much event time: one radar scan (2.5 s) is
too short to be steady, and AIS class B reports only every 30 s."""

SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


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
        """Number of records with time <= ``time``."""
        return bisect.bisect_right(self.times, time)


@dataclass
class _TrackLog(_TimeLog):
    """A track's states, with positions also kept as plain lists: a trail is then two C-level
    slices instead of attribute reads per point (the difference is most of a refresh at 10,000 tracks)."""

    lons: list[float] = field(default_factory=list)
    lats: list[float] = field(default_factory=list)

    def add(self, time: float, item: TrackState) -> int:
        i = super().add(time, item)
        self.lons.insert(i, item.lon)
        self.lats.insert(i, item.lat)
        return i


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
    """

    trail_s: float = 300.0
    trail_points: int = 10
    stall_after_s: float = 30.0
    show_tentative: bool = False


class History:
    """Time-indexed store of tracks, alerts, acknowledgements, AIS static data and feed activity."""

    def __init__(self, config: HistoryConfig | None = None) -> None:
        self.config = config or HistoryConfig()
        self.tracks: dict[str, _TrackLog] = {}
        self.alerts = _TimeLog()
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
        if state.track_id not in self.tracks:
            self.tracks[state.track_id] = _TrackLog()
        self.tracks[state.track_id].add(state.time, state)
        self._extend(state.time)

    def add_alert(self, alert: Alert) -> None:
        self.alerts.add(alert.time, alert)
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
            state: TrackState = log.items[n - 1]
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
        raised: dict[str, float] = {}
        for alert in self.alerts.items[: self.alerts.upto(time)]:
            latest[alert.alert_id] = alert
            raised.setdefault(alert.alert_id, alert.time)
        views = []
        for alert_id, alert in latest.items():
            acks = self.acks.get(alert_id)
            n = acks.upto(time) if acks else 0
            views.append(AlertView(alert, raised[alert_id], acks.items[n - 1] if n else None))
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
                    rejects=rejects.upto(time) if rejects else 0,
                    stalled=age is None or age > self.config.stall_after_s,
                )
            )
        return out

    def rejects_at(self, time: float) -> dict[str, int]:
        """Rejected inputs per source up to ``time``, including sources that are not feeds."""
        return {source: n for source, log in sorted(self.rejects.items()) if (n := log.upto(time))}

    def states_between(self, start: float, end: float) -> list[TrackState]:
        """Every track state with ``start <= time <= end``, in time order (for export)."""
        out = []
        for log in self.tracks.values():
            out.extend(log.items[bisect.bisect_left(log.times, start) : log.upto(end)])
        out.sort(key=lambda s: (s.time, s.track_id))
        return out

    def alerts_between(self, start: float, end: float) -> list[Alert]:
        return self.alerts.items[bisect.bisect_left(self.alerts.times, start) : self.alerts.upto(end)]
