"""Track quality against truth: GOSPA, ID switches, time to confirm, dark-vessel coverage.

Definitions (this is the spec of ``seawatch evaluate``):

- **Instants**: ``t0 + k * 1 s`` from the first to the last truth time. GOSPA, ID switches
  and dark-vessel coverage use every tenth instant (every 10 s from ``t0``); time to
  confirm uses all of them, 1 s resolution (one small Hungarian solve per second costs
  well under a second for a 25-minute scenario).
- **Truth set** at t: vessels with a truth line at t that are observable (inside some
  radar's ``max_range_m``, or ``ais_on`` with an MMSI inside some receiver's ``range_m``)
  and have been measured at or before t (see *time to confirm*). Before its first
  measurement no tracker can know a vessel exists: counting it then adds the same missed
  cost to every tracker and pulls any two trackers' ratio towards 1 (on a 200-vessel,
  6-minute window it was 87 % of the missed term). From its first measurement on a vessel
  counts at every instant, so a track lost or never confirmed still costs a miss. The
  GOSPA over every observable vessel is kept beside it (``gospa_observable_*``) for
  comparison with earlier results.
- **Estimated set** at t: tracks whose latest line at or before t has status
  ``confirmed`` or ``coasting`` (so neither tentative nor lost) and is at most 60 s old,
  moved to t at that line's constant velocity.
- **GOSPA**: p = 2, c = 500 m, alpha = 2 at each 10 s instant in the area plane (see
  ``gospa``); reported as the mean over instants of the total and of each of its terms
  (the means of the terms do not add up to the mean total: each instant's terms add in
  squares). Instants with empty sets count (score 0 when both are empty).
- **Assignment**: the GOSPA assignment's pairs closer than c. ``position_rms_m`` is the
  RMS distance over all assigned pairs of the 10 s instants (per-vessel accuracy).
- **ID switches**: per truth vessel, the track ids matched to it over the 10 s instants;
  each change from one id to another counts one. Instants without a match are skipped,
  they do not reset the last id: losing a vessel and picking it up under a new id is
  exactly the switch an operator notices. The matching is CLEAR MOT's (``clear_mot``): a
  vessel keeps last instant's track while it is within c, the rest are paired as GOSPA
  pairs them. ``id_switches_gospa`` counts changes of the GOSPA pairs themselves, which
  also flip between two tracks that each stay on a pair of vessels closer together than
  the tracks' errors.
- **Time to confirm**: per vessel ever measured, from its first measurement (a radar plot
  in the gate of its true position or an AIS report of its MMSI near it, see
  ``detections``) to the first instant a track of the estimated set (confirmed or
  coasting) is assigned to it, at 1 s resolution and never below 0. In scans: for the
  vessels inside radar coverage when first measured, divided by the scan period of the
  radar nearest them then (the issue's "within 3 scans of its first detections"); a
  vessel first seen by AIS outside radar has seconds only. Scans run whether the radar
  paints the vessel or not: a small boat near the edge of coverage is painted on ~30 % of
  them, and no tracker confirms it from one plot without confirming clutter too; so
  ``confirm_slowest`` lists the slowest few with their scans and the measurements (plots
  and AIS reports of it) each had before its track was held, and ``confirm_within_target``
  counts the vessels of ``confirm_scans_counted`` held within 3 scans. ``confirm_possible``
  counts those whose second measurement came within 3 scans of the first, the least any
  tracker that starts tracks from two plots needs, and ``confirm_possible_within_target``
  those of them held within 3 scans. Vessels measured but never
  assigned are counted as unconfirmed, vessels never measured as undetected; both are
  left out of the statistics. A folder without radar.jsonl and ais.nmea (hand-built truth)
  counts from the first observable instant instead.
- **Dark-vessel coverage**: over the 10 s instants, the fraction of (dark vessel, instant)
  pairs inside radar coverage that have an assigned track; dark = no MMSI or AIS off. Every
  observable dark vessel counts here, measured or not: a boat radar never paints is a gap
  in the picture an operator should see in this figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fusion.evaluation.clear_mot import persistent_pairs
from fusion.evaluation.detections import Detections
from fusion.evaluation.gospa import gospa
from fusion.evaluation.loaders import TrackTable
from fusion.evaluation.scene import Coverage, TruthScene
from fusion.evaluation.stats import median_and_p95, ratio
from tracking.frames import LocalFrame

GOSPA_C_M = 500.0
GOSPA_P = 2.0
GOSPA_STEP_S = 10.0
CONFIRM_STEP_S = 1.0
CONFIRM_TARGET_SCANS = 3.0
"""Issue 4's "confirmed within 3 scans of its first detections": how many vessels met it
is counted beside the slowest, which one faint boat decides."""
MAX_TRACK_AGE_S = 60.0
"""A held track whose last line is older than this is no longer reported to an operator."""

_ON_GRID_TOLERANCE_S = 0.25
_GRID_EPS = 1e-6


@dataclass(frozen=True, slots=True)
class Grid:
    """Evaluation instants ``t0_s + k * step_s`` for ``k`` in ``range(n_steps)``."""

    t0_s: float
    step_s: float
    n_steps: int

    @classmethod
    def spanning(cls, time_s: np.ndarray, step_s: float) -> Grid:
        t0_s = float(np.min(time_s))
        return cls(t0_s, step_s, int(np.floor((float(np.max(time_s)) - t0_s) / step_s + _GRID_EPS)) + 1)


@dataclass(frozen=True, slots=True)
class StepAssignments:
    """Per-instant GOSPA terms and every assigned (instant, vessel, track) pair, in instant order."""

    total_m: np.ndarray
    localisation_m: np.ndarray
    missed_m: np.ndarray
    false_m: np.ndarray
    missed_count: np.ndarray
    false_count: np.ndarray
    pair_step: np.ndarray
    pair_vessel: np.ndarray
    pair_track: np.ndarray


def truth_rows_on_grid(truth: TruthScene, grid: Grid) -> tuple[np.ndarray, np.ndarray]:
    """Instant and truth-row index of each observable vessel at each instant, sorted by instant."""
    offset = (truth.time_s - grid.t0_s) / grid.step_s
    step = np.rint(offset).astype(np.intp)
    on_grid = truth.observable & (np.abs(offset - step) * grid.step_s <= _ON_GRID_TOLERANCE_S)
    rows = np.flatnonzero(on_grid)
    key = step[rows] * len(truth.vessel_ids) + truth.vessel[rows]
    _, first = np.unique(key, return_index=True)  # one line per (instant, vessel), sorted by instant
    rows = rows[first]
    return step[rows], rows


def held_tracks_on_grid(
    tracks: TrackTable, frame: LocalFrame, grid: Grid
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Instant, track code and extrapolated (east, north) of the estimated set at every instant.

    A line is the latest of its track from its own time until the track's next line, so it
    stands for every instant in ``[time, min(next time, time + 60 s)]`` (strictly before
    the next line); only confirmed or coasting lines are expanded.
    """
    order = np.lexsort((np.arange(len(tracks.time_s)), tracks.time_s, tracks.track))
    time_s, track = tracks.time_s[order], tracks.track[order]
    next_time_s = np.append(time_s[1:], np.inf)
    next_time_s[np.append(track[1:] != track[:-1], True)] = np.inf
    first = np.ceil((time_s - grid.t0_s) / grid.step_s - _GRID_EPS)
    last = np.minimum(
        np.ceil((next_time_s - grid.t0_s) / grid.step_s - _GRID_EPS) - 1,
        np.floor((time_s + MAX_TRACK_AGE_S - grid.t0_s) / grid.step_s + _GRID_EPS),
    )
    first, last = np.maximum(first, 0), np.minimum(last, grid.n_steps - 1)
    expand = np.flatnonzero(tracks.held[order] & (last >= first))
    counts = (last[expand] - first[expand]).astype(np.intp) + 1
    line = np.repeat(expand, counts)
    step = (
        first[line].astype(np.intp) + np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    source = order[line]
    age_s = grid.t0_s + step * grid.step_s - tracks.time_s[source]
    east_m, north_m = frame.to_enu(tracks.lat, tracks.lon)
    xy_m = np.column_stack(
        (east_m[source] + tracks.ve_mps[source] * age_s, north_m[source] + tracks.vn_mps[source] * age_s)
    )
    by_step = np.argsort(step, kind="stable")
    return step[by_step], tracks.track[source][by_step], xy_m[by_step]


def assign_steps(
    truth: TruthScene,
    truth_on_grid: tuple[np.ndarray, np.ndarray],
    held_on_grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    n_steps: int,
    stride: int = 1,
) -> StepAssignments:
    """GOSPA between the truth and estimated sets at every ``stride``-th of ``n_steps`` instants
    (the terms of the others are left 0).

    ``truth_on_grid`` is ``truth_rows_on_grid``'s and ``held_on_grid`` ``held_tracks_on_grid``'s,
    shared with the caller.
    """
    truth_step, truth_row = truth_on_grid
    track_step, track_code, track_xy_m = held_on_grid
    bounds = np.arange(n_steps + 1)
    truth_bounds, track_bounds = np.searchsorted(truth_step, bounds), np.searchsorted(track_step, bounds)
    terms = np.zeros((6, n_steps))
    pairs: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for k in range(0, n_steps, stride):
        rows = truth_row[truth_bounds[k] : truth_bounds[k + 1]]
        estimates = slice(track_bounds[k], track_bounds[k + 1])
        result = gospa(truth.xy_m[rows], track_xy_m[estimates], GOSPA_C_M, GOSPA_P)
        terms[:, k] = (
            result.total_m,
            result.localisation_m,
            result.missed_m,
            result.false_m,
            result.missed_count,
            result.false_count,
        )
        if len(result.truth_index):
            pairs.append(
                (
                    np.full(len(result.truth_index), k),
                    truth.vessel[rows[result.truth_index]],
                    track_code[estimates][result.estimate_index],
                )
            )
    pair_step, pair_vessel, pair_track = (
        (np.concatenate(column) for column in zip(*pairs, strict=True))
        if pairs
        else (np.empty(0, dtype=np.intp),) * 3
    )
    return StepAssignments(*terms, pair_step, pair_vessel, pair_track)


def count_id_switches(pair_vessel: np.ndarray, pair_track: np.ndarray, pair_step: np.ndarray) -> int:
    """Changes of assigned track id per vessel over time, gaps ignored (see module docstring)."""
    order = np.lexsort((pair_step, pair_vessel))
    vessel, track = pair_vessel[order], pair_track[order]
    return int(np.count_nonzero((vessel[1:] == vessel[:-1]) & (track[1:] != track[:-1])))


def _clear_mot_pairs(
    truth: TruthScene,
    truth_on_grid: tuple[np.ndarray, np.ndarray],
    held_on_grid: tuple[np.ndarray, np.ndarray, np.ndarray],
    stride: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """CLEAR MOT (instant, vessel, track) pairs at every ``stride``-th instant (see ``clear_mot``)."""
    truth_step, truth_row = truth_on_grid
    track_step, track_code, track_xy_m = held_on_grid
    truth_coarse, track_coarse = truth_step % stride == 0, track_step % stride == 0
    return persistent_pairs(
        truth_step[truth_coarse], truth.vessel[truth_row[truth_coarse]], truth.xy_m[truth_row[truth_coarse]],
        track_step[track_coarse], track_code[track_coarse], track_xy_m[track_coarse], GOSPA_C_M,
    )  # fmt: skip


SLOWEST_SHOWN = 5
"""Slowest confirmations listed by name in ``confirm_slowest``."""


def _slowest_confirmations(
    truth: TruthScene,
    measured: Detections | None,
    vessels: np.ndarray,
    scans: np.ndarray,
    second_scans: np.ndarray,
    held_s: np.ndarray,
) -> list[dict[str, Any]]:
    """The ``SLOWEST_SHOWN`` slowest of ``vessels`` in scans, each with its measurements until
    held and the scans from its first measurement to its second."""
    finite = np.isfinite(scans)
    vessels, scans, second_scans = vessels[finite], scans[finite], second_scans[finite]
    order = np.argsort(-scans, kind="stable")[:SLOWEST_SHOWN]
    counts = (
        measured.count_until(vessels[order], held_s[vessels[order]]).tolist()
        if measured is not None
        else [None] * order.size
    )
    return [
        {"truth_id": truth.vessel_ids[v], "scans": float(s), "measurements": n, "second_scans": _finite(g)}
        for v, s, n, g in zip(
            vessels[order].tolist(), scans[order].tolist(), counts, second_scans[order].tolist(), strict=True
        )
    ]


def _finite(value: float) -> float | None:
    """None for inf or NaN (a vessel measured once has no second measurement): strict JSON."""
    return value if np.isfinite(value) else None


def _assigned_rms_m(localisation_m: np.ndarray, pair_count: int) -> float | None:
    """RMS distance over all assigned pairs: a per-vessel accuracy that, unlike the GOSPA term,
    does not grow with the number of vessels (valid because p = 2: localisation^2 = sum d^2)."""
    mean_square_m2 = ratio(float(np.sum(localisation_m**2)), pair_count)
    return None if mean_square_m2 is None else mean_square_m2**0.5


def _rows_at(truth: TruthScene, vessels: np.ndarray, time_s: np.ndarray) -> np.ndarray:
    """Each vessel's truth row nearest (at or after, else its last) the given time."""
    rows = np.empty(vessels.size, dtype=np.intp)
    for k, (vessel, t) in enumerate(zip(vessels.tolist(), time_s.tolist(), strict=True)):
        start, stop = truth.vessel_start[vessel], truth.vessel_start[vessel + 1]
        rows[k] = min(start + int(np.searchsorted(truth.time_s[start:stop], t)), stop - 1)
    return rows


def score_tracks(
    truth: TruthScene,
    tracks: TrackTable,
    frame: LocalFrame,
    coverage: Coverage,
    measured: Detections | None = None,
) -> dict[str, Any]:
    """All track metrics of the module docstring, as a flat JSON-ready dict.

    ``measured`` comes from ``detections.detections``; None (a truth-only folder) counts time
    to confirm from the first observable instant.
    """
    grid = Grid.spanning(truth.time_s, CONFIRM_STEP_S)
    observable_step, observable_row = truth_rows_on_grid(truth, grid)
    stride = round(GOSPA_STEP_S / CONFIRM_STEP_S)
    coarse = np.arange(0, grid.n_steps, stride)
    n_vessels = len(truth.vessel_ids)

    observed_vessels, first_observed = np.unique(truth.vessel[observable_row], return_index=True)
    if measured is None:
        detected_s = np.full(n_vessels, np.inf)
        detected_s[observed_vessels] = grid.t0_s + observable_step[first_observed] * grid.step_s
    else:
        detected_s = measured.first_s
    since_measured = grid.t0_s + observable_step * grid.step_s >= detected_s[truth.vessel[observable_row]]
    truth_step, truth_row = observable_step[since_measured], observable_row[since_measured]
    held = held_tracks_on_grid(tracks, frame, grid)
    steps = assign_steps(truth, (truth_step, truth_row), held, grid.n_steps)
    on_coarse = steps.pair_step % stride == 0
    on_coarse_observable = observable_step % stride == 0
    coarse_observable = (observable_step[on_coarse_observable], observable_row[on_coarse_observable])
    observable = assign_steps(truth, coarse_observable, held, grid.n_steps, stride)
    mot_step, mot_vessel, mot_track = _clear_mot_pairs(truth, (truth_step, truth_row), held, stride)
    detected = np.flatnonzero(np.isfinite(detected_s))
    assigned_vessels, first_assigned = np.unique(steps.pair_vessel, return_index=True)
    first_assigned_s = np.full(n_vessels, np.nan)
    first_assigned_s[assigned_vessels] = grid.t0_s + steps.pair_step[first_assigned] * grid.step_s
    confirmed = detected[np.isfinite(first_assigned_s[detected])]
    confirm_s = np.maximum(first_assigned_s[confirmed] - detected_s[confirmed], 0.0)
    confirm_median_s, confirm_p95_s = median_and_p95(confirm_s)
    detection_row = _rows_at(truth, confirmed, detected_s[confirmed])
    in_radar = truth.in_radar[detection_row]
    scan_period_s = coverage.nearest_scan_period_s(truth.xy_m[detection_row[in_radar]])
    in_radar_scans = confirm_s[in_radar] / scan_period_s  # NaN: no radar in the layout
    confirm_scans = in_radar_scans[np.isfinite(in_radar_scans)]
    second_s = measured.second_s if measured is not None else np.full(n_vessels, np.nan)
    in_radar_vessels = confirmed[in_radar]
    second_scans = (second_s[in_radar_vessels] - detected_s[in_radar_vessels]) / scan_period_s
    possible = second_scans[np.isfinite(in_radar_scans)] <= CONFIRM_TARGET_SCANS
    confirm_scans_median, _ = median_and_p95(confirm_scans)
    slowest = _slowest_confirmations(
        truth, measured, in_radar_vessels, in_radar_scans, second_scans, first_assigned_s
    )

    dark = truth.dark[observable_row] & truth.in_radar[observable_row]
    dark_samples = on_coarse_observable & dark
    dark_keys = observable_step[dark_samples] * n_vessels + truth.vessel[observable_row[dark_samples]]
    dark_covered = np.isin(dark_keys, observable.pair_step * n_vessels + observable.pair_vessel)

    return {
        "truth_vessels_total": n_vessels,
        "truth_vessels": len(observed_vessels),
        "tracks_held": len(np.unique(tracks.track[tracks.held])),
        "gospa_c_m": GOSPA_C_M,
        "gospa_p": GOSPA_P,
        "gospa_step_s": GOSPA_STEP_S,
        "gospa_steps": len(coarse),
        "gospa_mean_m": float(np.mean(steps.total_m[coarse])),
        "gospa_localisation_mean_m": float(np.mean(steps.localisation_m[coarse])),
        "gospa_missed_mean_m": float(np.mean(steps.missed_m[coarse])),
        "gospa_false_mean_m": float(np.mean(steps.false_m[coarse])),
        "gospa_observable_mean_m": float(np.mean(observable.total_m[coarse])),
        "gospa_observable_missed_mean_m": float(np.mean(observable.missed_m[coarse])),
        "position_rms_m": _assigned_rms_m(steps.localisation_m[coarse], int(np.count_nonzero(on_coarse))),
        "missed_vessels_mean": float(np.mean(steps.missed_count[coarse])),
        "false_tracks_mean": float(np.mean(steps.false_count[coarse])),
        "id_switches": count_id_switches(mot_vessel, mot_track, mot_step),
        "id_switches_gospa": count_id_switches(
            steps.pair_vessel[on_coarse], steps.pair_track[on_coarse], steps.pair_step[on_coarse]
        ),
        "confirm_step_s": grid.step_s,
        "confirm_time_median_s": confirm_median_s,
        "confirm_time_p95_s": confirm_p95_s,
        "confirm_scans_median": confirm_scans_median,
        "confirm_scans_max": float(np.max(confirm_scans)) if confirm_scans.size else None,
        "confirm_slowest": slowest,
        "confirm_scans_counted": int(confirm_scans.size),
        "confirm_within_target": int(np.count_nonzero(confirm_scans <= CONFIRM_TARGET_SCANS)),
        "confirm_possible": int(np.count_nonzero(possible)),
        "confirm_possible_within_target": int(
            np.count_nonzero(possible & (confirm_scans <= CONFIRM_TARGET_SCANS))
        ),
        "unconfirmed_vessels": int(detected.size - confirmed.size),
        "undetected_vessels": int(np.count_nonzero(~np.isfinite(detected_s[observed_vessels]))),
        "dark_vessel_steps": len(dark_keys),
        "dark_vessel_coverage": ratio(int(np.count_nonzero(dark_covered)), len(dark_keys)),
    }
