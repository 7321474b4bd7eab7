"""Default topic names and the record type each carries.

One table so that every service, the replay and the docs agree. Keys are chosen for
ordering: the source for raw feeds, the track id for tracks, the alert id for alerts.

Every name can be changed per process with an environment variable
``SEAWATCH_TOPIC_<CONSTANT>`` (e.g. ``SEAWATCH_TOPIC_ALERTS=khi.alerts``), read once at
import, so several pipelines can share one Kafka cluster (docs/kafka.md lists the defaults).

Raw records on Kafka are keyed ``AREA/SOURCE`` (``area_key``): the source keeps per-sensor
order, the area prefix picks the partition, so one fuse instance owns a whole tracking area.
"""

from __future__ import annotations

import os

from fusion.schemas import (
    AisReport,
    AisStatic,
    Alert,
    AlertAck,
    AlertValidation,
    RadarPlot,
    Reject,
    RiskAssessment,
    RuleSnooze,
    TrackState,
    VesselNote,
)


def _name(constant: str, default: str) -> str:
    return os.environ.get(f"SEAWATCH_TOPIC_{constant}", default)


AIS_REPORTS = _name("AIS_REPORTS", "ais.reports")
AIS_STATIC = _name("AIS_STATIC", "ais.static")
RADAR_PLOTS = _name("RADAR_PLOTS", "radar.plots")
REJECTS = _name("REJECTS", "ingest.rejects")
TRACKS = _name("TRACKS", "tracks")
ALERTS = _name("ALERTS", "alerts")
ALERT_ACKS = _name("ALERT_ACKS", "alerts.acks")
"""Watch officers' acknowledgements (``fusion.schemas.AlertAck``), keyed by alert id."""
FEED_HEALTH = _name("FEED_HEALTH", "feed.health")
"""Periodic health of each feed (``ingest.service.FeedHealth``, JSON), keyed by feed name."""
ALERT_VALIDATIONS = _name("ALERT_VALIDATIONS", "alerts.validations")
"""Officers' verdicts on alerts (``fusion.schemas.AlertValidation``), keyed by alert id."""
SNOOZES = _name("SNOOZES", "alerts.snoozes")
"""Rules silenced for one vessel for a while (``fusion.schemas.RuleSnooze``), keyed by snooze id."""
VESSEL_NOTES = _name("VESSEL_NOTES", "vessels.notes")
"""Officers' notes on vessels (``fusion.schemas.VesselNote``), keyed by note id."""
RISK = _name("RISK", "risk")
"""Each vessel's risk and why (``fusion.schemas.RiskAssessment``), keyed by track id; docs/risk.md."""
AUDIT = _name("AUDIT", "audit")
"""Operator actions (``fusion.audit.AuditEntry`` lines), keyed by chain; one partition, kept forever."""
AGENCY_ALERTS = _name("AGENCY_ALERTS", ALERTS + ".{agency}")
"""Template of each agency's alert topic: the alerts routed to it, cut to its sharing policy
(``fusion.agencies``; docs/agencies.md), keyed by alert id. ``{agency}`` is the agency id."""

RECORD_TYPES: dict[str, type] = {
    AIS_REPORTS: AisReport,
    AIS_STATIC: AisStatic,
    RADAR_PLOTS: RadarPlot,
    REJECTS: Reject,
    TRACKS: TrackState,
    ALERTS: Alert,
    ALERT_ACKS: AlertAck,
    ALERT_VALIDATIONS: AlertValidation,
    SNOOZES: RuleSnooze,
    VESSEL_NOTES: VesselNote,
    RISK: RiskAssessment,
}


def agency_alerts(agency_id: str) -> str:
    """The topic of the alerts routed to ``agency_id`` (``alerts.<agency>`` by default)."""
    return AGENCY_ALERTS.format(agency=agency_id)


def topic_and_key(record: AisReport | AisStatic | RadarPlot | Reject) -> tuple[str, str]:
    """Where an ingest record is published, keyed by its source so per-source order holds."""
    if isinstance(record, AisReport):
        return AIS_REPORTS, record.receiver_id
    if isinstance(record, AisStatic):
        return AIS_STATIC, str(record.mmsi)  # compacted by MMSI: the latest identity wins
    if isinstance(record, RadarPlot):
        return RADAR_PLOTS, record.sensor_id
    return REJECTS, record.source


def area_key(area: str, source: str) -> str:
    """Kafka key of a raw record: ``AREA/SOURCE`` (the partitioner hashes only ``AREA``)."""
    return f"{area}/{source}"


def area_of_key(key: str) -> str | None:
    """The area prefix of a raw record's key, None for a key without one."""
    area, slash, _ = key.partition("/")
    return area if slash else None
