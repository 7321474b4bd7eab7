"""Geofence: ``zone_entry`` / ``zone_exit`` per (track, zone), with hysteresis.

Each (track, zone) pair is a two-state machine, outside -> inside -> outside. A crossing
is *pending* from the first update on the new side and commits when
``geofence_confirm_updates`` consecutive updates agree, or when the new side has held for
``geofence_confirm_s`` with no contrary update (checked on later updates and on empty
ticks, so an AIS-only track at anchor is not held back by its 3 min reporting rate). One
update back on the old side cancels a pending crossing.

Entry is tested against the zone itself; exit needs the track outside by a band that
scales with its own position uncertainty: ``geofence_exit_sigmas`` (3) standard
deviations of its position (the larger axis of the track's covariance), at least
``geofence_exit_min_m`` and at most ``geofence_margin_m``. Inside the band nothing
changes. A track fed by AIS (σ ~5 m) is called out 15 m past the edge, 4 s at 7 kn; a
radar track at 30 km (σ 15-30 m) 45-50 m past it, as before. A track that sits on the
edge is off by 3σ on one update in ~700, and must be twice in a row, so it does not flap;
together with the update count, a track jittering across the edge produces no alerts at
all.

A track whose first confirmed position is inside a zone raises ``zone_entry`` only for
the kinds in ``geofence_first_fix_alert_kinds`` (restricted, mpa), and only once the
start-up picture is built (``geofence_startup_s`` after the first update the rule saw);
otherwise it starts inside silently (see the config for why) and its exit is still
reported.

Only measured positions move a machine: a coasting state is the tracker's prediction
after missed updates, so it neither starts, confirms nor cancels a crossing (a pending
crossing may still commit on time). Otherwise a track coasting on past its vessel
would "enter" whatever zone lies ahead.

Alerts: entry opens a ``zone_entry`` incident (``raised``); exit ``clears`` it and
announces a separate ``zone_exit`` (a point event, never cleared). A lost track's open
entries are cleared without an exit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely

from fusion.rules.config import RulesConfig
from fusion.rules.lifecycle import ALERTING_STATUSES, AlertBook, IncidentKey, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.rules.zones import LocalZones, ZoneKind
from fusion.schemas import Alert, AlertKind, Severity, TrackState, TrackStatus

SEVERITY_BY_ZONE_KIND = {
    ZoneKind.RESTRICTED: Severity.HIGH,
    ZoneKind.MPA: Severity.MEDIUM,
    ZoneKind.TSS: Severity.INFO,
    ZoneKind.ANCHORAGE: Severity.INFO,
    ZoneKind.PORT: Severity.INFO,
}
"""Restricted areas are a security matter; a marine protected area an enforcement one;
traffic schemes, anchorages and ports are where ships are expected to be (context only)."""


@dataclass(slots=True)
class _Side:
    inside: bool = False
    changed_time: float = 0.0  # when ``inside`` last changed (entry time while inside)
    pending_since: float | None = None
    pending_updates: int = 0


class GeofenceRule:
    """Zone entry/exit for every track, against zones indexed in the ENU plane."""

    def __init__(self, zones: LocalZones, config: RulesConfig, book: AlertBook) -> None:
        self._zones = zones
        self._config = config
        self._book = book
        self._sides: dict[str, dict[int, _Side]] = {}
        self._latest: dict[str, TrackState] = {}  # latest measured state, where alerts are placed
        self._pending: set[str] = set()  # tracks with a pending crossing: what on_time visits
        self._started_time: float | None = None  # first update seen: the start-up picture's clock

    def on_update(self, observation: Observation) -> list[Alert]:
        """Advance every (track, zone) machine this update touches; returns transitions."""
        state = observation.state
        if self._started_time is None:
            self._started_time = state.time
        if state.status is TrackStatus.LOST:
            return self._on_lost(state)
        if state.status is TrackStatus.COASTING:
            return self._mature(state.track_id, state.time) if state.track_id in self._sides else []
        if state.status not in ALERTING_STATUSES:
            return []
        if state.track_id not in self._sides:
            starting_up = state.time - self._started_time < self._config.geofence_startup_s
            self._sides[state.track_id] = self._first_fix_sides(state, observation.inner, starting_up)
        track_sides = self._sides[state.track_id]
        alerts = self._mature(state.track_id, state.time)
        self._latest[state.track_id] = state
        if not track_sides and not observation.inner:
            return alerts  # outside every zone and was: nothing to do (most updates)
        for zone in sorted(track_sides.keys() | observation.inner):
            side = track_sides.setdefault(zone, _Side())
            crossing = (
                self._beyond_band(state, zone, observation) if side.inside else zone in observation.inner
            )
            if not crossing:
                side.pending_since, side.pending_updates = None, 0
                continue
            if side.pending_since is None:
                side.pending_since = state.time
            side.pending_updates += 1
            if side.pending_updates >= self._config.geofence_confirm_updates:
                alerts += self._commit(state, zone, side, state.time)
        self._forget_idle(state.track_id)
        return alerts

    def _beyond_band(self, state: TrackState, zone: int, observation: Observation) -> bool:
        """Is the track outside ``zone`` by more than its exit band (see the module docstring)?"""
        if zone in observation.inner:
            return False
        if zone not in observation.outer:
            return True  # beyond the widest band
        config = self._config
        band_m = min(max(config.geofence_exit_sigmas * _position_sigma_m(state), config.geofence_exit_min_m),
                     config.geofence_margin_m)  # fmt: skip
        return bool(
            shapely.distance(self._zones.inner[zone], shapely.Point(state.east_m, state.north_m)) >= band_m
        )

    def _first_fix_sides(
        self, state: TrackState, inner: frozenset[int], starting_up: bool
    ) -> dict[int, _Side]:
        """Machines of a new track: already inside (silently) the zones whose kind does not alert.

        During start-up no kind alerts: those tracks are vessels that were already there.
        """
        alerting = frozenset() if starting_up else self._config.geofence_first_fix_alert_kinds
        return {
            zone: _Side(inside=True, changed_time=state.time)
            for zone in inner
            if self._zones.zones[zone].kind not in alerting
        }

    def on_time(self, now: float) -> list[Alert]:
        """Commit crossings that have held for ``geofence_confirm_s`` by the watermark ``now``."""
        alerts: list[Alert] = []
        for track_id in sorted(self._pending):
            alerts += self._mature(track_id, now)
            self._forget_idle(track_id)
        return alerts

    def _mature(self, track_id: str, now: float) -> list[Alert]:
        alerts: list[Alert] = []
        for zone, side in sorted(self._sides[track_id].items()):
            if side.pending_since is not None and now - side.pending_since >= self._config.geofence_confirm_s:
                due_time = side.pending_since + self._config.geofence_confirm_s
                alerts += self._commit(self._latest[track_id], zone, side, due_time)
        return alerts

    def _commit(self, where: TrackState, zone_index: int, side: _Side, time: float) -> list[Alert]:
        zone = self._zones.zones[zone_index]
        entry_key: IncidentKey = (AlertKind.ZONE_ENTRY, where.track_id, zone.id)
        crossed_time = side.pending_since if side.pending_since is not None else time
        evidence: dict[str, float | str] = {
            "zone_kind": zone.kind.value,
            "crossed_time": crossed_time,
            "confirm_s": time - crossed_time,
        }
        previous_change_time = side.changed_time
        side.inside = not side.inside
        side.changed_time = time
        side.pending_since, side.pending_updates = None, 0
        vessel = vessel_label(where.track_id, where.mmsi)
        zone_text = f"{zone.kind.value} zone {zone.id} ({zone.name})"
        severity = SEVERITY_BY_ZONE_KIND[zone.kind]
        if side.inside:
            message = f"{vessel} entered {zone_text}"
            return [self._book.raise_(entry_key, time, where, severity, message, evidence)]
        evidence["dwell_s"] = time - previous_change_time
        message = f"{vessel} left {zone_text} after {duration_text(time - previous_change_time)}"
        exit_key: IncidentKey = (AlertKind.ZONE_EXIT, where.track_id, zone.id)
        alerts = [self._book.announce(exit_key, time, where, severity, message, evidence)]
        if self._book.is_open(entry_key):  # not when the track started inside silently
            alerts.insert(0, self._book.clear(entry_key, time, where, message, evidence))
        return alerts

    def _forget_idle(self, track_id: str) -> None:
        """Drop machines that are outside with nothing pending: the default state costs no memory.

        Also keeps ``_pending``, the tracks the timed sweep must look at, up to date.
        """
        track_sides = self._sides[track_id]
        for zone in [z for z, s in track_sides.items() if not s.inside and s.pending_since is None]:
            del track_sides[zone]
        if any(s.pending_since is not None for s in track_sides.values()):
            self._pending.add(track_id)
        else:
            self._pending.discard(track_id)

    def _on_lost(self, state: TrackState) -> list[Alert]:
        alerts: list[Alert] = []
        for zone_index, side in sorted(self._sides.pop(state.track_id, {}).items()):
            zone = self._zones.zones[zone_index]
            key: IncidentKey = (AlertKind.ZONE_ENTRY, state.track_id, zone.id)
            if self._book.is_open(key):
                message = f"{vessel_label(state.track_id, state.mmsi)}: track lost inside zone {zone.id}"
                alerts.append(
                    self._book.clear(
                        key, state.time, state, message, {"dwell_s": state.time - side.changed_time}
                    )
                )
        self._latest.pop(state.track_id, None)
        self._pending.discard(state.track_id)
        return alerts


def _position_sigma_m(state: TrackState) -> float:
    """Standard deviation of the track's position along its least certain axis (m): the
    larger eigenvalue of the east/north block of its covariance."""
    p_ee, p_en, p_nn = state.cov[0], state.cov[2], state.cov[10]
    half_trace, half_gap = (p_ee + p_nn) / 2.0, (p_ee - p_nn) / 2.0
    return math.sqrt(max(half_trace + math.hypot(half_gap, p_en), 0.0))
