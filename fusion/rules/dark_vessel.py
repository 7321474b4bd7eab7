"""Dark vessel: a radar track with no AIS identity where AIS would be heard.

A confirmed or coasting track that radar has updated, that has no MMSI, and whose
position is inside AIS coverage (less a margin) starts a timer at its first such update.
After ``RulesConfig.dark_after_s`` (120 s moving, 360 s slow, "slow" allowing for the
track's speed uncertainty; see the config for why)
it raises ``dark_vessel`` (high) at exactly that due time. The timer restarts if the
track leaves coverage before then. Once raised, the incident is cleared only when the
track gets an MMSI (the tracker fused an AIS report) or is lost.

Hand-over: a fast boat manoeuvring hard can lose its track and be picked up again on a new
one, sometimes while the old track still coasts. That is the same dark vessel, so the same
incident: when a new dark track's timer falls due and an open incident's track is coasting
or lost, its last state within ``dark_handover_s`` of the new track's first update (before
or after), and that first position lies within the gate around where the old track would
have been then (``dark_handover_gate_m`` + ``dark_handover_gate_fraction`` of the
distance it would have run), the incident moves to the new track as an ``updated`` alert,
same ``alert_id``. A lost track's incident is therefore cleared only once
``dark_handover_s`` has passed without a successor, or, when a new dark track that may
continue it appeared in that time, once that track's timer is dropped (it was identified,
lost or left coverage) without falling due: a slow boat's timer runs 360 s, longer than
the hand-over window, and its incident must not be closed and raised again meanwhile.

A radar track that :mod:`fusion.rules.radar_shadow` has shown to be the real position of an
AIS identity reporting false positions is not dark (its identity is known, misreported): its
timer waits while it is in ``RadarShadowRule.explained``, and the finding is the ``spoofing``
alert instead. It also waits while the track is ``RadarShadowRule.suspected`` (paired with
such an AIS track for less than ``radar_mismatch_s``): a dark timer that falls due a few
seconds before the shadow is shown would otherwise call the spoofer's own hull dark.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import ALERTING_STATUSES, AlertBook, IncidentKey, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.rules.radar_shadow import RadarShadowRule
from fusion.schemas import Alert, AlertKind, Severity, TrackState, TrackStatus


def _key(track_id: str) -> IncidentKey:
    return (AlertKind.DARK_VESSEL, track_id, None)


@dataclass(frozen=True, slots=True)
class _Timer:
    first: TrackState  # first update of this dark spell inside coverage
    due_time: float  # first.time + dark_after_s of the latest state's speed class
    latest: TrackState

    @property
    def since(self) -> float:
        return self.first.time


class DarkVesselRule:
    """Per-track dark timers; see the module docstring for the rule."""

    def __init__(self, config: RulesConfig, book: AlertBook, shadow: RadarShadowRule) -> None:
        self._config = config
        self._book = book
        self._shadow = shadow  # whose ``explained`` radar tracks are not dark
        self._pending: dict[str, _Timer] = {}
        self._open: dict[str, TrackState] = {}  # tracks with an open incident: latest state
        self._orphans: dict[str, TrackState] = {}  # lost with an open incident: lost state
        self._held: set[str] = set()  # orphans kept past the hand-over window for a running successor timer

    def on_update(self, observation: Observation) -> list[Alert]:
        """Advance the track's timer."""
        state = observation.state
        if (
            state.mmsi is not None
            and state.track_id not in self._pending
            and state.track_id not in self._open
        ):
            return []  # identified, nothing pending or open: most updates
        key = _key(state.track_id)
        identified = state.mmsi is not None
        if state.status is TrackStatus.LOST or identified:
            # A report fused at last_ais_time ended the darkness then, not at this update.
            heard_time = state.last_ais_time if identified and state.last_ais_time is not None else state.time
            alerts = self._check(state.track_id, min(heard_time, state.time))
            self._pending.pop(state.track_id, None)
            self._open.pop(state.track_id, None)
            if self._book.is_open(key) and not identified:
                self._orphans[state.track_id] = state  # cleared later unless handed over
            elif self._book.is_open(key):
                how = f"identified as MMSI {state.mmsi}" if identified else "track lost"
                alerts.append(
                    self._book.clear(key, state.time, state, f"{state.track_id} no longer dark: {how}", {})
                )
            return alerts
        if state.status not in ALERTING_STATUSES:
            return []
        if self._book.is_open(key):
            self._open[state.track_id] = state
            return []
        if state.last_radar_time is None or not observation.in_ais_coverage:
            self._pending.pop(state.track_id, None)
            return []
        timer = self._pending.get(state.track_id)
        first = timer.first if timer is not None else state
        due_time = first.time + self._config.dark_after_s(observation.slow)
        self._pending[state.track_id] = _Timer(first, due_time, state)
        return self._check(state.track_id, state.time)

    def on_time(self, now: float) -> list[Alert]:
        """Raise every timer that is due by the watermark ``now``; clear orphans nobody took over."""
        alerts: list[Alert] = []
        for track_id in sorted(t for t, timer in self._pending.items() if timer.due_time <= now):
            alerts += self._check(track_id, now)
        handover_s = self._config.dark_handover_s
        for track_id in sorted(t for t, lost in self._orphans.items() if lost.time + handover_s <= now):
            lost = self._orphans[track_id]
            if any(self._continues(lost, timer.first) for timer in self._pending.values()):
                self._held.add(track_id)  # a successor's timer is still running
                continue
            del self._orphans[track_id]
            if track_id in self._held:
                self._held.discard(track_id)
                time, why = now, "and the track that may have continued it is not dark"
            else:
                time, why = lost.time + handover_s, f"no successor within {duration_text(handover_s)}"
            message = f"{track_id} no longer dark: track lost, {why}"
            alerts.append(self._book.clear(_key(track_id), time, lost, message, {}))
        return alerts

    def _continues(self, old: TrackState, first: TrackState) -> bool:
        """Could the new dark track whose first update is ``first`` be the vessel of ``old``?"""
        config = self._config
        dt_s = first.time - old.time  # < 0: the new track began while the old one lived on
        if abs(dt_s) > config.dark_handover_s or old.track_id == first.track_id:
            return False
        run_m = math.hypot(old.ve_mps, old.vn_mps) * abs(dt_s)
        return _miss_m(old, first) <= config.dark_handover_gate_m + config.dark_handover_gate_fraction * run_m

    def _predecessor(self, first: TrackState) -> TrackState | None:
        """The coasting or recently lost dark track the new track ``first`` continues, if any."""
        candidates = [
            *self._orphans.values(),
            *(s for s in self._open.values() if s.status is TrackStatus.COASTING),
        ]
        fits = [old for old in candidates if self._continues(old, first)]
        if not fits:
            return None
        track_id = min(fits, key=lambda old: (_miss_m(old, first), old.track_id)).track_id
        self._held.discard(track_id)
        return self._orphans.pop(track_id, None) or self._open.pop(track_id)

    def _check(self, track_id: str, now: float) -> list[Alert]:
        timer = self._pending.get(track_id)
        if timer is None or now < timer.due_time:
            return []
        if track_id in self._shadow.explained or track_id in self._shadow.suspected:
            return []
        del self._pending[track_id]
        since, due_time, state = timer.since, timer.due_time, timer.latest
        self._open[track_id] = state
        previous = self._predecessor(timer.first)
        if previous is not None:
            message = (
                f"{vessel_label(track_id, None)} continues dark track {previous.track_id} "
                f"(re-acquired {duration_text(since - previous.time)} after its last update)"
            )
            evidence: dict[str, float | str] = {
                "previous_track_id": previous.track_id,
                "sog_kn": state.sog_kn,
            }
            return [
                self._book.rekey(_key(previous.track_id), _key(track_id), due_time, state, message, evidence)
            ]
        dark_after_s = due_time - since
        message = (
            f"{vessel_label(track_id, None)} on radar without AIS for {duration_text(dark_after_s)} "
            f"inside AIS coverage at {state.sog_kn:.1f} kn"
        )
        evidence = {"dark_s": dark_after_s, "dark_since_time": since, "sog_kn": state.sog_kn}
        return [self._book.raise_(_key(track_id), due_time, state, Severity.HIGH, message, evidence)]


def _miss_m(old: TrackState, first: TrackState) -> float:
    """Distance from ``first`` to where ``old`` would be at its time, on a straight line."""
    dt_s = first.time - old.time
    return math.hypot(
        first.east_m - (old.east_m + old.ve_mps * dt_s), first.north_m - (old.north_m + old.vn_mps * dt_s)
    )
