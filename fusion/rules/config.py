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

import dataclasses
import difflib
import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fusion.rules.zones import Zone, ZoneKind
from fusion.schemas import TrackState
from tracking.frames import KNOT_MPS


def normalise_name(name: str) -> str:
    """Vessel names as compared: upper case, AIS padding ``@`` and runs of spaces removed."""
    return " ".join(name.replace("@", " ").upper().split())


@dataclass(frozen=True, slots=True)
class WatchList:
    """Vessels of interest: any MMSI, IMO number or name (:func:`normalise_name`) listed here."""

    mmsi: frozenset[int] = frozenset()
    imo: frozenset[int] = frozenset()
    names: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "names", frozenset(normalise_name(n) for n in self.names))

    def __bool__(self) -> bool:
        return bool(self.mmsi or self.imo or self.names)


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
        Widest hysteresis band outside a zone's edge. Entry needs the track inside the zone
        itself; exit needs it outside by ``geofence_exit_sigmas`` standard deviations of
        its position, between ``geofence_exit_min_m`` and this. A fixed 50 m band cost
        every exit 10 s at 10 kn and 50 s at 2 kn (ground truth counts the crossing of the
        edge itself), also for AIS tracks known to ~5 m; as a cap it keeps a poorly known
        radar track from waiting longer than that.
    geofence_exit_sigmas, geofence_exit_min_m
        3σ: a track sitting on the edge is that far out on one update in ~700 (one-sided
        normal), and ``geofence_confirm_updates`` wants it twice in a row, so it does not
        flap. 15 m: GPS error plus the few metres a position report lags its time.
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
    ais_reliable_range_fraction
        The AIS-gap rule calls a vessel silent only within this fraction of some receiver's
        range (less the margin): towards the radio horizon VHF reception fades, and a
        vessel heard one report in three there misses six in a row often enough to flood
        the picture with false gaps. Global Fishing Watch likewise counts gaps only where
        reception quality is good. 70 %: beyond it a receiver at 30-60 km misses many
        reports of a class B antenna a few metres above the sea.
    dark_moving_s, dark_slow_s
        How long a radar track without an MMSI must stay inside AIS coverage before it is
        called dark. Moving (at or above ``slow_speed_kn``): 120 s is four class B
        intervals (30 s) plus time for the tracker to fuse the first report. Slow: a
        class B or anchored class A vessel reports every 180 s, so 360 s is two
        intervals: one lost report must not make a vessel dark.
    dark_handover_s, dark_handover_gate_m, dark_handover_gate_fraction
        A new dark track continues the incident of a dark track that is coasting or was lost
        at most ``dark_handover_s`` before it appeared, if it appeared within
        ``dark_handover_gate_m`` plus ``dark_handover_gate_fraction`` of the distance the old
        one would have run since of where it would be: a boat at 25 kn that the tracker
        loses in a hard turn is picked up again a scan or a minute later, up to a few
        hundred metres off its straight-line prediction. 3 min is the longest a radar track
        coasts here before it is dropped.
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
    loiter_after_s
        A track slow inside a zone this long is loitering (zones of ``loiter_kinds``, unless
        the zone sets ``loiter_after_s`` itself). 20 min: longer than any slow passage or
        a pilot boarding, shorter than a fishing set or a rendezvous' preparation.
    loiter_kinds
        Zone kinds watched for loitering by default: being slow in a restricted area or a
        protected reef is the finding; in a port or anchorage it is the purpose.
    speeding_confirm_s
        A track must stay significantly above a zone's ``speed_limit_kn`` (speed less
        ``slow_speed_sigmas`` sigma, as for "slow") this long before ``speeding``: two or
        three radar scans, so a single noisy velocity does not fine anybody.
    speeding_severe_factor
        Above this multiple of the limit the alert is high rather than medium (and an open
        one is ``updated``).
    require_ais_kinds
        Zone kinds where a radar track without AIS raises ``no_ais_in_zone`` by default
        (a zone's ``require_ais`` overrides): none, since which waters demand AIS of
        which vessels is a local regulation, stated per zone. The timer is the dark
        vessel's (``dark_moving_s`` / ``dark_slow_s``): a moored ship reports every 3 min.
    identity_jump_m
        Two AIS positions of one MMSI farther apart than this cannot both be a GPS fix of
        one vessel's antenna... unless the vessel sailed there: see ``identity_max_speed_kn``.
        1 km is also where the tracker stops fusing a report into the MMSI's track.
    identity_max_speed_kn
        Consecutive AIS positions of one MMSI implying more than this are an impossible
        jump: 60 kn is above any vessel AIS is carried by except hydrofoils and aircraft
        (SAR aircraft use their own MMSI range).
    identity_window_s
        Two live tracks carry the MMSI "at once" when both fused an AIS report within this
        long of each other: a class A ship under way reports every 2-10 s.
    identity_clear_s
        An identity anomaly is cleared once this long passes with the MMSI on one track and
        no new anomaly: 10 min, several reporting intervals of any ship.
    radar_mismatch_min_m, radar_mismatch_max_m
        A radar-only track this far from an AIS track that radar does not see (inside its
        coverage) may be that ship's real position (``fusion.rules.radar_shadow``). Below 300 m
        the tracker would have fused the two, and AIS reports the GNSS antenna, which is up
        to ~200 m from the radar's centre of a large hull; beyond 2 km a parallel radar track
        is more likely another ship than a false position (and a track the tracker already
        held would have refused positions more than 1 km off: "two places").
    radar_mismatch_velocity_kn
        ... moving the same way: velocities differ by at most this plus two sigma of the radar
        track's speed. 3 kn: two tracks of one hull agree within a knot or two; ships merely
        passing one another differ by far more.
    radar_mismatch_s
        ... for this long: 60 s is six class A reports and two dozen radar scans, so a ship
        that radar misses for a few scans while a dark boat passes is not accused.
    """

    slow_speed_kn: float = 3.0
    slow_speed_sigmas: float = 2.0
    geofence_margin_m: float = 50.0
    geofence_exit_sigmas: float = 3.0
    geofence_exit_min_m: float = 15.0
    geofence_confirm_updates: int = 2
    geofence_confirm_s: float = 10.0
    geofence_first_fix_alert_kinds: frozenset[ZoneKind] = frozenset({ZoneKind.RESTRICTED, ZoneKind.MPA})
    geofence_startup_s: float = 180.0
    ais_coverage_margin_m: float = 500.0
    ais_reliable_range_fraction: float = 0.7
    dark_moving_s: float = 120.0
    dark_slow_s: float = 360.0
    dark_handover_s: float = 180.0
    dark_handover_gate_m: float = 1_000.0
    dark_handover_gate_fraction: float = 0.5
    ais_interval_moving_s: float = 30.0
    ais_interval_slow_s: float = 180.0
    ais_gap_missed_reports: float = 6.0
    ais_gap_min_s: float = 90.0
    ais_gap_max_s: float = 540.0
    radar_holding_max_age_s: float = 25.0
    rendezvous_distance_m: float = 300.0
    rendezvous_part_m: float = 600.0
    rendezvous_min_duration_s: float = 240.0
    loiter_after_s: float = 1200.0
    loiter_kinds: frozenset[ZoneKind] = frozenset({ZoneKind.RESTRICTED, ZoneKind.MPA})
    speeding_confirm_s: float = 7.5
    speeding_severe_factor: float = 1.5
    require_ais_kinds: frozenset[ZoneKind] = frozenset()
    identity_jump_m: float = 1_000.0
    identity_max_speed_kn: float = 60.0
    identity_window_s: float = 60.0
    identity_clear_s: float = 600.0
    radar_mismatch_min_m: float = 300.0
    radar_mismatch_max_m: float = 2_000.0
    radar_mismatch_velocity_kn: float = 3.0
    radar_mismatch_s: float = 60.0
    watch_list: WatchList = field(default_factory=lambda: WatchList())

    def __post_init__(self) -> None:
        if self.geofence_confirm_updates < 1:
            raise ValueError("geofence_confirm_updates must be at least 1")
        if self.rendezvous_part_m < self.rendezvous_distance_m:
            raise ValueError("rendezvous_part_m must be at least rendezvous_distance_m (hysteresis)")
        if self.radar_mismatch_max_m < self.radar_mismatch_min_m:
            raise ValueError("radar_mismatch_max_m must be at least radar_mismatch_min_m")

    def loiter_after_s_in(self, zone: Zone) -> float | None:
        """Loitering threshold in ``zone`` (s), ``None`` when the zone is not watched for it."""
        if zone.settings.loiter_after_s is not None:
            return zone.settings.loiter_after_s or None  # 0 in the file: off
        return self.loiter_after_s if zone.kind in self.loiter_kinds else None

    def requires_ais_in(self, zone: Zone) -> bool:
        """Whether a track without AIS inside ``zone`` is an alert."""
        if zone.settings.require_ais is not None:
            return zone.settings.require_ais
        return zone.kind in self.require_ais_kinds

    def is_slow(self, state: TrackState) -> bool:
        """Not significantly faster than ``slow_speed_kn``: the class that sets AIS rates and rendezvous."""
        return self.is_slow_given(state.sog_kn, speed_sigma_kn(state))

    def is_slow_given(self, sog_kn: float, sigma_kn: float) -> bool:
        """:meth:`is_slow` from a speed and its sigma already computed (knots)."""
        return sog_kn - self.slow_speed_sigmas * sigma_kn < self.slow_speed_kn

    def dark_after_s(self, slow: bool) -> float:
        """Seconds without an MMSI inside AIS coverage before a radar track is dark."""
        return self.dark_slow_s if slow else self.dark_moving_s

    def ais_gap_after_s(self, slow_at_report: bool, slow: bool) -> float:
        """Seconds of AIS silence that make a gap: missed reports x expected interval, clipped.

        The first missed report is due one interval of the speed class the vessel had when
        it last reported (a transponder keeps the schedule it announced: a class B that
        reported at 0.5 kn speaks again 3 min later even if it sped off meanwhile); the
        others at the interval of its latest speed class.
        """
        first_s = self.ais_interval_slow_s if slow_at_report else self.ais_interval_moving_s
        interval_s = self.ais_interval_slow_s if slow else self.ais_interval_moving_s
        silence_s = first_s + (self.ais_gap_missed_reports - 1.0) * interval_s
        return min(max(self.ais_gap_min_s, silence_s), self.ais_gap_max_s)


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


class RulesConfigError(ValueError):
    """A rules file that cannot be used; the message names the file, the key and the fix."""


def load_rules_config(path: Path) -> RulesConfig:
    """Read a rules TOML file (``config/rules.toml`` documents every key and its default).

    Tables only group keys for the reader; every key is a :class:`RulesConfig` field name,
    except the ``[watch_list]`` table (``mmsi``, ``imo``, ``names``). A key left out keeps
    its default, so a file may hold only what differs.

    Raises
    ------
    RulesConfigError
        Unreadable TOML, an unknown key (with the nearest known one), a value of the
        wrong type, or thresholds that contradict each other.
    """
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise RulesConfigError(f"{path}: cannot read rules as TOML ({exc})") from exc
    fields = {f.name: f for f in dataclasses.fields(RulesConfig)}
    values: dict[str, Any] = {}
    for table, entries in document.items():
        if not isinstance(entries, dict):
            raise RulesConfigError(f"{path}: {table!r} must be a [table] of settings")
        if table == "watch_list":
            values["watch_list"] = _watch_list(path, entries)
            continue
        for key, value in entries.items():
            if key not in fields or key == "watch_list":
                near = difflib.get_close_matches(key, fields, n=1)
                hint = f"; did you mean {near[0]!r}?" if near else ""
                raise RulesConfigError(f"{path}: [{table}] {key}: unknown setting{hint}")
            values[key] = _typed(path, f"[{table}] {key}", value, fields[key].default)
    try:
        return RulesConfig(**values)
    except ValueError as exc:
        raise RulesConfigError(f"{path}: {exc}") from exc


def _typed(path: Path, where: str, value: Any, default: Any) -> Any:
    """``value`` as the type of the field's default, or a :class:`RulesConfigError`."""
    if isinstance(default, frozenset):
        kinds = ", ".join(k.value for k in ZoneKind)
        try:
            return frozenset(ZoneKind(v) for v in value)
        except (TypeError, ValueError):
            raise RulesConfigError(f"{path}: {where} = {value!r}: a list of zone kinds ({kinds})") from None
    if isinstance(default, bool) or isinstance(value, bool):
        if isinstance(value, bool) and isinstance(default, bool):
            return value
    elif isinstance(default, int) and isinstance(value, int):
        return value
    elif isinstance(default, float) and isinstance(value, int | float) and math.isfinite(value):
        return float(value)
    raise RulesConfigError(f"{path}: {where} = {value!r}: expected a {type(default).__name__}")


def _watch_list(path: Path, entries: dict[str, Any]) -> WatchList:
    unknown = sorted(set(entries) - {"mmsi", "imo", "names"})
    if unknown:
        raise RulesConfigError(f"{path}: [watch_list] {unknown[0]}: unknown key (mmsi, imo, names)")
    for key, item_type in (("mmsi", int), ("imo", int), ("names", str)):
        items = entries.get(key, [])
        if not isinstance(items, list) or not all(
            isinstance(i, item_type) and not isinstance(i, bool) for i in items
        ):
            raise RulesConfigError(
                f"{path}: [watch_list] {key} must be a list of {item_type.__name__}s, e.g. {key} = []"
            )
    return WatchList(
        mmsi=frozenset(entries.get("mmsi", [])),
        imo=frozenset(entries.get("imo", [])),
        names=frozenset(entries.get("names", [])),
    )
