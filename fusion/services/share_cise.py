"""``seawatch share cise``: alert topics -> CISE Push messages -> a partner (folder or HTTP).

One loop: poll a batch of alerts (and tracks), build one CISE message per alert event
(``Anomaly``) and, when asked, per track every N event seconds (``Vessel``), deliver each
with retry (``fusion.cise.delivery``), and commit the input offsets only once the whole
batch is delivered. A crash or stop re-reads at most the undelivered tail, and a re-built
message has the same ``MessageID`` (and file name), so a redelivery is harmless.

What a partner sees is decided before it gets here: a partner consumes its own topic
(``alerts.<partner>``, cut to its sharing policy by the routing stage; docs/agencies.md),
and this service adds to an alert only what that alert already lets the partner see: the
AIS identity of an MMSI only if the MMSI was shared, a track's motion only if the track id
and position were.

Vessel identities come from ``ais.static`` (compacted by MMSI), read from its start by a
second consumer in a new group per process, so a restarted service knows every identity
again before it sends anything.
"""

from __future__ import annotations

import hashlib
import logging
import time as wall_clock
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import orjson

from fusion import topics
from fusion.bus import Bus, Envelope
from fusion.cise import entities
from fusion.cise.delivery import (
    Backoff,
    DeliveryStopped,
    RejectedDeliveryError,
    RejectedStore,
    RetryableDeliveryError,
    Sink,
    deliver_with_retry,
)
from fusion.cise.entities import InvolvedVessel
from fusion.cise.messages import CiseMessage, push
from fusion.cise.messages import Envelope as CiseEnvelope
from fusion.cise.records import SharedAlert, SharedAlertError, VesselFix, fix_of_track
from fusion.cise.validate import CiseValidator
from fusion.cise.vocabulary import PRIORITY
from fusion.dead_letters import dead_letter
from fusion.schemas import (
    AisStatic,
    RejectReason,
    RiskAssessment,
    TrackState,
    TrackStatus,
    from_json,
    to_json,
)
from ingest.vessels import VesselRecord, merge

log = logging.getLogger(__name__)

TRACK_HISTORY = 8
"""Recent states kept per track: enough to find the one an alert was raised on."""
FIX_TOLERANCE_S = 60.0
"""A track state further than this from an alert's time does not describe the vessel then."""
DEFAULT_BACKOFF = Backoff()
SHARED_STATUSES = frozenset({TrackStatus.CONFIRMED, TrackStatus.COASTING})
"""Track statuses shared as Vessels: a tentative track may be clutter, a lost one is gone."""


@dataclass(frozen=True, slots=True)
class ShareSettings:
    """What one ``share cise`` process sends.

    ``alert_topic`` is ``alerts`` (everything, for a domestic recipient) or the partner's
    ``alerts.<partner>``; ``vessel_every_s`` shares the picture, one ``Vessel`` per confirmed
    track at most every that many event seconds (None: alerts only); ``share_risk`` shares
    each vessel risk assessment of the ``risk`` topic as a ``Risk``.
    """

    envelope: CiseEnvelope
    alert_topic: str
    vessel_every_s: float | None = None
    share_risk: bool = False
    batch_size: int = 200


