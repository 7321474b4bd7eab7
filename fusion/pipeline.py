"""The fusion stage: raw AIS reports and radar plots in, tracks and alerts out.

One loop, the same over every bus: poll a batch, decode it, put it in event-time order,
run the pure steps (scan batching, tracker, rules) and publish what they produce, then
commit the consumer position. Time inside comes only from the records (the watermark of
``EventTimeBuffer``), so the same input gives the same tracks and alerts every time.

Bad records on the input topics are dead-lettered on ``ingest.rejects`` with a reason
and counted; the loop never stops for them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from fusion import topics
from fusion.agencies.routing import AlertRouter
from fusion.bus import Bus, Envelope
from fusion.dead_letters import dead_letter
from fusion.event_time import EventTimeBuffer
from fusion.schemas import (
    AisReport,
    AisStatic,
    Alert,
    RadarPlot,
    RejectReason,
    TrackState,
    from_json,
    to_json,
)
from tracking.steps import Step, StepPlanner, take_step
from tracking.tracker import Tracker

INPUT_TOPICS = (topics.AIS_REPORTS, topics.RADAR_PLOTS)
IDENTITY_TOPICS = (topics.AIS_STATIC,)
"""Who vessels say they are; the embedded pipeline (replay, demo) orders these with the
measurements so the watch list can match names and IMO numbers. The Kafka fuse service,
which aligns area partitions of ``INPUT_TOPICS``, reads them on a consumer of its own and
hands them to every area through :meth:`FusionService.identify`."""

_RECORD_TYPES = {topics.AIS_REPORTS: AisReport, topics.RADAR_PLOTS: RadarPlot, topics.AIS_STATIC: AisStatic}


class Rules(Protocol):
    def on_tracks(self, updates: Sequence[TrackState], now: float) -> list[Alert]: ...

    def on_static(self, record: AisStatic) -> list[Alert]: ...

    def on_report(self, record: AisReport) -> list[Alert]: ...


class FusionService:
    """Consumes ``INPUT_TOPICS`` from a bus and publishes ``tracks`` and ``alerts``.

    Parameters
    ----------
    allowed_lateness_s:
        How long the stage waits for late records before releasing a time. 10 s covers the
        few seconds of AIS network delay seen in practice and one radar scan; a record later
        than that is dead-lettered as ``too_late``.
    tick_s:
        Event-time interval at which tracks are expired and time-based rules evaluated even
        when no record concerns them (a silent vessel produces no records).
    router:
        The routing stage after the rules (``fusion.agencies``): sets each alert's responsible
        and informed agencies and publishes it on each one's topic, cut to its sharing policy.
        None: alerts go out unrouted, on ``alerts`` only.
    """

    def __init__(
        self,
        bus: Bus,
        tracker: Tracker,
        rules: Rules,
        *,
        allowed_lateness_s: float = 10.0,
        tick_s: float = 1.0,
        router: AlertRouter | None = None,
    ) -> None:
        self.bus = bus
        self.router = router
        self.tracker = tracker
        self.rules = rules
        self.counts: Counter[str] = Counter()
        self._buffer: EventTimeBuffer[AisReport | RadarPlot | AisStatic] = EventTimeBuffer(allowed_lateness_s)
        self._steps = StepPlanner(tracker.sensors, tick_s)

    def poll_once(self, max_records: int = 5000) -> int:
        """Process what the bus has now; returns the number of records polled."""
        envelopes = self.bus.poll(INPUT_TOPICS + IDENTITY_TOPICS, max_records=max_records)
        self.ingest(envelopes)
        self.bus.flush()
        self.bus.commit()
        return len(envelopes)

    def ingest(self, envelopes: Sequence[Envelope], *, in_event_order: bool = False) -> None:
        """Accept records polled by the caller and process what the watermark releases.

        For services that poll themselves (``fusion.services.fuse`` merges Kafka partitions
        by event time first and commits only what a state snapshot covers); they flush and
        commit on their own schedule.

        ``in_event_order``: the caller has merged the envelopes by event time (the Kafka
        fuse service). The watermark then releases after each record, as if they came one at
        a time, so whether a record is too late depends only on the records before it, not
        on where the polls cut the stream (a restarted service polls differently and must
        give the same picture). Unmerged envelopes (a poll of several topics) are all
        accepted before one release. Either way what is released is processed at the end,
        so AIS runs stay long.
        """
        released: list[tuple[float, AisReport | RadarPlot | AisStatic]] = []
        for envelope in envelopes:
            self._accept(envelope)
            if in_event_order:
                released += self._buffer.release()
        self._process(released + self._buffer.release())

    def identify(self, record: AisStatic) -> None:
        """Static data from outside this stage's measurement stream, applied to the rules at once.

        The Kafka fuse service reads ``ais.static`` apart from the area's raw topics (it is
        keyed by MMSI, and broadcast to every area), so its records have no place in the
        area's event-time order: they skip the buffer, whose watermark only the measurements
        may move (a static ahead of a backlog would make the backlog "too late"). Identity
        does not expire, so an old record still counts.
        """
        self.counts[f"in:{topics.AIS_STATIC}"] += 1
        self._publish_alerts(self.rules.on_static(record))

    def state(self) -> dict[str, object]:
        """Everything the stage remembers between records, for a crash-recovery snapshot."""
        return {
            "tracker": self.tracker,
            "rules": self.rules,
            "buffer": self._buffer,
            "steps": self._steps,
            "counts": self.counts,
            "routing": self.router.incidents if self.router is not None else {},
        }

    def restore(self, state: dict[str, object]) -> None:
        """Continue from a ``state()`` taken earlier (unpickled by the caller)."""
        self.tracker = state["tracker"]  # type: ignore[assignment]
        self.rules = state["rules"]  # type: ignore[assignment]
        self._buffer = state["buffer"]  # type: ignore[assignment]
        self._steps = state["steps"]  # type: ignore[assignment]
        self.counts = state["counts"]  # type: ignore[assignment]
        if self.router is not None:  # the agencies file is today's; the open incidents are the snapshot's
            self.router.incidents = state.get("routing", {})  # type: ignore[assignment]

    def finish(self) -> None:
        """End of stream: release everything held and close open scans."""
        self._process(self._buffer.drain())
        self._take(self._steps.finish(self._buffer.released_until))
        self.bus.flush()
        self.bus.commit()

    # ------------------------------------------------------------------ input

    def _accept(self, envelope: Envelope) -> None:
        record_type = _RECORD_TYPES.get(envelope.topic, RadarPlot)
        try:
            record = from_json(record_type, envelope.value)
        except (ValueError, TypeError, KeyError) as error:  # JSON and dataclass field errors
            self._dead_letter(
                envelope, RejectReason.MALFORMED_RECORD, f"not a {record_type.__name__}: {error}"
            )
            return
        if not self._buffer.push(record.time, record):
            self._dead_letter(
                envelope,
                RejectReason.TOO_LATE,
                f"event time {record.time} is before the released time {self._buffer.released_until}",
            )
            return
        self.counts[f"in:{envelope.topic}"] += 1

    def _dead_letter(self, envelope: Envelope, reason: RejectReason, detail: str) -> None:
        self.counts[f"reject:{reason}"] += 1
        dead_letter(self.bus, envelope, reason, detail)

    # ------------------------------------------------------------- processing

    def _process(self, released: list[tuple[float, AisReport | RadarPlot | AisStatic]]) -> None:
        for _, record in released:
            if isinstance(record, AisStatic):
                # Ordered with the measurements, but it does not advance the stage's clock: scan
                # closing and ticks stay where the measurements put them, so tracks are the same
                # whether or not identity records are consumed (the Kafka fuse service does not).
                self._take(self._steps.cut())
                self._publish_alerts(self.rules.on_static(record))
                continue
            self._take(self._steps.add(record))
            if isinstance(record, AisReport):
                self._publish_alerts(self.rules.on_report(record))  # its MMSI, before the fix
        self._take(self._steps.cut())

    def _take(self, steps: list[Step]) -> None:
        for step in steps:
            self._emit(take_step(self.tracker, step), step.now)

    def _emit(self, states: list[TrackState], now: float) -> None:
        for state in states:
            self.bus.publish(topics.TRACKS, state.track_id, to_json(state), state.time)
        self.counts["out:tracks"] += len(states)
        self._publish_alerts(self.rules.on_tracks(states, now))

    def _publish_alerts(self, alerts: list[Alert]) -> None:
        for alert in alerts:
            deliveries: list[tuple[str, bytes]] = []
            if self.router is not None:
                alert = self.router.follow(alert)  # an incident keeps its agencies
                deliveries = self.router.deliveries(alert)
            self.bus.publish(topics.ALERTS, alert.alert_id, to_json(alert), alert.time)
            self.counts[f"out:alerts:{alert.kind}:{alert.state}"] += 1
            for topic, value in deliveries:  # each agency's topic, cut to its sharing policy
                self.bus.publish(topic, alert.alert_id, value, alert.time)
                self.counts[f"out:{topic}"] += 1


def describe_counts(counts: Counter[str]) -> str:
    """Counters as sorted JSON, for logs and the end-of-run report."""
    return json.dumps(dict(sorted(counts.items())))
