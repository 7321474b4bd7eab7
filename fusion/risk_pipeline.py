"""The vessel risk stage on a bus: alerts, AIS identities and officers' verdicts in, the ``risk`` topic out.

The replay drives it in lock-step after the fusion stage; ``seawatch risk`` runs it as a
service (``fusion.services.risk``). It keeps no snapshot: on every start the service reads
the alert and static topics from their beginning (a fresh consumer group each time), which
rebuilds every vessel's evidence from the record of events. Assessments published before are
published again, equal to the first time; the risk topic is keyed by track id and read as
"latest per vessel" (compacted on Kafka), so a consumer sees repeated states, never lost or
different ones. Malformed records go to the dead-letter topic, counted.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from fusion import topics
from fusion.bus import Bus, Envelope
from fusion.dead_letters import read_or_dead_letter
from fusion.polling import serve
from fusion.risk.model import RiskConfig
from fusion.risk.stage import RiskStage
from fusion.rules.zones import load_zones
from fusion.schemas import AisStatic, Alert, AlertValidation, RiskAssessment, to_json

INPUT_TOPICS = (topics.ALERTS, topics.AIS_STATIC, topics.ALERT_VALIDATIONS)
_RECORD_TYPES = {
    topics.ALERTS: Alert,
    topics.AIS_STATIC: AisStatic,
    topics.ALERT_VALIDATIONS: AlertValidation,
}


class RiskService:
    """Drives a :class:`RiskStage` from a bus; ``drain`` handles everything available now."""

    def __init__(self, bus: Bus, stage: RiskStage) -> None:
        self.bus = bus
        self.stage = stage
        self.counts: Counter[str] = Counter()

    def drain(self) -> int:
        """Consume what the bus holds for the input topics now; returns the records consumed."""
        consumed = 0
        while envelopes := self.bus.poll(INPUT_TOPICS, max_records=5_000):
            for envelope in envelopes:
                for assessment in self._handle(envelope):
                    self._publish(assessment)
            consumed += len(envelopes)
        self.bus.flush()
        self.bus.commit()
        return consumed

    def serve(self, exit_when_idle_s: float | None = None) -> None:
        """Drain forever, or until nothing arrived for ``exit_when_idle_s`` wall seconds."""
        serve(self.drain, exit_when_idle_s)

    def _handle(self, envelope: Envelope) -> list[RiskAssessment]:
        record = read_or_dead_letter(self.bus, envelope, _RECORD_TYPES[envelope.topic], self.counts)
        if record is None:
            return []
        if isinstance(record, AisStatic):
            return self.stage.on_static(record)
        if isinstance(record, AlertValidation):
            return self.stage.on_validation(record)
        return self.stage.on_alert(record)

    def _publish(self, assessment: RiskAssessment) -> None:
        self.bus.publish(topics.RISK, assessment.track_id, to_json(assessment), assessment.time)
        self.counts["out:risk"] += 1


def zone_kinds(zones_path: Path) -> dict[str, str]:
    """Zone id -> kind, from the zones file the rules use (validated the same way)."""
    return {zone.id: zone.kind.value for zone in load_zones(zones_path).zones}


def open_risk_service(bus: Bus, config: RiskConfig, zones_path: Path) -> RiskService:
    return RiskService(bus, RiskStage(config, zone_kinds(zones_path)))
