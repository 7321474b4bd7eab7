"""AIS positions the radar contradicts (``spoofing``, anomaly ``radar_mismatch``).

A transponder that reports where its ship is not (GNSS spoofing or jamming, a doctored
position, a transmitter moved to another hull) leaves a pattern the tracker cannot join
into one track: AIS reports whose track gets no radar plots although it is inside radar
coverage, and, hundreds of metres to kilometres away, a radar track without AIS moving the
same way: the real hull. The radar plots land outside the AIS track's gate, so they feed a
track of their own. Two neighbouring cases are handled elsewhere or not at all:

- false positions more than ~1 km from a track the tracker already holds are refused by
  it and put the MMSI on a second track: "two places" in :mod:`fusion.rules.identity`;
- offsets inside the radar gate (~150-300 m) are fused into one track and cannot be told
  from the GNSS antenna's offset on a large ship (AIS reports the antenna, radar the hull's
  centre): not flagged.

The rule. An *unsupported AIS track* is confirmed or coasting, carries an MMSI still being
heard (its silence shorter than an AIS gap, ``RulesConfig.ais_gap_after_s``: a moored ship
reports every 3 min), lies inside radar coverage, and radar has not updated it for
``radar_holding_max_age_s``. Its *shadow* is the nearest confirmed or coasting radar-only
track (no MMSI, radar-updated within ``radar_holding_max_age_s``) between
``radar_mismatch_min_m`` and ``radar_mismatch_max_m`` away, both extrapolated to the sweep
time, whose velocity differs from the AIS track's by at most ``radar_mismatch_velocity_kn``
plus two sigma of the radar track's speed (a radar-only velocity is noisy). When the same
pair holds for ``radar_mismatch_s``, the MMSI has an identity anomaly (high, through
:meth:`IdentityRule.anomaly`, so one incident per MMSI with the other identity anomalies),
placed on the AIS track with the radar track related and its position in the evidence.
From then on, while that incident is open and the radar track lives without an MMSI, the
radar track is in :attr:`RadarShadowRule.explained` (even if radar catches the AIS track
now and then, which breaks the pair for a while): the dark vessel rule does not call it
dark, since the hull's identity is known, only misreported.

Pairs are looked for on the timer sweep, and only when some AIS track is unsupported (rare:
a ship radar does not see), so the per-update cost is two dictionary updates.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.spatial import cKDTree

from fusion.rules.config import RulesConfig
from fusion.rules.coverage import RangeCoverage
from fusion.rules.identity import IdentityRule
from fusion.rules.lifecycle import ALERTING_STATUSES, Evidence, duration_text, vessel_label
from fusion.rules.observation import Observation
from fusion.schemas import Alert, TrackState
from tracking.frames import KNOT_MPS


def _position_at(state: TrackState, time: float) -> tuple[float, float]:
    """Where the track would be at ``time`` on its current velocity (plane metres)."""
    dt_s = time - state.time
    return state.east_m + state.ve_mps * dt_s, state.north_m + state.vn_mps * dt_s


class RadarShadowRule:
    """Unsupported AIS tracks and their radar shadows; see the module docstring for the rule.

    Parameters
    ----------
    config
        Thresholds (``radar_mismatch_*``, the AIS gap, ``radar_holding_max_age_s``).
    identity
        Where anomalies go (one ``spoofing`` incident per MMSI).
    radar_coverage
        Where radar would see a vessel: an AIS track outside it is not contradicted.
    """

    def __init__(self, config: RulesConfig, identity: IdentityRule, radar_coverage: RangeCoverage) -> None:
        self._config = config
        self._identity = identity
        self._radar_coverage = radar_coverage
        self._unsupported: dict[str, Observation] = {}
        self._radar_only: dict[str, Observation] = {}
        self._pairs: dict[str, tuple[str, float]] = {}  # AIS track -> (radar track, together since)
        self._reported: set[str] = set()  # AIS tracks whose pair has been passed on as an anomaly
        self._shown: dict[str, int] = {}  # radar track -> MMSI it was shown to be the real position of

    @property
    def explained(self) -> set[str]:
        """Radar-only tracks shown to be the real position of an MMSI whose incident is open."""
        return {radar_id for radar_id, mmsi in self._shown.items() if self._identity.is_anomalous(mmsi)}

    @property
    def suspected(self) -> set[str]:
        """Radar-only tracks paired with an unsupported AIS track, not yet for ``radar_mismatch_s``:
        within a minute they are either shown to be that ship (``explained``) or not."""
        return {radar_id for radar_id, _ in self._pairs.values()}

    def on_update(self, observation: Observation) -> None:
        """Keep the two candidate sets current (no alerts here: pairs are judged on the sweep)."""
        state = observation.state
        track_id = state.track_id
        self._unsupported.pop(track_id, None)
        self._radar_only.pop(track_id, None)
        if state.status not in ALERTING_STATUSES or state.mmsi is not None:
            self._shown.pop(track_id, None)  # lost, or identified: no longer anybody's shadow
        if state.status not in ALERTING_STATUSES:
            return
        if state.mmsi is None:
            if state.last_radar_time is not None:
                self._radar_only[track_id] = observation
        elif (
            state.last_ais_time is not None
            and (
                state.last_radar_time is None
                or state.time - state.last_radar_time > self._config.radar_holding_max_age_s
            )
            and self._radar_coverage.covers_point(state.east_m, state.north_m)
        ):
            self._unsupported[track_id] = observation

    def on_time(self, now: float) -> list[Alert]:
        """Match unsupported AIS tracks with shadows at ``now``; raise pairs held long enough."""
        config = self._config
        unsupported = [
            o.state
            for o in sorted(self._unsupported.values(), key=lambda o: o.state.track_id)
            if now - (o.state.last_ais_time or -math.inf) < config.ais_gap_after_s(o.slow, o.slow)
        ]
        shadows = self._shadows(unsupported, now)
        self._pairs = {
            track_id: previous
            if (previous := self._pairs.get(track_id)) and previous[0] == radar_id
            else (radar_id, now)
            for track_id, radar_id in shadows.items()
        }
        self._reported &= {track_id for track_id, (_, since) in self._pairs.items() if since < now}
        alerts: list[Alert] = []
        by_id = {s.track_id: s for s in unsupported}
        for track_id, (radar_id, since) in sorted(self._pairs.items()):
            due_time = since + config.radar_mismatch_s
            if now < due_time:
                continue
            ais = by_id[track_id]
            assert ais.mmsi is not None
            self._shown[radar_id] = ais.mmsi
            # The first report is at the due time (alerts say when, not when swept); later
            # ones keep the incident open at each sweep.
            time = now if track_id in self._reported else due_time
            self._reported.add(track_id)
            alerts += self._anomaly(ais, self._radar_only[radar_id].state, since, time)
        return alerts

    def _shadows(self, unsupported: list[TrackState], now: float) -> dict[str, str]:
        """AIS track id -> id of its shadow, for the unsupported tracks that have one."""
        config = self._config
        if not unsupported:
            return {}
        radar = sorted(
            (
                o
                for o in self._radar_only.values()
                if now - (o.state.last_radar_time or -math.inf) <= config.radar_holding_max_age_s
            ),
            key=lambda o: o.state.track_id,
        )
        if not radar:
            return {}
        radar_xy = np.array([_position_at(o.state, now) for o in radar], dtype=float)
        tree = cKDTree(radar_xy)
        shadows: dict[str, str] = {}
        for state in unsupported:
            ais_xy = np.array(_position_at(state, now))
            best: tuple[float, str] | None = None
            for j in tree.query_ball_point(ais_xy, r=config.radar_mismatch_max_m):
                candidate = radar[j]
                distance_m = float(np.hypot(*(radar_xy[j] - ais_xy)))
                velocity_gap_kn = (
                    math.hypot(candidate.state.ve_mps - state.ve_mps, candidate.state.vn_mps - state.vn_mps)
                    / KNOT_MPS
                )
                allowed_kn = config.radar_mismatch_velocity_kn + 2.0 * candidate.speed_sigma_kn
                if distance_m < config.radar_mismatch_min_m or velocity_gap_kn > allowed_kn:
                    continue
                best = min(
                    best or (distance_m, candidate.state.track_id), (distance_m, candidate.state.track_id)
                )
            if best is not None:
                shadows[state.track_id] = best[1]
        return shadows

    def _anomaly(self, ais: TrackState, radar: TrackState, since: float, time: float) -> list[Alert]:
        """Raise or keep open the MMSI's incident, as of ``time``."""
        offset_m = math.dist(_position_at(ais, time), _position_at(radar, time))
        message = (
            f"AIS position of {vessel_label(ais.track_id, ais.mmsi)} contradicted by radar for "
            f"{duration_text(time - since)}: no radar return there, while radar track {radar.track_id} "
            f"moves alongside {offset_m:.0f} m away (the likely true position)"
        )
        evidence: Evidence = {
            "anomaly": "radar_mismatch",
            "offset_m": offset_m,
            "radar_track_id": radar.track_id,
            "radar_lat": radar.lat,
            "radar_lon": radar.lon,
            "since_time": since,
        }
        return self._identity.anomaly(ais, message, evidence, radar.track_id, time=time)
