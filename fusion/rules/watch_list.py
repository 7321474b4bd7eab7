"""Vessel of interest: a watch-listed MMSI, IMO number or name comes into sight.

The MMSI is in every fused track state; the IMO number and name only in static and voyage
data (``ais.static``, :class:`~fusion.schemas.AisStatic`), which the engine receives through
``on_static``. An MMSI is *of interest* when it is listed, or once its static data carried a
listed IMO number or name (the match is kept: the vessel does not stop being of interest
when it changes the name it broadcasts).

A sighting is a confirmed track carrying such an MMSI: it raises ``vessel_of_interest``
(high) at that update, or at the static record that revealed it if a track was already
live; the incident stays open while some live track carries the MMSI and is cleared when
the last one is lost. The next sighting is a new incident.
"""

from __future__ import annotations

from fusion.rules.carriers import MmsiCarriers
from fusion.rules.config import RulesConfig, WatchList, normalise_name
from fusion.rules.lifecycle import AlertBook, Evidence, IncidentKey, vessel_label
from fusion.rules.observation import Observation
from fusion.schemas import AisStatic, Alert, AlertKind, Severity, TrackState, TrackStatus


def _key(mmsi: int) -> IncidentKey:
    return (AlertKind.VESSEL_OF_INTEREST, f"mmsi:{mmsi}", None)


class WatchListRule:
    """Sightings of watch-listed vessels; see the module docstring for the rule."""

    def __init__(self, config: RulesConfig, book: AlertBook, carriers: MmsiCarriers) -> None:
        self._watch: WatchList = config.watch_list
        self._book = book
        self._reason: dict[int, Evidence] = {mmsi: {"matched": "mmsi"} for mmsi in self._watch.mmsi}
        self._carriers = carriers  # updated by the engine before the rules see the state

    def on_static(self, record: AisStatic) -> list[Alert]:
        """Learn the MMSI's IMO number and name; raise at once if it matches and is in sight."""
        if record.mmsi in self._reason or not self._watch:
            return []
        if record.imo is not None and record.imo in self._watch.imo:
            self._reason[record.mmsi] = {"matched": "imo", "imo": record.imo}
        elif record.name is not None and normalise_name(record.name) in self._watch.names:
            self._reason[record.mmsi] = {"matched": "name", "name": normalise_name(record.name)}
        else:
            return []
        carriers = self._carriers.of(record.mmsi)
        if not carriers:
            return []
        latest = max(carriers.values(), key=lambda s: (s.time, s.track_id))
        return self._sighted(latest, max(record.time, latest.time))

    def on_update(self, observation: Observation, dropped: int | None) -> list[Alert]:
        """Raise on a new sighting; clear when ``dropped`` (the MMSI this update's track
        stopped carrying, from :meth:`MmsiCarriers.update`) is out of sight."""
        state = observation.state
        if not self._watch:
            return []
        alerts: list[Alert] = []
        if dropped is not None and not self._carriers.of(dropped) and self._book.is_open(_key(dropped)):
            message = f"MMSI {dropped} (vessel of interest) out of sight: {state.track_id} lost"
            alerts.append(self._book.clear(_key(dropped), state.time, state, message, {}))
        if state.mmsi in self._reason and state.status is TrackStatus.CONFIRMED:
            alerts += self._sighted(state, state.time)
        return alerts

    def _sighted(self, state: TrackState, time: float) -> list[Alert]:
        assert state.mmsi is not None
        key = _key(state.mmsi)
        if self._book.is_open(key):
            return []
        reason = self._reason[state.mmsi]
        message = (
            f"Vessel of interest in sight: {vessel_label(state.track_id, state.mmsi)}, watch list {reason}"
        )
        return [self._book.raise_(key, time, state, Severity.HIGH, message, dict(reason))]
