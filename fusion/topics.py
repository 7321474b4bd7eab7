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

RECORD_TYPES: dict[str, type] = {
    AIS_REPORTS: AisReport,
    AIS_STATIC: AisStatic,
    RADAR_PLOTS: RadarPlot,
    REJECTS: Reject,
    TRACKS: TrackState,
    ALERTS: Alert,
}
