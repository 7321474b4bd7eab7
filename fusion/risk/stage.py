"""Vessel risk as alerts arrive: alerts and AIS identities in, ``RiskAssessment`` records out.

Pure and driven by the records' own times, like the rules: the same alerts give the same
assessments in every replay. The stage reads the alert stream (the record of what each
vessel did), not the tracks: everything risk weighs is already an alert, and the alert
topic is small enough to be re-read from its start when the service restarts.

A vessel is known by its track id; an MMSI seen on two tracks (the tracker re-acquired it)
joins them, so an AIS gap and the rendezvous before it count for the same vessel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from fusion.risk.model import Observation, RiskConfig, score
from fusion.schemas import AisStatic, Alert, AlertKind, AlertState, AlertValidation, RiskAssessment, Verdict

#: Alert kinds that are an indicator by themselves (the others depend on zone or evidence).
_KIND_INDICATOR = {
    AlertKind.AIS_GAP: "ais_gap",
    AlertKind.DARK_VESSEL: "dark_vessel",
    AlertKind.RENDEZVOUS: "rendezvous",
    AlertKind.LOITERING: "loitering",
    AlertKind.SPEEDING: "speeding",
    AlertKind.NO_AIS_IN_ZONE: "no_ais_in_zone",
    AlertKind.VESSEL_OF_INTEREST: "vessel_of_interest",
}
#: Zone kinds whose entry is itself an indicator.
_SENSITIVE_ZONE_KINDS = frozenset({"restricted", "mpa"})


@dataclass
class _Vessel:
    track_id: str
    mmsi: int | None = None
    observations: dict[str, Observation] = field(default_factory=dict)
    alert_ids: list[str] = field(default_factory=list)
    lat: float | None = None
    lon: float | None = None


class RiskStage:
    """Per-vessel indicators from alerts; an assessment each time a vessel's evidence changes.

    Parameters
    ----------
    config : RiskConfig
        Weights and exponents (``fusion.risk.model.load_risk_config``).
    zone_kinds : mapping of zone id to zone kind
        From zones.geojson, to tell a restricted zone's entry from a port's.
    """

    def __init__(self, config: RiskConfig, zone_kinds: Mapping[str, str]) -> None:
        self.config = config
        self.zone_kinds = dict(zone_kinds)
        self._vessels: dict[str, _Vessel] = {}  # by track id (aliases share one _Vessel)
        self._by_mmsi: dict[int, _Vessel] = {}
        self._dark_tracks: set[str] = set()
        self._partners: dict[str, list[tuple[str, Alert]]] = {}  # rendezvous met so far, by track
        self._flags: dict[int, str] = {}

    def on_static(self, static: AisStatic) -> list[RiskAssessment]:
        """Learn a vessel's flag (from its MMSI's MID); a flag of concern is an indicator."""
        flag = static.flag_state
        if flag is None or self._flags.get(static.mmsi) == flag:
            return []
        self._flags[static.mmsi] = flag
        vessel = self._by_mmsi.get(static.mmsi)
        if vessel is None or flag.upper() not in self.config.flags_of_concern:
            return []
        return self._observe(vessel, "flag_of_concern", static.time, f"flag {flag} (MID of {static.mmsi})")

    def on_validation(self, validation: AlertValidation) -> list[RiskAssessment]:
        """A confirmed incident becomes a reporting in the vessel's history (a rejection changes nothing:
        the alert's own indicator stays, since the behaviour was still seen)."""
        if validation.verdict is not Verdict.CONFIRMED:
            return []
        vessel = self._vessels.get(validation.track_id)
        if vessel is None and validation.mmsi is not None:
            vessel = self._by_mmsi.get(validation.mmsi)
        if vessel is None:
            return []  # an alert this stage never saw: nothing to place the reporting on
        evidence = f"{validation.kind.value} alert {validation.alert_id} confirmed by {validation.officer}"
        return self._observe(vessel, "validated_reporting", validation.time, evidence, validation.alert_id)

    def on_alert(self, alert: Alert) -> list[RiskAssessment]:
        """The assessments this alert changes (none for a clear, or an alert that is no indicator)."""
        if alert.state is AlertState.CLEARED:
            return []  # the behaviour happened; it fades by the half-life, not by the clear
        vessel = self._vessel(alert.track_id, alert.mmsi, alert.lat, alert.lon)
        out: list[RiskAssessment] = []
        if alert.kind is AlertKind.DARK_VESSEL and alert.track_id not in self._dark_tracks:
            self._dark_tracks.add(alert.track_id)
            for other_id, meeting in self._partners.get(alert.track_id, []):  # found dark after meeting
                out += self._dark_meeting(self._vessels[other_id], other_id, alert.track_id, meeting)
                out += self._dark_meeting(vessel, alert.track_id, other_id, meeting)
        name = self._indicator(alert)
        if name is not None:
            out += self._observe(vessel, name, alert.time, alert.message, alert.alert_id)
        if alert.kind is AlertKind.RENDEZVOUS:
            for other_id in alert.related_track_ids:
                other = self._vessel(other_id, None, alert.lat, alert.lon)
                self._partners.setdefault(alert.track_id, []).append((other_id, alert))
                self._partners.setdefault(other_id, []).append((alert.track_id, alert))
                out += self._observe(other, "rendezvous", alert.time, alert.message, alert.alert_id)
                out += self._dark_meeting(vessel, alert.track_id, other_id, alert)
                out += self._dark_meeting(other, other_id, alert.track_id, alert)
        return out

    def _indicator(self, alert: Alert) -> str | None:
        if alert.kind is AlertKind.SPOOFING:
            return "invalid_mmsi" if alert.evidence.get("anomaly") == "invalid_mmsi" else "spoofing"
        if alert.kind is AlertKind.ZONE_ENTRY:
            kind = self.zone_kinds.get(alert.zone_id or "")
            return "restricted_zone_entry" if kind in _SENSITIVE_ZONE_KINDS else None
        if alert.kind in (AlertKind.LOITERING, AlertKind.SPEEDING):
            kind = self.zone_kinds.get(alert.zone_id or "")
            return (
                _KIND_INDICATOR[alert.kind]
                if kind in _SENSITIVE_ZONE_KINDS or alert.zone_id is None
                else None
            )
        return _KIND_INDICATOR.get(alert.kind)

    def _dark_meeting(
        self, vessel: _Vessel, own_id: str, other_id: str, meeting: Alert
    ) -> list[RiskAssessment]:
        """A rendezvous with a dark party: what each side's part in it says.

        Meeting at sea while dark is the smuggling signature itself, more telling than being dark
        and meeting taken as independent signs (noisy-OR); meeting a dark vessel is its mirror.
        """
        out: list[RiskAssessment] = []
        if other_id in self._dark_tracks:
            evidence = f"met dark track {other_id}: {meeting.message}"
            out += self._observe(vessel, "met_dark_vessel", meeting.time, evidence, meeting.alert_id)
        if own_id in self._dark_tracks:
            evidence = f"met track {other_id} while without AIS: {meeting.message}"
            out += self._observe(vessel, "rendezvous_while_dark", meeting.time, evidence, meeting.alert_id)
        return out

    def _vessel(self, track_id: str, mmsi: int | None, lat: float, lon: float) -> _Vessel:
        vessel = self._vessels.get(track_id)
        if vessel is None and mmsi is not None:
            vessel = self._by_mmsi.get(mmsi)
        if vessel is None:
            vessel = _Vessel(track_id)
        self._vessels[track_id] = vessel
        if mmsi is not None and vessel.mmsi is None:
            vessel.mmsi = mmsi
            self._by_mmsi.setdefault(mmsi, vessel)
        vessel.lat, vessel.lon = lat, lon
        return vessel

    def _observe(
        self, vessel: _Vessel, name: str, time: float, evidence: str, alert_id: str | None = None
    ) -> list[RiskAssessment]:
        if name not in self.config.indicators:
            return []
        previous = vessel.observations.get(name)
        if previous is not None and previous.time >= time and previous.evidence == evidence:
            return []
        vessel.observations[name] = Observation(name, time, evidence, alert_id)
        if alert_id is not None and alert_id not in vessel.alert_ids:
            vessel.alert_ids.append(alert_id)
        result = score(vessel.observations, time, self.config)
        return [
            RiskAssessment(
                time=time,
                track_id=vessel.track_id,
                mmsi=vessel.mmsi,
                score=result.score,
                impact=result.impact,
                probability=result.probability,
                detectability=result.detectability,
                risk_type=result.risk_type,
                lat=vessel.lat,
                lon=vessel.lon,
                factors=result.factors,
                alert_ids=tuple(vessel.alert_ids),
            )
        ]
