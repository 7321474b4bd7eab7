"""Conditions held inside a zone for a while: loitering, speeding, no AIS.

The three rules share one machine per (track, zone): a condition starts a timer on an
update that is inside the zone itself and meets it; the timer survives as long as every
later update is still inside the zone grown by the geofence margin (the same dead band as
entry/exit, so a track on the edge does not restart it) and still meets it; at ``since +
delay`` the incident is raised at that due time. An open incident is ``updated`` when its
severity changes and ``cleared`` on the first update that no longer meets the condition,
leaves the grown zone, or loses the track. Coasting states are predictions, not
measurements: they neither start, hold nor break a condition.

The rules differ only in the condition, the delay and the words, which subclasses give.
"""

from __future__ import annotations

from collections.abc import Container
from dataclasses import dataclass

from fusion.rules.config import RulesConfig
from fusion.rules.geofence import SEVERITY_BY_ZONE_KIND
from fusion.rules.lifecycle import AlertBook, Evidence, IncidentKey, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.rules.zones import LocalZones, Zone, ZoneKind
from fusion.schemas import Alert, AlertKind, Severity, TrackState, TrackStatus


@dataclass(slots=True)
class _Timer:
    since: float
    due_time: float
    latest: Observation
    open: bool = False


class ZoneConditionRule:
    """Per (track, zone) condition timers; subclasses define :meth:`applies`, :meth:`meets`,
    :meth:`delay_s`, :meth:`severity` and :meth:`message`."""

    kind: AlertKind

    def __init__(self, zones: LocalZones, config: RulesConfig, book: AlertBook) -> None:
        self._zones = zones
        self._config = config
        self._book = book
        self._watched = frozenset(i for i, zone in enumerate(zones.zones) if self.applies(zone))
        self._timers: dict[str, dict[int, _Timer]] = {}
        self.timed_tracks: Container[str] = self._timers  # the dict itself: picklable for snapshots
        """Tracks with a timer: an update outside every zone matters only for these."""

    # -- what a subclass says --------------------------------------------------------

    def applies(self, zone: Zone) -> bool:
        """Whether the rule watches ``zone`` at all (from its kind and settings)."""
        raise NotImplementedError

    def meets(self, observation: Observation, zone: Zone) -> bool:
        """Whether this measured update meets the condition in ``zone``."""
        raise NotImplementedError

    def delay_s(self, observation: Observation, zone: Zone) -> float:
        """How long the condition must hold before the alert, for the latest update."""
        raise NotImplementedError

    def severity(self, observation: Observation, zone: Zone) -> Severity:
        raise NotImplementedError

    def message(self, state: TrackState, zone: Zone, held_s: float) -> str:
        raise NotImplementedError

    def evidence(self, state: TrackState, zone: Zone, held_s: float) -> Evidence:
        return {"zone_kind": zone.kind.value, "held_s": held_s, "sog_kn": state.sog_kn}

    # -- the machine -------------------------------------------------------------------

    def _key(self, track_id: str, zone: Zone) -> IncidentKey:
        return (self.kind, track_id, zone.id)

    def on_update(self, observation: Observation) -> list[Alert]:
        """Start, hold, break or raise the track's timers; returns transitions."""
        state = observation.state
        timers = self._timers.get(state.track_id)
        if state.status is TrackStatus.LOST:
            return self._end_all(state, "track lost")
        if state.status is not TrackStatus.CONFIRMED or (not timers and not observation.inner):
            return []
        timers = self._timers.setdefault(state.track_id, {})
        alerts: list[Alert] = []
        for index in sorted(timers.keys() | (observation.inner & self._watched)):
            zone = self._zones.zones[index]
            timer = timers.get(index)
            meets = self.meets(observation, zone)
            if timer is None:
                if meets and index in observation.inner:
                    due_time = state.time + self.delay_s(observation, zone)
                    timers[index] = _Timer(state.time, due_time, observation)
                    alerts += self._check(state.track_id, index, state.time)
                continue
            if not meets or index not in observation.outer:
                alerts += self._end(state, index, "left the zone" if meets else "condition no longer met")
                continue
            timer.latest = observation
            if timer.open:
                alerts += self._maybe_update(observation, index, timer)
            else:
                timer.due_time = timer.since + self.delay_s(observation, zone)
                alerts += self._check(state.track_id, index, state.time)
        if not timers:
            del self._timers[state.track_id]
        return alerts

    def on_time(self, now: float) -> list[Alert]:
        """Raise every timer due by the watermark ``now``."""
        alerts: list[Alert] = []
        for track_id in sorted(self._timers):
            for index, timer in sorted(self._timers[track_id].items()):
                if not timer.open and timer.due_time <= now:
                    alerts += self._check(track_id, index, now)
        return alerts

    def _check(self, track_id: str, index: int, now: float) -> list[Alert]:
        timer = self._timers[track_id][index]
        if timer.open or now < timer.due_time:
            return []
        timer.open = True
        zone = self._zones.zones[index]
        state, held_s = timer.latest.state, timer.due_time - timer.since
        severity = self.severity(timer.latest, zone)
        return [
            self._book.raise_(
                self._key(track_id, zone),
                timer.due_time,
                state,
                severity,
                self.message(state, zone, held_s),
                self.evidence(state, zone, held_s),
            )
        ]

    def _maybe_update(self, observation: Observation, index: int, timer: _Timer) -> list[Alert]:
        zone = self._zones.zones[index]
        key = self._key(observation.track_id, zone)
        severity = self.severity(observation, zone)
        if severity is self._book.severity_of(key):
            return []
        held_s = observation.state.time - timer.since
        state = observation.state
        return [
            self._book.update(
                key,
                state.time,
                state,
                severity,
                self.message(state, zone, held_s),
                self.evidence(state, zone, held_s),
            )
        ]

    def _end(self, state: TrackState, index: int, why: str) -> list[Alert]:
        timer = self._timers[state.track_id].pop(index)
        if not timer.open:
            return []
        zone = self._zones.zones[index]
        held_s = state.time - timer.since
        message = (
            f"{vessel_label(state.track_id, state.mmsi)}: {self.kind.value} in zone {zone.id} ended ({why})"
        )
        return [
            self._book.clear(self._key(state.track_id, zone), state.time, state, message, {"held_s": held_s})
        ]

    def _end_all(self, state: TrackState, why: str) -> list[Alert]:
        alerts: list[Alert] = []
        for index in sorted(self._timers.get(state.track_id, {})):
            alerts += self._end(state, index, why)
        self._timers.pop(state.track_id, None)
        return alerts


