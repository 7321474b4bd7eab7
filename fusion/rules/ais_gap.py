"""AIS gap: a known vessel stops transmitting where it should be heard.

Keyed by MMSI, not track: when AIS goes off outside radar cover the track coasts and is
lost, and if the vessel transmits again it may come back on a new track. The rule keeps,
per MMSI, the time of the last fused AIS report and the vessel's latest state (radar may
keep updating it, a coasting track keeps predicting it; a lost track freezes it).

A gap is due at ``last_ais_time + RulesConfig.ais_gap_after_s(state)``, the speed class
taken from the latest state (a vessel that stopped after going silent would also have
slowed its reporting) and allowing for its speed uncertainty (a radar-held anchored
vessel whose noisy speed reads 3 kn still reports every 3 min). It is raised only if
the latest known position is inside AIS coverage: a vessel that sailed out of range is
not silent. Severity is high when radar still holds the vessel (a recent radar update
on a live track), medium otherwise; an open gap is ``updated`` when that changes. It is
cleared by the next AIS report from the MMSI, on whatever track.

Updates of any track status count here, tentative included: an MMSI in a track means an
AIS report was heard, and that fact does not depend on the track being confirmed.
"""

from __future__ import annotations

from dataclasses import dataclass

from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import AlertBook, IncidentKey, duration_text
from fusion.rules.observation import Observation
from fusion.schemas import Alert, AlertKind, Severity, TrackState, TrackStatus


def _key(mmsi: int) -> IncidentKey:
    return (AlertKind.AIS_GAP, f"mmsi:{mmsi}", None)


@dataclass(slots=True)
class _Vessel:
    last_ais_time: float
    latest: TrackState
    in_ais_coverage: bool  # reliable coverage (see RulesConfig.ais_reliable_range_fraction)
    slow_at_report: bool  # speed class of the state that fused the last report
    gap_after_s: float  # silence that makes a gap, for the report's and the latest speed class

    @property
    def due_time(self) -> float:
        return self.last_ais_time + self.gap_after_s


class AisGapRule:
    """Per-MMSI silence timers; see the module docstring for the rule."""

    def __init__(self, config: RulesConfig, book: AlertBook) -> None:
        self._config = config
        self._book = book
        self._vessels: dict[int, _Vessel] = {}
        self._gap_after_s = {
            (at_report, slow): config.ais_gap_after_s(at_report, slow)
            for at_report in (False, True)
            for slow in (False, True)
        }

    def on_update(self, observation: Observation) -> list[Alert]:
        """Record the vessel's latest state; clear its gap if this update carries new AIS."""
        state = observation.state
        if state.mmsi is None or state.last_ais_time is None:
            return []
        vessel = self._vessels.get(state.mmsi)
        if vessel is None:
            self._vessels[state.mmsi] = _Vessel(
                state.last_ais_time,
                state,
                observation.in_reliable_ais_coverage,
                observation.slow,
                self._gap_after_s[observation.slow, observation.slow],
            )
            return []
        alerts: list[Alert] = []
        if state.last_ais_time > vessel.last_ais_time:
            # Was the vessel silent for long enough before this report? Decide that first.
            alerts += self._check(state.mmsi, state.last_ais_time)
            key = _key(state.mmsi)
            if self._book.is_open(key):
                gap_s = state.last_ais_time - vessel.last_ais_time
                message = f"MMSI {state.mmsi} heard again after {duration_text(gap_s)} silent"
                alerts.append(self._book.clear(key, state.time, state, message, {"gap_s": gap_s}))
            vessel.last_ais_time = state.last_ais_time
            vessel.slow_at_report = observation.slow
        else:
            alerts += self._check(state.mmsi, state.time)
            alerts += self._regrade(state)
        if state.time >= vessel.latest.time:
            vessel.latest, vessel.in_ais_coverage = state, observation.in_reliable_ais_coverage
            vessel.gap_after_s = self._gap_after_s[vessel.slow_at_report, observation.slow]
        return alerts

    def _regrade(self, state: TrackState) -> list[Alert]:
        """An open gap is ``updated`` when radar takes up or drops the silent vessel."""
        assert state.mmsi is not None
        key = _key(state.mmsi)
        if not self._book.is_open(key):
            return []
        radar_holds = self._radar_holds(state, state.time)
        severity = Severity.HIGH if radar_holds else Severity.MEDIUM
        if severity is self._book.severity_of(key):
            return []
        radar_text = "radar now tracking it" if radar_holds else "radar no longer holds it"
        message = f"MMSI {state.mmsi} still silent; {radar_text}"
        evidence = {"radar_holds": "yes" if radar_holds else "no", "sog_kn": state.sog_kn}
        return [self._book.update(key, state.time, state, severity, message, evidence)]

    def _radar_holds(self, state: TrackState, time: float) -> bool:
        """A live track that radar updated at most ``radar_holding_max_age_s`` before ``time``."""
        return (
            state.status is not TrackStatus.LOST
            and state.last_radar_time is not None
            and time - state.last_radar_time <= self._config.radar_holding_max_age_s
        )

    def on_time(self, now: float) -> list[Alert]:
        """Raise every gap that is due by the watermark ``now``."""
        alerts: list[Alert] = []
        for mmsi in sorted(m for m, v in self._vessels.items() if v.in_ais_coverage and v.due_time <= now):
            alerts += self._check(mmsi, now)
        return alerts

    def _check(self, mmsi: int, now: float) -> list[Alert]:
        vessel = self._vessels[mmsi]
        key = _key(mmsi)
        if self._book.is_open(key) or not vessel.in_ais_coverage:
            return []
        latest = vessel.latest
        gap_after_s = vessel.gap_after_s
        due_time = vessel.due_time
        if now < due_time:
            return []
        radar_holds = self._radar_holds(latest, due_time)
        severity = Severity.HIGH if radar_holds else Severity.MEDIUM
        radar_text = "radar still tracking" if radar_holds else "not held by radar"
        message = f"MMSI {mmsi} silent for {duration_text(gap_after_s)} inside AIS coverage; {radar_text}"
        evidence = {
            "gap_s": gap_after_s,
            "last_ais_time": vessel.last_ais_time,
            "sog_kn": latest.sog_kn,
            "radar_holds": "yes" if radar_holds else "no",
        }
        return [self._book.raise_(key, due_time, latest, severity, message, evidence)]
