"""The rules engine: track states in, alert transitions out.

Pure and event-time driven: the only clock is the ``now`` the pipeline passes (its
watermark), so a replay produces the same alerts, with the same ids, as the live run.
Time-based rules (dwell, silence) fire at their *due* time, which does not depend on how
often the pipeline ticks; the tick only has to come before the alert is wanted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from operator import attrgetter

import numpy as np

from fusion.rules.ais_gap import AisGapRule
from fusion.rules.carriers import MmsiCarriers
from fusion.rules.config import DEFAULT_CONFIG, RulesConfig, speed_sigma_kn
from fusion.rules.coverage import RangeCoverage
from fusion.rules.dark_vessel import DarkVesselRule
from fusion.rules.geofence import GeofenceRule
from fusion.rules.identity import IdentityRule
from fusion.rules.lifecycle import AlertBook
from fusion.rules.observation import Observation
from fusion.rules.radar_shadow import RadarShadowRule
from fusion.rules.rendezvous import RendezvousRule
from fusion.rules.watch_list import WatchListRule
from fusion.rules.zone_conditions import LoiteringRule, NoAisInZoneRule, SpeedingRule
from fusion.rules.zones import SMALL_BATCH, Zones
from fusion.schemas import AisReport, AisStatic, Alert, Sensors, TrackState, TrackStatus
from tracking.frames import LocalFrame


class RuleEngine:
    """Runs every rule (geofence, loitering, speeding, no AIS in zone, dark vessel, AIS gap,
    rendezvous, identity anomalies and AIS positions radar contradicts, watch list) over the
    tracker's output, and the MMSI readings of the AIS records.

    Work is split by what drives it. Per update, only the updated tracks are touched, with
    the facts every rule needs (speed class, AIS coverage, zone membership) derived once,
    in vectorised passes over the batch (:class:`Observation`). Timers (dwell, silence,
    pair durations) are swept at most once per ``sweep_s`` of event time, however often
    the tracker steps: alert times are the timers' due times either way, so the sweep
    cadence only bounds how late an alert is published, never what it says.

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
    sweep_s
        Event-time period of the timer sweeps (s): the pipeline's tick.
    """

    def __init__(
        self,
        zones: Zones,
        sensors: Sensors,
        frame: LocalFrame,
        config: RulesConfig = DEFAULT_CONFIG,
        sweep_s: float = 1.0,
    ) -> None:
        self._config = config
        self._zones = zones.to_local(frame, config.geofence_margin_m)
        book = AlertBook()
        self._coverage = RangeCoverage.of_ais_receivers(
            sensors.ais_receivers, frame, config.ais_coverage_margin_m
        )
        self._reliable_coverage = RangeCoverage.of_ais_receivers(
            sensors.ais_receivers, frame, config.ais_coverage_margin_m, config.ais_reliable_range_fraction
        )
        self._geofence = GeofenceRule(self._zones, config, book)
        self._gap = AisGapRule(config, book)
        self._rendezvous = RendezvousRule(self._zones, config, book)
        self._carriers = MmsiCarriers()
        self._identity = IdentityRule(config, book, self._carriers)
        radar_coverage = RangeCoverage.of_radars(sensors.radars, frame)
        self._shadow = RadarShadowRule(config, self._identity, radar_coverage)
        self._dark = DarkVesselRule(config, book, self._shadow)
        self._watch_list = WatchListRule(config, book, self._carriers)
        self._zone_conditions = [
            rule(self._zones, config, book) for rule in (LoiteringRule, SpeedingRule, NoAisInZoneRule)
        ]
        self._live: dict[str, Observation] = {}
        self._sweep_s = sweep_s
        self._next_sweep_time = -math.inf

    def on_tracks(self, updates: Sequence[TrackState], now: float) -> list[Alert]:
        """Apply track updates (event-time order) and, once per sweep period, the timers at ``now``.

        Parameters
        ----------
        updates
            Track states as the tracker produced them, ``lost`` ones included; may be
            empty (a tick: the caller must tick at least every ``sweep_s`` of event time).
        now
            The pipeline's event-time watermark (unix s), not before any update's time.

        Returns
        -------
        list of Alert
            Raised / cleared transitions, sorted by alert time; ties keep the order in
            which the rules produced them, which depends only on the input.
        """
        alerts: list[Alert] = []
        for observation in self._observe(updates):
            alerts += self._geofence.on_update(observation)
            alerts += self._dark.on_update(observation)
            alerts += self._gap.on_update(observation)
            dropped = self._carriers.update(observation.state)
            alerts += self._identity.on_update(observation)
            self._shadow.on_update(observation)
            alerts += self._watch_list.on_update(observation, dropped)
            state = observation.state
            for rule in self._zone_conditions:
                if observation.inner or state.track_id in rule.timed_tracks:  # else nothing to do
                    alerts += rule.on_update(observation)
            if state.status is TrackStatus.LOST:
                self._live.pop(state.track_id, None)
                alerts += self._rendezvous.on_lost(state)
            else:
                self._live[state.track_id] = observation
        if now >= self._next_sweep_time:
            alerts += self._geofence.on_time(now)
            alerts += self._shadow.on_time(now)  # before the dark timers: a shadow is not dark
            alerts += self._dark.on_time(now)
            alerts += self._gap.on_time(now)
            alerts += self._rendezvous.on_time(now, self._live)
            alerts += self._identity.on_time(now)
            for rule in self._zone_conditions:
                alerts += rule.on_time(now)
            self._next_sweep_time = (math.floor(now / self._sweep_s) + 1) * self._sweep_s
        alerts.sort(key=attrgetter("time"))
        return alerts

    def on_static(self, record: AisStatic) -> list[Alert]:
        """Static and voyage data (``ais.static``): names and IMO numbers for the watch list.

        The caller passes each record in event-time order with the track updates; the
        watch list needs it only to learn who an MMSI says it is, the identity rule to
        learn what ingest read in the MMSI (an invalid one is an anomaly).
        """
        self._identity.on_report(record)
        return self._watch_list.on_static(record)

    def on_report(self, record: AisReport) -> list[Alert]:
        """An AIS position report, before the tracker fuses it: ingest's reading of its MMSI.

        An invalid MMSI (``AisReport.mmsi_problem``, a number that is no vessel's) is an
        identity anomaly, raised on the next fix of a confirmed track carrying it. Returns
        no alerts itself (they come with the track update); a list, like the other entries.
        """
        self._identity.on_report(record)
        return []

    def _observe(self, updates: Sequence[TrackState]) -> list[Observation]:
        """Derive every rule's per-update facts in one pass over the batch."""
        if not updates:
            return []
        if len(updates) <= SMALL_BATCH:  # one AIS report: numpy's call overhead would dominate
            east_m: Sequence[float] = [u.east_m for u in updates]
            north_m: Sequence[float] = [u.north_m for u in updates]
            covered = [self._coverage.covers_point(x, y) for x, y in zip(east_m, north_m, strict=True)]
            reliable = [
                self._reliable_coverage.covers_point(x, y) for x, y in zip(east_m, north_m, strict=True)
            ]
        else:
            east_m = np.fromiter((u.east_m for u in updates), dtype=float, count=len(updates))
            north_m = np.fromiter((u.north_m for u in updates), dtype=float, count=len(updates))
            covered = self._coverage.covers(east_m, north_m).tolist()
            reliable = self._reliable_coverage.covers(east_m, north_m).tolist()
        sides = self._zones.sides(east_m, north_m)
        config = self._config
        observations = []
        for state, in_ais, in_reliable, (inner, outer) in zip(updates, covered, reliable, sides, strict=True):
            sigma_kn = speed_sigma_kn(state)
            slow = config.is_slow_given(state.sog_kn, sigma_kn)
            observations.append(Observation(state, sigma_kn, slow, in_ais, in_reliable, inner, outer))
        return observations
