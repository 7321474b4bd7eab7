"""One track update as every rule sees it: the state plus the facts derived from it once.

Deriving the speed class, AIS coverage and zone membership costs more than most rules
do with them, and several rules need each fact, so the engine computes them once per
update, in vectorised passes over the whole batch, and hands the rules this record.
"""

from __future__ import annotations

from dataclasses import dataclass

from fusion.schemas import TrackState

NO_ZONES: frozenset[int] = frozenset()
"""Shared empty membership: most updates are in no zone, and need no set of their own."""


@dataclass(frozen=True, slots=True)
class Observation:
    """A track update and what it implies.

    Attributes
    ----------
    state
        The tracker's state, as published.
    speed_sigma_kn
        Standard deviation of the speed (``fusion.rules.config.speed_sigma_kn``).
    slow
        Not significantly above ``RulesConfig.slow_speed_kn`` (``RulesConfig.is_slow``).
    in_ais_coverage
        The position is inside some AIS receiver's range less the coverage margin.
    in_reliable_ais_coverage
        ... and within ``ais_reliable_range_fraction`` of that range, where reports are
        heard reliably.
    inner, outer
        Indices (into ``LocalZones.zones``) of the zones the position is inside, and
        inside-with-the-geofence-margin.
    """

    state: TrackState
    speed_sigma_kn: float
    slow: bool
    in_ais_coverage: bool
    in_reliable_ais_coverage: bool
    inner: frozenset[int] = NO_ZONES
    outer: frozenset[int] = NO_ZONES

    @property
    def track_id(self) -> str:
        return self.state.track_id
