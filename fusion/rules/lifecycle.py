"""Alert identity and lifecycle: one id per incident, raised -> updated* -> cleared.

Rules decide *when* something happens; this module decides what the resulting
:class:`~fusion.schemas.Alert` records look like, so every rule gets the same id scheme,
the same "never raised twice" guarantee and the same fields.

States: ``raised`` once, ``updated`` whenever the incident changes in a way an officer
should see (its severity), ``cleared`` once; a point event (a zone exit) is a lone ``raised``.
De-duplication is by key: a rule cannot raise an incident that is already open.

An incident is named by an :data:`IncidentKey` ``(kind, subject, zone_id)``: ``subject``
is a track id, ``"mmsi:<n>"`` for vessel-keyed rules, or ``"<id>+<id>"`` for a pair. The
``alert_id`` hashes the key and the raise time (event time), so replaying the same data
gives the same ids, and a second incident of the same key (a vessel re-entering a zone)
gets a new one.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass

from fusion.schemas import Alert, AlertKind, AlertState, Severity, TrackState, TrackStatus

ALERTING_STATUSES = frozenset({TrackStatus.CONFIRMED, TrackStatus.COASTING})
"""Track statuses that may raise alerts: a tentative track may be clutter, a lost one is gone."""

IncidentKey = tuple[AlertKind, str, str | None]

Evidence = dict[str, float | str]


def alert_id_for(key: IncidentKey, raised_time: float) -> str:
    """First 16 hex digits of sha256 over the key and the raise time (``repr`` keeps every bit)."""
    kind, subject, zone_id = key
    text = f"{kind.value}|{subject}|{zone_id or ''}|{raised_time!r}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def vessel_label(track_id: str, mmsi: int | None) -> str:
    """How a message names a vessel: ``"T000042 (MMSI 463000123)"`` or ``"T000042 (no AIS)"``."""
    return f"{track_id} (MMSI {mmsi})" if mmsi is not None else f"{track_id} (no AIS)"


def duration_text(seconds: float) -> str:
    """Human duration for messages: ``"45 s"`` below two minutes, else whole minutes."""
    return f"{seconds:.0f} s" if seconds < 120.0 else f"{seconds / 60.0:.0f} min"


@dataclass(frozen=True, slots=True)
class _Open:
    alert_id: str
    severity: Severity
    related_track_ids: tuple[str, ...]


class AlertBook:
    """The open incidents, and the only place :class:`Alert` records are built.

    Every alert takes ``track_id``, ``mmsi``, ``lat`` and ``lon`` from the track state it
    is about (``where``), so a dark-vessel alert cleared because the track got an MMSI
    shows that MMSI, and an AIS-gap alert cleared on a new track shows the new track.
    """

    def __init__(self) -> None:
        self._open: dict[IncidentKey, _Open] = {}

    def is_open(self, key: IncidentKey) -> bool:
        return key in self._open

    def open_keys(self) -> list[IncidentKey]:
        """Open incidents in sorted order (deterministic iteration for the rules)."""
        return sorted(self._open, key=lambda key: (key[0].value, key[1], key[2] or ""))

    def raise_(
        self,
        key: IncidentKey,
        time: float,
        where: TrackState,
        severity: Severity,
        message: str,
        evidence: Evidence,
        related_track_ids: tuple[str, ...] = (),
    ) -> Alert:
        """Open an incident and return its ``raised`` alert.

        Raises
        ------
        RuntimeError
            If the incident is already open: a rule bug, since it would emit a second
            ``raised`` for one incident.
        """
        if key in self._open:
            raise RuntimeError(f"incident {key} is already open")
        incident = self._open[key] = _Open(alert_id_for(key, time), severity, related_track_ids)
        return self._build(key, incident, AlertState.RAISED, time, where, message, evidence)

    def severity_of(self, key: IncidentKey) -> Severity:
        """Current severity of an open incident."""
        return self._open[key].severity

    def update(
        self,
        key: IncidentKey,
        time: float,
        where: TrackState,
        severity: Severity,
        message: str,
        evidence: Evidence,
    ) -> Alert:
        """A change to an open incident (its severity, mostly): an ``updated`` alert, same id."""
        incident = self._open[key] = dataclasses.replace(self._open[key], severity=severity)
        return self._build(key, incident, AlertState.UPDATED, time, where, message, evidence)

    def rekey(
        self,
        key: IncidentKey,
        new_key: IncidentKey,
        time: float,
        where: TrackState,
        message: str,
        evidence: Evidence,
    ) -> Alert:
        """The incident goes on under another subject (a re-acquired track): ``updated``, same id."""
        if new_key in self._open:
            raise RuntimeError(f"incident {new_key} is already open")
        incident = self._open[new_key] = self._open.pop(key)
        return self._build(new_key, incident, AlertState.UPDATED, time, where, message, evidence)

    def clear(
        self, key: IncidentKey, time: float, where: TrackState, message: str, evidence: Evidence
    ) -> Alert:
        """Close an open incident and return its ``cleared`` alert (same id and severity)."""
        return self._build(key, self._open.pop(key), AlertState.CLEARED, time, where, message, evidence)

    def announce(
        self,
        key: IncidentKey,
        time: float,
        where: TrackState,
        severity: Severity,
        message: str,
        evidence: Evidence,
    ) -> Alert:
        """A point event (e.g. a zone exit): one ``raised`` alert that opens nothing to clear."""
        incident = _Open(alert_id_for(key, time), severity, ())
        return self._build(key, incident, AlertState.RAISED, time, where, message, evidence)

    def _build(
        self,
        key: IncidentKey,
        incident: _Open,
        state: AlertState,
        time: float,
        where: TrackState,
        message: str,
        evidence: Evidence,
    ) -> Alert:
        return Alert(
            alert_id=incident.alert_id,
            time=time,
            kind=key[0],
            state=state,
            severity=incident.severity,
            track_id=where.track_id,
            mmsi=where.mmsi,
            zone_id=key[2],
            lat=where.lat,
            lon=where.lon,
            message=message,
            related_track_ids=incident.related_track_ids,
            evidence=evidence,
        )
