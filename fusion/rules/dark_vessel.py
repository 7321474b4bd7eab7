"""Dark vessel: a radar track with no AIS identity where AIS would be heard.

A confirmed or coasting track that radar has updated, that has no MMSI, and whose
position is inside AIS coverage (less a margin) starts a timer at its first such update.
After ``RulesConfig.dark_after_s`` (120 s moving, 360 s slow, "slow" allowing for the
track's speed uncertainty; see the config for why)
it raises ``dark_vessel`` (high) at exactly that due time. The timer restarts if the
track leaves coverage before then. Once raised, the incident is cleared only when the
track gets an MMSI (the tracker fused an AIS report) or is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import ALERTING_STATUSES, AlertBook, IncidentKey, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.schemas import Alert, AlertKind, Severity, TrackState, TrackStatus


def _key(track_id: str) -> IncidentKey:
    return (AlertKind.DARK_VESSEL, track_id, None)


@dataclass(frozen=True, slots=True)
class _Timer:
    since: float  # first update of this dark spell inside coverage
    due_time: float  # since + dark_after_s of the latest state's speed class
    latest: TrackState


class DarkVesselRule:
    """Per-track dark timers; see the module docstring for the rule."""

    def __init__(self, config: RulesConfig, book: AlertBook) -> None:
        self._config = config
        self._book = book
        self._pending: dict[str, _Timer] = {}

    def on_update(self, observation: Observation) -> list[Alert]:
        """Advance the track's timer."""
        state = observation.state
        key = _key(state.track_id)
        identified = state.mmsi is not None
        if state.status is TrackStatus.LOST or identified:
            # A report fused at last_ais_time ended the darkness then, not at this update.
            heard_time = state.last_ais_time if identified and state.last_ais_time is not None else state.time
            alerts = self._check(state.track_id, min(heard_time, state.time))
            self._pending.pop(state.track_id, None)
            if self._book.is_open(key):
                how = f"identified as MMSI {state.mmsi}" if identified else "track lost"
                alerts.append(
                    self._book.clear(key, state.time, state, f"{state.track_id} no longer dark: {how}", {})
                )
            return alerts
        if state.status not in ALERTING_STATUSES or self._book.is_open(key):
            return []
        if state.last_radar_time is None or not observation.in_ais_coverage:
            self._pending.pop(state.track_id, None)
            return []
        timer = self._pending.get(state.track_id)
        since = timer.since if timer is not None else state.time
        due_time = since + self._config.dark_after_s(observation.slow)
        self._pending[state.track_id] = _Timer(since, due_time, state)
        return self._check(state.track_id, state.time)

    def on_time(self, now: float) -> list[Alert]:
        """Raise every timer that is due by the watermark ``now``."""
        alerts: list[Alert] = []
        for track_id in sorted(t for t, timer in self._pending.items() if timer.due_time <= now):
            alerts += self._check(track_id, now)
        return alerts

    def _check(self, track_id: str, now: float) -> list[Alert]:
        timer = self._pending.get(track_id)
        if timer is None or now < timer.due_time:
            return []
        del self._pending[track_id]
        since, due_time, state = timer.since, timer.due_time, timer.latest
        dark_after_s = due_time - since
        message = (
            f"{vessel_label(track_id, None)} on radar without AIS for {duration_text(dark_after_s)} "
            f"inside AIS coverage at {state.sog_kn:.1f} kn"
        )
        evidence = {"dark_s": dark_after_s, "dark_since_time": since, "sog_kn": state.sog_kn}
        return [self._book.raise_(_key(track_id), due_time, state, Severity.HIGH, message, evidence)]