class LoiteringRule(ZoneConditionRule):
    """``loitering``: slow (``RulesConfig.is_slow``) inside a watched zone for its threshold."""

    kind = AlertKind.LOITERING

    def applies(self, zone: Zone) -> bool:
        return self._config.loiter_after_s_in(zone) is not None

    def meets(self, observation: Observation, zone: Zone) -> bool:
        return observation.slow

    def delay_s(self, observation: Observation, zone: Zone) -> float:
        return self._config.loiter_after_s_in(zone) or 0.0

    def severity(self, observation: Observation, zone: Zone) -> Severity:
        return (
            Severity.LOW
            if zone.kind in (ZoneKind.PORT, ZoneKind.ANCHORAGE)
            else SEVERITY_BY_ZONE_KIND[zone.kind]
        )

    def message(self, state: TrackState, zone: Zone, held_s: float) -> str:
        return (
            f"{vessel_label(state.track_id, state.mmsi)} loitering in {zone.kind.value} zone {zone.id} "
            f"({zone.name}) for {duration_text(held_s)} at {state.sog_kn:.1f} kn"
        )


class SpeedingRule(ZoneConditionRule):
    """``speeding``: significantly above the zone's ``speed_limit_kn`` for ``speeding_confirm_s``."""

    kind = AlertKind.SPEEDING

    def applies(self, zone: Zone) -> bool:
        return zone.settings.speed_limit_kn is not None

    def meets(self, observation: Observation, zone: Zone) -> bool:
        limit_kn = zone.settings.speed_limit_kn or 0.0
        sigma_kn = observation.speed_sigma_kn
        return observation.state.sog_kn - self._config.slow_speed_sigmas * sigma_kn > limit_kn

    def delay_s(self, observation: Observation, zone: Zone) -> float:
        return self._config.speeding_confirm_s

    def severity(self, observation: Observation, zone: Zone) -> Severity:
        limit_kn = zone.settings.speed_limit_kn or 0.0
        severe = observation.state.sog_kn > self._config.speeding_severe_factor * limit_kn
        return Severity.HIGH if severe else Severity.MEDIUM

    def message(self, state: TrackState, zone: Zone, held_s: float) -> str:
        return (
            f"{vessel_label(state.track_id, state.mmsi)} at {state.sog_kn:.1f} kn in zone {zone.id} "
            f"({zone.name}), limit {zone.settings.speed_limit_kn:g} kn"
        )

    def evidence(self, state: TrackState, zone: Zone, held_s: float) -> Evidence:
        return {
            **super().evidence(state, zone, held_s),
            "speed_limit_kn": zone.settings.speed_limit_kn or 0.0,
        }


class NoAisInZoneRule(ZoneConditionRule):
    """``no_ais_in_zone``: a radar track without an MMSI inside a zone that requires AIS."""

    kind = AlertKind.NO_AIS_IN_ZONE

    def applies(self, zone: Zone) -> bool:
        return self._config.requires_ais_in(zone)

    def meets(self, observation: Observation, zone: Zone) -> bool:
        state = observation.state
        return state.mmsi is None and state.last_radar_time is not None

    def delay_s(self, observation: Observation, zone: Zone) -> float:
        return self._config.dark_after_s(observation.slow)

    def severity(self, observation: Observation, zone: Zone) -> Severity:
        return Severity.HIGH

    def message(self, state: TrackState, zone: Zone, held_s: float) -> str:
        return (
            f"{vessel_label(state.track_id, None)} without AIS for {duration_text(held_s)} in "
            f"{zone.kind.value} zone {zone.id} ({zone.name}), which requires AIS"
        )
