"""The rules engine: track states in, alert transitions out.

Pure and event-time driven: the only clock is the ``now`` the pipeline passes (its
watermark), so a replay produces the same alerts, with the same ids, as the live run.
Time-based rules (dwell, silence) fire at their *due* time, which does not depend on how
often the pipeline ticks; the tick only has to come before the alert is wanted.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from fusion.rules.ais_gap import AisGapRule
from fusion.rules.config import DEFAULT_CONFIG, RulesConfig
from fusion.rules.coverage import RangeCoverage
from fusion.rules.dark_vessel import DarkVesselRule
from fusion.rules.geofence import GeofenceRule
from fusion.rules.lifecycle import AlertBook
from fusion.rules.rendezvous import RendezvousRule
from fusion.rules.zones import Zones
from fusion.schemas import Alert, Sensors, TrackState, TrackStatus
from tracking.frames import LocalFrame


class RuleEngine:
    """Runs geofence, dark-vessel, AIS-gap and rendezvous rules over the tracker's output.

    Parameters
    ----------
    zones
        Validated zones (:func:`fusion.rules.zones.load_zones`).
    sensors
        Sensor layout; the AIS receivers' ``range_m`` defines AIS coverage.
    frame
        The tracker's ENU plane: ``TrackState.east_m``/``north_m`` must be in it.
    config
        Thresholds; the defaults are documented in :class:`RulesConfig`.
    """

    def __init__(
        self, zones: Zones, sensors: Sensors, frame: LocalFrame, config: RulesConfig = DEFAULT_CONFIG
    ) -> None:
        local_zones = zones.to_local(frame, config.geofence_margin_m)
        book = AlertBook()
        self._coverage = RangeCoverage.of_ais_receivers(
            sensors.ais_receivers, frame, config.ais_coverage_margin_m
        )
        self._geofence = GeofenceRule(local_zones, config, book)
        self._dark = DarkVesselRule(config, book)
        self._gap = AisGapRule(config, book)
        self._rendezvous = RendezvousRule(local_zones, config, book)
        self._tracks: dict[str, TrackState] = {}

    def on_tracks(self, updates: Sequence[TrackState], now: float) -> list[Alert]:
        """Apply track updates (event-time order) and evaluate time-based rules at ``now``.

        Parameters
        ----------
        updates
            Track states as the tracker produced them, ``lost`` ones included; may be
            empty (a tick: the caller must tick at least every few seconds of event time).
        now
            The pipeline's event-time watermark (unix s), not before any update's time.

        Returns
        -------
        list of Alert
            Raised / cleared transitions, sorted by alert time; ties keep the order in
            which the rules produced them, which depends only on the input.
        """
        alerts: list[Alert] = []
        if updates:
            zone_sides = self._geofence.locate(updates)
            covered = self._coverage.covers(
                np.array([u.east_m for u in updates]), np.array([u.north_m for u in updates])
            )
            for state, sides, in_ais_coverage in zip(updates, zone_sides, covered.tolist(), strict=True):
                alerts += self._geofence.on_update(state, sides)
                alerts += self._dark.on_update(state, in_ais_coverage)
                alerts += self._gap.on_update(state, in_ais_coverage)
                if state.status is TrackStatus.LOST:
                    self._tracks.pop(state.track_id, None)
                    alerts += self._rendezvous.on_lost(state)
                else:
                    self._tracks[state.track_id] = state
        alerts += self._geofence.on_time(now)
        alerts += self._dark.on_time(now)
        alerts += self._gap.on_time(now)
        alerts += self._rendezvous.on_time(now, self._tracks)
        alerts.sort(key=attrgetter("time"))
        return alerts