class ShareCiseService:
    """The sharing loop; see the module docstring.

    Parameters
    ----------
    bus
        Consumer (committed group) of the alert topic and ``tracks``; dead letters go here too.
    identities
        Consumer of ``ais.static`` in a group of this process's own, so it reads from the start.
    sink
        Where messages go (``DirectorySink``, ``HttpSink``).
    rejected
        Where messages the partner refused, or that fail the schemas, are kept.
    validator
        When given, every message is checked against the CISE schemas before it leaves.
    """

    def __init__(
        self,
        bus: Bus,
        identities: Bus,
        sink: Sink,
        settings: ShareSettings,
        *,
        rejected: RejectedStore,
        validator: CiseValidator | None = None,
        backoff: Backoff = DEFAULT_BACKOFF,
        sleep: Callable[[float], None] = wall_clock.sleep,
    ) -> None:
        self.bus = bus
        self.identities = identities
        self.sink = sink
        self.settings = settings
        self.rejected = rejected
        self.validator = validator
        self.backoff = backoff
        self.sleep = sleep
        self.counts: Counter[str] = Counter()
        self._vessels: dict[int, VesselRecord] = {}
        self._tracks: dict[str, deque[TrackState]] = {}
        self._vessel_sent: dict[str, float] = {}
        self._undelivered: dict[tuple[str, int], int] = {}
        self._should_stop: Callable[[], bool] = lambda: False

    @property
    def input_topics(self) -> tuple[str, ...]:
        """Tracks first: a batch's track states are known before the alerts raised on them."""
        risk = (topics.RISK,) if self.settings.share_risk else ()
        return (topics.TRACKS, self.settings.alert_topic, *risk)

    # ------------------------------------------------------------------ running

    def run(
        self, *, exit_when_idle_s: float | None = None, should_stop: Callable[[], bool] = lambda: False
    ) -> None:
        """Share until stopped (or, in batch mode, until caught up and idle for ``exit_when_idle_s``).

        Stopped while a message is still undelivered, it remembers where the undelivered
        records start, and :meth:`close` keeps their offsets uncommitted.
        """
        self._should_stop = should_stop
        self.load_identities(wait_s=30.0)
        last_input = wall_clock.monotonic()
        while not should_stop():
            try:
                handled = self.step()
            except DeliveryStopped:
                return
            if handled:
                last_input = wall_clock.monotonic()
            elif (
                exit_when_idle_s is not None
                and wall_clock.monotonic() - last_input >= exit_when_idle_s
                and _caught_up(self.bus, self.input_topics)
            ):
                return

    def load_identities(self, wait_s: float) -> None:
        """Read ``ais.static`` until caught up (at most ``wait_s`` wall seconds)."""
        deadline = wall_clock.monotonic() + wait_s
        while True:
            envelopes = self.identities.poll([topics.AIS_STATIC], max_records=5000, timeout_s=0.2)
            self._merge_identities(envelopes)
            if not envelopes and _caught_up(self.identities, (topics.AIS_STATIC,)):
                return
            if wall_clock.monotonic() >= deadline:
                log.warning(
                    "ais.static not caught up after %.0f s; sharing with the identities read so far", wait_s
                )
                return

    def step(self) -> int:
        """One batch: new identities, then the input records, delivered, then committed."""
        self._merge_identities(self.identities.poll([topics.AIS_STATIC], max_records=5000))
        envelopes = self.bus.poll(self.input_topics, max_records=self.settings.batch_size, timeout_s=0.5)
        for index, envelope in enumerate(envelopes):
            try:
                self._handle(envelope)
            except BaseException:  # stopped, interrupted or failed: this record and the rest are undelivered
                self._remember_undelivered(envelopes[index:])
                raise
        if envelopes:
            self.bus.flush()
            self.bus.commit()
        return len(envelopes)

    def close(self) -> None:
        """Close the buses; offsets of undelivered records stay uncommitted (re-read on restart)."""
        self.identities.close()
        if not self._undelivered:
            self.bus.close()
            return
        seek = getattr(self.bus, "seek", None)
        if seek is not None:  # KafkaBus: rewind, then closing commits only what was delivered
            for (topic, partition), offset in self._undelivered.items():
                seek(topic, partition, offset)
            self.bus.close()
        else:  # MemoryBus: leave the committed positions as they are
            self.bus.flush()
        log.warning(
            "%d input partitions have undelivered records; they are read again on restart",
            len(self._undelivered),
        )

    def _remember_undelivered(self, envelopes: Iterable[Envelope]) -> None:
        for envelope in envelopes:
            self._undelivered.setdefault((envelope.topic, envelope.partition), envelope.offset)

    # --------------------------------------------------------------- per record

    def _merge_identities(self, envelopes: list[Envelope]) -> None:
        for envelope in envelopes:
            try:
                static = from_json(AisStatic, envelope.value)
            except (ValueError, TypeError) as error:
                self.counts["identity:malformed"] += 1
                log.warning(
                    "skipping %s[%d]@%d: not an AisStatic (%s)",
                    envelope.topic,
                    envelope.partition,
                    envelope.offset,
                    error,
                )
                continue
            self._vessels[static.mmsi] = merge(self._vessels.get(static.mmsi), static)

    def _handle(self, envelope: Envelope) -> None:
        if envelope.topic == topics.TRACKS:
            try:
                state = from_json(TrackState, envelope.value)
            except (ValueError, TypeError) as error:
                self._dead_letter(envelope, f"not a TrackState: {error}")
                return
            self._on_track(state)
            return
        if envelope.topic == topics.RISK:
            try:
                assessment = from_json(RiskAssessment, envelope.value)
            except (ValueError, TypeError) as error:
                self._dead_letter(envelope, f"not a RiskAssessment: {error}")
                return
            self._send(self.risk_message(assessment))
            return
        try:
            alert = SharedAlert.from_value(orjson.loads(envelope.value))
        except (orjson.JSONDecodeError, SharedAlertError, AttributeError) as error:
            self._dead_letter(envelope, f"not an alert: {error}")
            return
        self._send(self.anomaly_message(alert))

    def _on_track(self, state: TrackState) -> None:
        history = self._tracks.get(state.track_id)
        if history is None:
            history = self._tracks[state.track_id] = deque(maxlen=TRACK_HISTORY)
        history.append(state)
        if state.status is TrackStatus.LOST:
            del self._tracks[state.track_id]
            self._vessel_sent.pop(state.track_id, None)
            return
        every = self.settings.vessel_every_s
        if every is None or state.status not in SHARED_STATUSES:
            return
        last = self._vessel_sent.get(state.track_id)
        if last is not None and state.time - last < every:
            return
        self._vessel_sent[state.track_id] = state.time
        self._send(self.vessel_message(state))

    def _dead_letter(self, envelope: Envelope, detail: str) -> None:
        self.counts[f"reject:{RejectReason.MALFORMED_RECORD}"] += 1
        dead_letter(self.bus, envelope, RejectReason.MALFORMED_RECORD, detail)

    # ----------------------------------------------------------------- messages

    def vessel_message(self, state: TrackState) -> CiseMessage:
        """A ``Vessel`` Push of one track state: AIS identity of its MMSI, position and motion."""
        element = entities.vessel(
            None,
            track_id=state.track_id,
            mmsi=state.mmsi,
            identity=self._identity(state.mmsi),
            fix=fix_of_track(state),
        )
        key = f"{entities.vessel_key(state.track_id, state.mmsi)}/{state.time!r}"
        return push(self.settings.envelope, element, key=key, time=state.time)

    def anomaly_message(self, alert: SharedAlert) -> CiseMessage:
        """An ``Anomaly`` Push of one alert event, with the vessels it is about as far as shared."""
        vessels = [self._involved(alert, alert.track_id, alert.mmsi, main=True)] if alert.track_id else []
        vessels.extend(
            self._involved(alert, track_id, None, main=False) for track_id in alert.related_track_ids
        )
        element = entities.anomaly(None, alert, vessels)
        key = f"{alert.alert_id}/{alert.state.value}/{alert.time!r}"
        priority = PRIORITY[alert.severity] if alert.severity is not None else "Low"
        return push(
            self.settings.envelope,
            element,
            key=key,
            time=alert.time,
            priority=priority,
            correlation=alert.alert_id,
        )

    def risk_message(self, assessment: RiskAssessment) -> CiseMessage:
        """A ``Risk`` Push of one vessel's assessment, with the vessel's AIS identity."""
        element = entities.risk(None, assessment, self._identity(assessment.mmsi))
        # a vessel may be re-scored at the same event time (a second alert that instant): the
        # content's digest tells the assessments apart, and the same record gets the same id
        digest = hashlib.sha256(to_json(assessment)).hexdigest()[:16]
        key = f"{entities.vessel_key(assessment.track_id, assessment.mmsi)}/{assessment.time!r}/{digest}"
        return push(self.settings.envelope, element, key=key, time=assessment.time)

    def _involved(self, alert: SharedAlert, track_id: str, mmsi: int | None, *, main: bool) -> InvolvedVessel:
        """(track, MMSI, identity, fix) of a vessel in an alert, limited to what the alert shares."""
        state = self._state_at(track_id, alert.time)
        identity_shared = "mmsi" not in alert.withheld
        if not main and identity_shared and state is not None:
            mmsi = state.mmsi
        position_shared = alert.lat is not None and alert.lon is not None
        fix: VesselFix | None = None
        if position_shared and state is not None:
            fix = fix_of_track(state)
        elif position_shared and main:
            fix = VesselFix(time=alert.time, lat=alert.lat, lon=alert.lon)  # type: ignore[arg-type]
        mmsi = mmsi if identity_shared else None
        return (track_id, mmsi, self._identity(mmsi), fix)

    def _state_at(self, track_id: str, time: float) -> TrackState | None:
        """The track's latest state at or before ``time`` (else its earliest), if close enough."""
        history = self._tracks.get(track_id)
        if not history:
            return None
        before = [s for s in history if s.time <= time]
        state = before[-1] if before else history[0]
        return state if abs(state.time - time) <= FIX_TOLERANCE_S else None

    def _identity(self, mmsi: int | None) -> VesselRecord | None:
        return None if mmsi is None else self._vessels.get(mmsi)

    def _send(self, message: CiseMessage) -> None:
        if self.validator is not None:
            errors = self.validator.errors(message.xml)
            if errors:
                self._keep(message, "fails the CISE schemas: " + "; ".join(errors[:5]), "invalid")
                return
        try:
            deliver_with_retry(
                self.sink,
                message,
                self.backoff,
                should_stop=self._should_stop,
                sleep=self.sleep,
                on_retry=self._count_retry,
            )
        except RejectedDeliveryError as error:
            self._keep(message, str(error), "rejected")
            return
        self.counts[f"delivered:{message.entity}"] += 1

    def _count_retry(self, _: RetryableDeliveryError) -> None:
        self.counts["retries"] += 1

    def _keep(self, message: CiseMessage, reason: str, what: str) -> None:
        path = self.rejected.keep(message, reason)
        self.counts[f"{what}:{message.entity}"] += 1
        log.error("CISE message %s %s; kept in %s: %s", message.message_id, what, path, reason)

    def summary(self) -> dict[str, Any]:
        return {
            "sink": self.sink.describe(),
            "vessels_known": len(self._vessels),
            **dict(sorted(self.counts.items())),
        }


def _caught_up(bus: Any, names: Iterable[str]) -> bool:
    """True when the consumer has read everything the topics held (MemoryBus or KafkaBus).

    A Kafka partition still owned by a crashed member (until its session times out) is not
    ours yet, and we are not caught up: ``KafkaBus.caught_up`` says False for it.
    """
    if hasattr(bus, "lag"):
        return bus.lag(names) == 0
    return all(bus.caught_up(topic, partition) for topic in names for partition in bus.end_offsets(topic))
