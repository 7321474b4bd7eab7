"""``seawatch fuse``: the fusion stage as a Kafka service (raw topics -> tracks and alerts).

One consumer group; each instance owns the partitions Kafka assigns it, and every area in
them (areas are partitioned by key prefix, so an area never spans two instances). Per
partition index the service keeps:

- a ``PartitionAligner`` merging that partition of ``ais.reports`` and ``radar.plots`` by
  event time, so what the tracker sees does not depend on fetch timing;
- one ``FusionService`` per area (tracker, rules, event-time buffer), fed one record at a
  time in merge order;
- the input offsets its state covers.

Identity (``ais.static``, keyed by MMSI) is *broadcast*: each instance reads every partition
of it from the beginning, on a consumer group of its own (never resumed), and hands each
record to every area it runs (``FusionService.identify``), keeping the latest record per
(MMSI, message type) for areas it starts later. Why not area keys: a vessel's identity is
needed wherever the vessel goes, and a static heard by one area's receiver would otherwise be
unknown next door for up to 6 min (its next broadcast); and the topic is compacted by MMSI,
so reading it whole gives every vessel's latest identity, at about one record per vessel
per 6 min (a few per cent of the position traffic). The watch list's names and IMO numbers
and the invalid-MMSI anomaly then work as in the embedded replay. Statics do not enter the
area's event-time order (the measurements alone move its clock), so an alert they cause
takes the time of the record, or of the track it is about when that is later.

Crash recovery: every ``snapshot_every_s`` of event time the service flushes its outputs
(so everything the snapshot's state has emitted is in Kafka), writes a snapshot (state +
covered offsets, ``SnapshotStore``), then commits those offsets. A restarted or newly
assigned instance restores the snapshot and seeks to its offsets; the outputs emitted
between the snapshot and the crash are emitted again, byte for byte (the stage is
deterministic), so consumers de-duplicate by ``alert_id``/``state``/``time`` and
``track_id``/``time``. Without a snapshot folder the service commits after each flushed
batch and a restart begins with an empty picture.

The wall clock is used for liveness only: a partition that is caught up with the broker
and silent for ``idle_partition_s`` stops holding the merge back, and
``exit_when_idle_s`` ends a batch run. It never enters what is computed.
"""

from __future__ import annotations

import logging
import math
import pickle
import time as wall_clock
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fusion import topics
from fusion.agencies.config import load_agencies
from fusion.agencies.routing import AlertRouter
from fusion.bus import Envelope
from fusion.bus_kafka import KafkaBus, PartitionRef
from fusion.dead_letters import dead_letter
from fusion.pipeline import INPUT_TOPICS, FusionService
from fusion.rules.config import DEFAULT_CONFIG, RulesConfig
from fusion.rules.engine import RuleEngine
from fusion.rules.zones import load_zones
from fusion.schemas import AisStatic, RejectReason, from_json
from fusion.services.aligner import PartitionAligner
from fusion.services.areas import Area
from fusion.services.snapshots import Snapshot, SnapshotStore
from tracking.frames import LocalFrame
from tracking.tracker import Tracker

log = logging.getLogger(__name__)

PAUSE_ABOVE = 20_000
"""Queued records of one input partition above which fetching it pauses (the other lags)."""
RESUME_BELOW = 2_000
IDENTITY_LOAD_S = 30.0
"""Wall seconds the service waits at start for the identities already on ``ais.static``."""


@dataclass
class _PartitionState:
    aligner: PartitionAligner
    services: dict[str, FusionService] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)
    """Next input offset per topic that the stages' state covers (fed records)."""
    polled: dict[str, int] = field(default_factory=dict)
    """Next offset per topic after everything fed or queued in the aligner."""
    next_snapshot_time: float = -math.inf
    assigned_at: float = 0.0


