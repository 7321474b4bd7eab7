"""Default topic names and the record type each carries.

One table so that every service, the replay and the docs agree. Keys are chosen for
ordering: the source for raw feeds, the track id for tracks, the alert id for alerts.
"""

from __future__ import annotations

from fusion.schemas import AisReport, AisStatic, Alert, RadarPlot, Reject, TrackState

AIS_REPORTS = "ais.reports"
AIS_STATIC = "ais.static"
RADAR_PLOTS = "radar.plots"
REJECTS = "ingest.rejects"
TRACKS = "tracks"
ALERTS = "alerts"
ALERT_ACKS = "alerts.acks"
"""Watch officers' acknowledgements (``dashboard.acks.AlertAck``), keyed by alert id."""

RECORD_TYPES: dict[str, type] = {
    AIS_REPORTS: AisReport,
    AIS_STATIC: AisStatic,
    RADAR_PLOTS: RadarPlot,
    REJECTS: Reject,
    TRACKS: TrackState,
    ALERTS: Alert,
}


def topic_and_key(record: AisReport | AisStatic | RadarPlot | Reject) -> tuple[str, str]:
    """Where an ingest record is published, keyed by its source so per-source order holds."""
    if isinstance(record, AisReport):
        return AIS_REPORTS, record.receiver_id
    if isinstance(record, AisStatic):
        return AIS_STATIC, str(record.mmsi)  # compacted by MMSI: the latest identity wins
    if isinstance(record, RadarPlot):
        return RADAR_PLOTS, record.sensor_id
    return REJECTS, record.source
