"""Thresholds of every rule, with the reason each default is what it is.

One frozen record so a run's behaviour is fully stated by (data, zones, sensors, config),
and a replay with the same config gives the same alerts. Units are in the field names.

Reporting intervals quoted below are ITU-R M.1371-5 (Annex 1, tables 1 and 2):

- class A: 10 s at 0-14 kn (2-6 s faster or turning), 3 min at anchor or moored and
  slower than 3 kn;
- class B "CS": 30 s above 2 kn, 3 min at 2 kn or slower.

We do not know a track's class (``TrackState`` carries no message type), so every
interval assumes the slower class B: a rule tuned for class A would call every class B
vessel silent.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from fusion.rules.zones import ZoneKind
from fusion.schemas import TrackState
from tracking.frames import KNOT_MPS


@dataclass(frozen=True, slots=True, kw_only=True)
class RulesConfig:
    """All rule thresholds.

    Attributes
    ----------
    slow_speed_kn
        Below this a vessel counts as "slow" (at anchor, drifting, alongside): 3 kn is
        M.1371's boundary for the 3 min class A anchored rate, and the rendezvous
        definition in docs/formats.md ("under 3 kn").
    slow_speed_sigmas
        A track is slow unless its speed is *significantly* above ``slow_speed_kn``:
        ``sog_kn - slow_speed_sigmas * sigma_speed_kn < slow_speed_kn``, sigma from the
        track's velocity covariance along its course. A radar-only track of a vessel
        drifting at 0.6 kn reads 3-8 kn from plot noise (sigma 2-3 kn); judged on ``sog_kn``
        alone it keeps leaving the slow class, which resets rendezvous timers. Every rule
        wants "slow unless shown to be moving": a rendezvous must survive noise, and a
        vessel that may be slow may be reporting every 3 min, so the dark and gap rules
        must wait the slow times. 2 sigma: a vessel truly at the threshold is called
        moving on ~2 % of updates (one-sided normal); a track fed by AIS (sigma ~0.5 kn)
        is slow only below ~4 kn.
    geofence_margin_m
        Hysteresis band outside a zone's edge. Entry needs the track inside the zone
        itself; exit needs it farther than this outside. 50 m is several times the error
        of a track fed by AIS (GPS, ~10 m) and, with ``geofence_confirm_updates``, keeps
        a radar track sitting on the edge from flapping; it costs 10 s of exit latency
        at 10 kn and 50 s at 2 kn (ground truth counts the crossing of the edge itself).
    geofence_confirm_updates
        A crossing counts once this many consecutive track updates agree (radar scans
        every 2-3 s, so 2 costs a few seconds and removes single-scan outliers).
    geofence_confirm_s
        ... or once the new side has held this long with no contrary update. Needed for
        AIS-only tracks that update every 3 min at anchor: waiting for a second report
        would delay the alert by minutes.
    geofence_first_fix_alert_kinds
        Zone kinds that raise ``zone_entry`` for a track whose first confirmed position
        is already inside. Being found inside a restricted area or a protected reef
        matters however the vessel got there; being inside a port or an anchorage is
        normal, and alerting there would repeat every time a track is re-created (such a
        track starts "inside" silently and still reports its exit).
    geofence_startup_s
        Tracks first confirmed within this long of the first track update the rules saw
        start inside every zone silently, whatever its kind: they are the picture the
        system starts with, vessels that were there before anyone watched, and
        "entered" would state a crossing nobody saw. 180 s: by then every vessel present
        at start-up has been heard (a slow class B or anchored class A reports every
        3 min; radar confirms a track within ~30 s). Their exits are still reported.
    ais_coverage_margin_m
        A position counts as inside AIS coverage only this far within some receiver's
        ``range_m``: VHF range is not a sharp circle, and a vessel on the edge that is
        not heard is not evidence of anything. 500 m is 100 s of travel at 10 kn.
    dark_moving_s, dark_slow_s
        How long a radar track without an MMSI must stay inside AIS coverage before it is
        called dark. Moving (at or above ``slow_speed_kn``): 120 s is four class B
        intervals (30 s) plus time for the tracker to fuse the first report. Slow: a
        class B or anchored class A vessel reports every 180 s, so 360 s is two
        intervals: one lost report must not make a vessel dark.
    ais_interval_moving_s, ais_interval_slow_s
        Expected reporting interval when moving / slow (class B CS figures, see the
        module docstring).
    ais_gap_missed_reports
        A gap is this many expected intervals without a report (then clipped to
        [``ais_gap_min_s``, ``ais_gap_max_s``]): at 90 % reception, six misses in a row
        happen with probability 1e-6 per window.
    ais_gap_min_s
        Floor of the gap threshold, so a fast class A vessel (2 s interval) is not
        called silent after 12 s of ordinary VHF fading.
    ais_gap_max_s
        Ceiling: 9 min, three missed reports of a 3 min reporter. Six would be 18 min, too
        late for an operator to act on a vessel that switched off at anchor.
    radar_holding_max_age_s
        "Radar still holds the track" when the last radar update is at most this old:
        ten scans of a 2.5 s radar, so a few missed scans do not lower the severity.
    rendezvous_distance_m
        Two slow vessels closer than this are "together". docs/formats.md's ground truth
        uses 200 m between true positions; 300 m leaves room for two tracks' errors.
    rendezvous_part_m
        An open rendezvous ends only when the pair is farther apart than this (hysteresis
        against the two tracks' jitter around ``rendezvous_distance_m``).
    rendezvous_min_duration_s
        How long the pair must stay together: 4 min excludes vessels passing slowly in a
        channel or at an anchorage, while a transfer at sea takes far longer.
    """

    slow_speed_kn: float = 3.0
    slow_speed_sigmas: float = 2.0
    geofence_margin_m: float = 50.0
    geofence_confirm_updates: int = 2
    geofence_confirm_s: float = 10.0
    geofence_first_fix_alert_kinds: frozenset[ZoneKind] = frozenset({ZoneKind.RESTRICTED, ZoneKind.MPA})
    geofence_startup_s: float = 180.0
    ais_coverage_margin_m: float = 500.0
    dark_moving_s: float = 120.0
    dark_slow_s: float = 360.0
    ais_interval_moving_s: float = 30.0
    ais_interval_slow_s: float = 180.0
    ais_gap_missed_reports: float = 6.0
    ais_gap_min_s: float = 90.0
    ais_gap_max_s: float = 540.0
    radar_holding_max_age_s: float = 25.0
    rendezvous_distance_m: float = 300.0
    rendezvous_part_m: float = 600.0
    rendezvous_min_duration_s: float = 240.0

    def __post_init__(self) -> None:
        if self.geofence_confirm_updates < 1:
            raise ValueError("geofence_confirm_updates must be at least 1")
        if self.rendezvous_part_m < self.rendezvous_distance_m:
            raise ValueError("rendezvous_part_m must be at least rendezvous_distance_m (hysteresis)")

    def is_slow(self, state: TrackState) -> bool:
        """Not significantly faster than ``slow_speed_kn``: the class that sets AIS rates and rendezvous."""
        return state.sog_kn - self.slow_speed_sigmas * speed_sigma_kn(state) < self.slow_speed_kn

    def dark_after_s(self, slow: bool) -> float:
        """Seconds without an MMSI inside AIS coverage before a radar track is dark."""
        return self.dark_slow_s if slow else self.dark_moving_s

    def ais_gap_after_s(self, slow: bool) -> float:
        """Seconds of AIS silence that make a gap: missed reports x expected interval, clipped."""
        interval_s = self.ais_interval_slow_s if slow else self.ais_interval_moving_s
        return min(max(self.ais_gap_min_s, self.ais_gap_missed_reports * interval_s), self.ais_gap_max_s)


def speed_sigma_kn(state: TrackState) -> float:
    """Standard deviation of the track's speed, knots: velocity covariance along its course.

    ``cov`` is [east, ve, north, vn] row-major, so the velocity block is elements 5, 7, 13
    and 15. Projecting on the course (not the largest eigenvalue) is what speed error
    means to first order; across-course error turns the course, not the speed. A state
    at rest has no course and gives 0: it is below every speed threshold anyway.
    """
    speed_mps = math.hypot(state.ve_mps, state.vn_mps)
    if speed_mps == 0.0:
        return 0.0
    ue, un = state.ve_mps / speed_mps, state.vn_mps / speed_mps
    cov = state.cov
    variance = ue * ue * cov[5] + ue * un * (cov[7] + cov[13]) + un * un * cov[15]
    return math.sqrt(max(variance, 0.0)) / KNOT_MPS


DEFAULT_CONFIG = RulesConfig()
"""The documented defaults; a module-level instance because the record is immutable."""