class FuseService:
    """Runs the fusion stage for the areas of the partitions this instance is assigned.

    Parameters
    ----------
    bus:
        A ``KafkaBus`` in the fuse consumer group (outputs go out through it too).
    areas:
        The tracking areas this deployment knows; a raw record keyed for another area is
        dead-lettered as ``unknown_sensor``.
    store:
        Where snapshots go; None disables crash recovery (commit after every batch).
    snapshot_every_s:
        Event-time interval between snapshots: the work redone after a crash.
    idle_partition_s:
        Wall seconds a caught-up, silent input partition may hold the merge back.
    agencies_path:
        The agencies file (config/agencies.toml): alerts are routed and published per agency
        (``fusion.agencies``); None publishes them unrouted, on ``alerts`` only.
    identity_bus:
        The consumer ``ais.static`` is read on (every partition, from the start, never
        resumed); by default a ``KafkaBus`` on the same cluster in a group of its own.
    """

    def __init__(
        self,
        bus: KafkaBus,
        areas: Sequence[Area],
        *,
        store: SnapshotStore | None = None,
        snapshot_every_s: float = 30.0,
        idle_partition_s: float = 5.0,
        allowed_lateness_s: float = 10.0,
        clock: Callable[[], float] = wall_clock.monotonic,
        rules_config: RulesConfig = DEFAULT_CONFIG,
        agencies_path: Path | None = None,
        identity_bus: KafkaBus | None = None,
    ) -> None:
        self.bus = bus
        self.identity_bus = identity_bus or KafkaBus(
            bus.bootstrap_servers,
            f"{bus.group_id}.identity.{uuid.uuid4().hex[:12]}",
            client_settings=bus.client_settings,
        )
        self._identity_read: dict[int, int] = {}  # partition of ais.static -> next offset to read
        self._identities: dict[tuple[int, int], AisStatic] = {}
        """Latest static record per (MMSI, message type): what an area started later is told."""
        self.rules_config = rules_config
        # Zones are read and validated once, here: a bad file stops the start with a clear
        # error (ZonesFileError), and a file edited while running cannot take a service down.
        self._zones = {area.name: load_zones(area.zones_path) for area in areas}
        # The agencies file likewise (AgenciesFileError), checked against each area's zones.
        self._routers = {
            name: AlertRouter(load_agencies(agencies_path, zones), zones)
            for name, zones in self._zones.items()
            if agencies_path is not None
        }
        self.areas = {area.name: area for area in areas}
        self.store = store
        self.snapshot_every_s = snapshot_every_s
        self.idle_partition_s = idle_partition_s
        self.allowed_lateness_s = allowed_lateness_s
        self.clock = clock
        self.counts: Counter[str] = Counter()
        self._parts: dict[int, _PartitionState] = {}
        self._last_seen: dict[PartitionRef, float] = {}
        self._paused: set[PartitionRef] = set()
        self._revoked: dict[int, _PartitionState] = {}

    @property
    def agency_ids(self) -> tuple[str, ...]:
        """The agencies alerts are routed to (each needs its ``alerts.<agency>`` topic)."""
        return next((router.config.ids for router in self._routers.values()), ())

    # ------------------------------------------------------------------ loop

    def run(
        self, *, exit_when_idle_s: float | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Consume until ``should_stop`` or, with ``exit_when_idle_s``, until the input has been
        caught up and silent that long (four times as long if nothing came at all), then drain
        everything held, as at end of stream."""
        self._load_identities()
        self.bus.subscribe(INPUT_TOPICS, on_assigned=self._on_assigned, on_revoked=self._on_revoked)
        last_input = self.clock()
        # before any input, wait longer: the feed may simply not have started yet
        quiet_needed = None if exit_when_idle_s is None else 4 * exit_when_idle_s
        while not should_stop():
            self._poll_identities()
            envelopes = self.bus.poll(INPUT_TOPICS, max_records=20000, timeout_s=0.1)
            now = self.clock()
            for envelope in envelopes:
                state = self._parts.get(envelope.partition)
                if state is None:  # revoked within this poll; the new owner re-reads it
                    continue
                state.aligner.add(envelope)
                state.polled[envelope.topic] = envelope.offset + 1
                self._last_seen[(envelope.topic, envelope.partition)] = now
            if envelopes:
                last_input = now
                quiet_needed = exit_when_idle_s
            fed = sum(self._advance(partition, state, now) for partition, state in self._parts.items())
            self._apply_backpressure()
            if fed and self.store is None:
                self._commit_all()
            if (
                quiet_needed is not None
                and self._parts
                and now - last_input >= quiet_needed
                and self._all_caught_up()
            ):
                self.finish()
                return

    def finish(self) -> None:
        """End of stream: feed everything queued, drain every area, checkpoint."""
        self._poll_identities()
        for partition, state in self._parts.items():
            self._feed(state, state.aligner.drain())
            for service in state.services.values():
                service.finish()
            self._checkpoint(partition, state)

    def summary(self) -> Counter[str]:
        """Service counters plus every area's fusion counters."""
        total = Counter(self.counts)
        for state in [*self._parts.values(), *self._revoked.values()]:
            for service in state.services.values():
                total.update(service.counts)
        return total

    def close(self) -> None:
        """Close the identity consumer (the caller owns ``bus``)."""
        self.identity_bus.close()

    # ------------------------------------------------------------- identity

    def _load_identities(self) -> None:
        """Read the identities already on ``ais.static`` before fusing anything, so a vessel of
        interest is named from its first track update (at most ``IDENTITY_LOAD_S``: a slow
        broker delays identities, never the picture)."""
        deadline = self.clock() + IDENTITY_LOAD_S
        ends = {p: end for p, end in self.identity_bus.end_offsets(topics.AIS_STATIC).items() if end > 0}
        while ends and self.clock() < deadline:
            self._poll_identities(timeout_s=0.1)
            if all(self._identity_read.get(p, 0) >= end for p, end in ends.items()):
                return
        if ends:
            log.warning("fuse: identities on %s not all read within %g s", topics.AIS_STATIC, IDENTITY_LOAD_S)

    def _poll_identities(self, timeout_s: float = 0.0) -> None:
        """Hand every new ``ais.static`` record to every area running here (see module docstring)."""
        for envelope in self.identity_bus.poll((topics.AIS_STATIC,), max_records=5000, timeout_s=timeout_s):
            self._identity_read[envelope.partition] = envelope.offset + 1
            try:
                record = from_json(AisStatic, envelope.value)
            except (ValueError, TypeError, KeyError) as error:
                self.counts[f"reject:{RejectReason.MALFORMED_RECORD}"] += 1
                dead_letter(self.bus, envelope, RejectReason.MALFORMED_RECORD, f"not an AisStatic: {error}")
                continue
            self._identities[(record.mmsi, record.msg_type)] = record
            self.counts["identities_read"] += 1  # each area counts it again as in:<ais.static>
            for state in self._parts.values():
                for service in state.services.values():
                    service.identify(record)

    def _told_identities(self, service: FusionService) -> FusionService:
        """A newly started or restored area service, told every identity known so far."""
        for record in sorted(self._identities.values(), key=lambda r: (r.time, r.mmsi, r.msg_type)):
            service.identify(record)
        return service

    # ----------------------------------------------------------- partitions

    def _advance(self, partition: int, state: _PartitionState, now: float) -> int:
        idle = [
            topic
            for topic in INPUT_TOPICS
            if state.aligner.queued(topic) == 0
            and now - self._last_seen.get((topic, partition), state.assigned_at) >= self.idle_partition_s
            and self.bus.caught_up(topic, partition)
        ]
        ready = state.aligner.pop_ready(idle)
        segment: list[Envelope] = []
        for envelope in ready:
            segment.append(envelope)
            if self.store is not None and envelope.time >= state.next_snapshot_time:
                self._feed(state, segment)
                segment = []
                if state.next_snapshot_time > -math.inf:
                    self._checkpoint(partition, state)
                state.next_snapshot_time = (math.floor(envelope.time / self.snapshot_every_s) + 1) * (
                    self.snapshot_every_s
                )
        self._feed(state, segment)
        return len(ready)

    def _feed(self, state: _PartitionState, envelopes: list[Envelope]) -> None:
        """Hand envelopes (in event-time order) to their areas' services, each area's at once:
        a service fuses the AIS reports released together as one run (``tracking.steps``)."""
        by_area: dict[str, list[Envelope]] = {}
        for envelope in envelopes:
            name = topics.area_of_key(envelope.key)
            if name is None and len(self.areas) == 1:
                name = next(iter(self.areas))
            if name not in self.areas:
                self._dead_letter_unknown_area(envelope)
            else:
                by_area.setdefault(name, []).append(envelope)
                self.counts[f"fed:{name}"] += 1
            state.offsets[envelope.topic] = envelope.offset + 1
        for name, own in by_area.items():
            service = state.services.get(name)
            if service is None:
                service = state.services[name] = self._told_identities(self._new_service(self.areas[name]))
            service.ingest(own, in_event_order=True)  # the aligner merged them

    def _new_service(self, area: Area) -> FusionService:
        frame = LocalFrame(area.origin_lat, area.origin_lon)
        return FusionService(
            self.bus,
            # one deployment, one tracks topic: with several areas each names its own tracks
            Tracker(frame, area.sensors, track_id_prefix=f"{area.name}:" if len(self.areas) > 1 else ""),
            RuleEngine(self._zones[area.name], area.sensors, frame, self.rules_config),
            allowed_lateness_s=self.allowed_lateness_s,
            router=self._routers.get(area.name),
        )

    def _dead_letter_unknown_area(self, envelope: Envelope) -> None:
        self.counts[f"reject:{RejectReason.UNKNOWN_SENSOR}"] += 1
        known = ", ".join(sorted(self.areas))
        dead_letter(
            self.bus,
            envelope,
            RejectReason.UNKNOWN_SENSOR,
            f"key {envelope.key!r} names no configured area ({known})",
        )

    def _checkpoint(self, partition: int, state: _PartitionState) -> None:
        """Outputs flushed, then the snapshot written, then the offsets it covers committed."""
        self.bus.flush()
        if self.store is not None:
            snapshot = Snapshot(
                offsets=dict(state.offsets),
                areas={name: service.state() for name, service in state.services.items()},
                next_snapshot_time=state.next_snapshot_time,
            )
            try:
                self.store.save(partition, snapshot)
                self.counts["snapshots"] += 1
            except (TypeError, AttributeError, pickle.PicklingError) as error:
                # a stage object that cannot be pickled is a bug to fix, but fusing goes on:
                # a restart then resumes from the last good snapshot (or an empty picture)
                self.counts["snapshot_errors"] += 1
                log.error("partition %d: snapshot failed, crash recovery is degraded: %s", partition, error)
        self.bus.commit_offsets({(topic, partition): offset for topic, offset in state.offsets.items()})

    def _commit_all(self) -> None:
        self.bus.flush()
        self.bus.commit_offsets(
            {
                (topic, p): offset
                for p, state in self._parts.items()
                for topic, offset in state.offsets.items()
            }
        )

    def _all_caught_up(self) -> bool:
        return all(
            len(state.aligner) == 0 and all(self.bus.caught_up(topic, p) for topic in INPUT_TOPICS)
            for p, state in self._parts.items()
        )

    def _apply_backpressure(self) -> None:
        for partition, state in self._parts.items():
            for topic in INPUT_TOPICS:
                ref = (topic, partition)
                queued = state.aligner.queued(topic)
                if queued > PAUSE_ABOVE and ref not in self._paused:
                    self.bus.pause(topic, partition)
                    self._paused.add(ref)
                elif queued < RESUME_BELOW and ref in self._paused:
                    self.bus.resume(topic, partition)
                    self._paused.discard(ref)

    # ------------------------------------------------------------ rebalance

    def _on_assigned(self, refs: list[PartitionRef]) -> None:
        """Runs on the client's I/O thread: no blocking Kafka calls here (seek only sets a position)."""
        now = self.clock()
        assigned = {p for _, p in refs}
        for partition in sorted(assigned - set(self._parts)):
            state = self._revoked.pop(partition, None)
            if state is None:
                state = self._load(partition, now)
                resume_at = state.offsets  # what the snapshot covers, not the group's last commit
            else:
                resume_at = state.polled  # handed straight back: carry on after what we already hold
            for topic, offset in resume_at.items():
                self.bus.seek(topic, partition, offset)
            self._parts[partition] = state
            self.counts["assigned"] += 1
        self._revoked.clear()  # partitions that went to another instance: it restores their snapshot
        self._paused.clear()
        log.warning("fuse (group %s) owns partitions %s", self.bus.group_id, sorted(self._parts))

    def _load(self, partition: int, now: float) -> _PartitionState:
        state = _PartitionState(PartitionAligner(INPUT_TOPICS), assigned_at=now)
        snapshot = self.store.load(partition) if self.store is not None else None
        if snapshot is not None:
            for name, area_state in snapshot.areas.items():
                service = self._new_service(self.areas[name])
                service.restore(area_state)
                state.services[name] = self._told_identities(service)
            state.offsets = dict(snapshot.offsets)
            state.next_snapshot_time = snapshot.next_snapshot_time
            self.counts["restored"] += 1
            log.warning("partition %d: restored from snapshot at offsets %s", partition, snapshot.offsets)
        return state

    def _on_revoked(self, refs: list[PartitionRef]) -> None:
        """Keep the revoked state aside: an eager rebalance usually hands the partition straight back."""
        for partition in sorted({p for _, p in refs} & set(self._parts)):
            self._revoked[partition] = self._parts.pop(partition)
            self.counts["revoked"] += 1
