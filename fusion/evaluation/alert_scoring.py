"""Raised alerts against ground-truth events: which events expect an alert, and matching.

Expected alerts (the table in docs/formats.md):

=================== ================ ==================================================
event               expected alert   only if
=================== ================ ==================================================
``zone_entry``      ``zone_entry``   the vessel is observable at the event time
``zone_exit``       ``zone_exit``    the vessel is observable at the event time
``ais_off``         ``ais_gap``      the event's ``in_ais_coverage`` is true
``dark_vessel``     ``dark_vessel``  the vessel is observable at the event time
``rendezvous_start`` ``rendezvous``  both vessels are observable at the event time
``invalid_mmsi``    ``spoofing``     the event's ``in_ais_coverage`` is true
``ais_spoofed``     ``spoofing``     ``in_ais_coverage`` and ``in_radar_coverage`` are true
=================== ================ ==================================================

Observable is as for the truth set (``scene.TruthScene``), read on the vessel's truth
line nearest the event. ``ais_off`` is the exception: at the event instant the
transponder is already off, so a vessel seen only on AIS would never be "observable";
``in_ais_coverage`` says it was being heard up to the switch-off, which is what makes a
gap detectable. An invalid MMSI needs only to be heard; a false position needs radar to
contradict it. Other events (``ais_on``, ``rendezvous_end``) expect nothing.

Matching: a raised alert (alerts.jsonl line with ``state == "raised"``) can match an
expected event of its kind when

- ``event time - 60 s <= alert time <= event time + max delay`` (zone kinds 60 s,
  ``ais_gap`` 600 s, ``dark_vessel`` 600 s, ``rendezvous`` 1200 s, ``spoofing`` 600 s: how
  long each rule legitimately needs to be sure; for a zone exit at least the rule's wait
  below: a vessel drifting out at 0.1 kn is 50 m past the edge only after 1,000 s),
- the alert's lat/lon is within 1000 m of the event vessel's true position at the alert
  time (either vessel for ``rendezvous``), in the area plane, and
- for zone kinds, the zone ids are equal.

Alerts and events are matched one-to-one per kind by a Hungarian assignment that first
maximises the number of matches, then minimises the total ``|delay|``; greedy matching by
time could hand an event's only candidate alert to a neighbour and miss a match.
``precision = matched / raised``, ``recall = matched / expected``, ``delay = alert time -
event time`` in seconds (median and p95; negative when the alert came early). Raised
alerts of kinds with no ground truth (``loitering``, ``speeding``, ...) are only counted,
under ``alerts_unscored``.

Ended before due: a rule cannot alert before it has waited what it must by its own
configuration (``RulesConfig`` defaults): a zone entry commits on the second update inside
or after ``geofence_confirm_s``; a zone exit needs the vessel up to ``geofence_margin_m``
past the edge (3σ of a radar track's position), at its true speed at the event (at least
0.2 kn); an AIS gap
``ais_gap_min_s``, a dark vessel ``dark_moving_s``, a rendezvous
``rendezvous_min_duration_s``, a false position ``radar_mismatch_s`` (an invalid MMSI:
nothing). An expected alert left unmatched whose event plus that wait falls after the last
truth line (the data ended first) is counted under ``ended_before_due`` and taken out of
``expected`` for recall; it is never dropped silently, and one that was matched counts as
usual. The zone-exit wait is the widest band's: a track fed by AIS (band 15 m) may alert
sooner, so an exit it missed in the last seconds is given the benefit of that doubt; each
such event is named in ``ended_before_due_events``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from fusion.evaluation.loaders import GroundEvent, RaisedAlert
from fusion.evaluation.scene import TruthScene
from fusion.evaluation.stats import median_and_p95, ratio
from fusion.rules.config import RulesConfig
from tracking.frames import LocalFrame

EXPECTED_ALERT_KIND = {
    "zone_entry": "zone_entry",
    "zone_exit": "zone_exit",
    "ais_off": "ais_gap",
    "dark_vessel": "dark_vessel",
    "rendezvous_start": "rendezvous",
    "invalid_mmsi": "spoofing",
    "ais_spoofed": "spoofing",
}
MAX_DELAY_S = {
    "zone_entry": 60.0,
    "zone_exit": 60.0,
    "ais_gap": 600.0,
    "dark_vessel": 600.0,
    "rendezvous": 1200.0,
    "spoofing": 600.0,
}
EARLY_TOLERANCE_S = 60.0
MATCH_RADIUS_M = 1000.0
_ZONE_KINDS = frozenset({"zone_entry", "zone_exit"})


@dataclass(frozen=True, slots=True)
class ExpectedAlert:
    """An alert the ground truth calls for: its kind, time, vessel indices and zone."""

    kind: str
    time_s: float
    vessels: tuple[int, ...]
    zone_id: str | None
    due_s: float = 0.0
    """The least the rule must wait after the event before it can alert (module docstring)."""


def expected_alerts(events: list[GroundEvent], truth: TruthScene) -> list[ExpectedAlert]:
    """The events that call for an alert, per the table in the module docstring."""
    expected = []
    for event in events:
        kind = EXPECTED_ALERT_KIND.get(event.kind)
        if kind is None:
            continue
        vessels = tuple(
            truth.vessel_index(vessel_id)
            for vessel_id in (event.truth_id, event.other_truth_id)
            if vessel_id is not None
        )
        if event.kind in ("ais_off", "invalid_mmsi"):
            alert_due = event.in_ais_coverage is True
        elif event.kind == "ais_spoofed":
            alert_due = event.in_ais_coverage is True and event.in_radar_coverage is True
        else:
            alert_due = all(truth.observable_at(vessel, event.time_s) for vessel in vessels)
        if alert_due:
            due_s = _rule_wait_s(event.kind, truth, vessels[0], event.time_s)
            expected.append(ExpectedAlert(kind, event.time_s, vessels, event.zone_id, due_s))
    return expected


_RULES = RulesConfig()
_RULE_WAIT_S = {
    "zone_entry": _RULES.geofence_confirm_s,
    "ais_off": _RULES.ais_gap_min_s,
    "dark_vessel": _RULES.dark_moving_s,
    "rendezvous_start": _RULES.rendezvous_min_duration_s,
    "invalid_mmsi": 0.0,
    "ais_spoofed": _RULES.radar_mismatch_s,
}
_SLOWEST_EXIT_MPS = 0.1
"""An exit slower than 0.2 kn (an anchored ship swinging across an anchorage's edge) is
given the wait of one at 0.2 kn: 500 s."""


def _rule_wait_s(event_kind: str, truth: TruthScene, vessel: int, time_s: float) -> float:
    """What the rule must wait after ``event_kind`` before it can alert (module docstring)."""
    if event_kind != "zone_exit":
        return _RULE_WAIT_S[event_kind]
    xy_m = truth.position_at(vessel, np.array([time_s - 1.0, time_s + 1.0]))
    speed_mps = float(np.hypot(*(xy_m[1] - xy_m[0]))) / 2.0
    if not np.isfinite(speed_mps):  # the event at either end of the vessel's truth lines
        speed_mps = _SLOWEST_EXIT_MPS
    return _RULES.geofence_margin_m / max(speed_mps, _SLOWEST_EXIT_MPS)


def candidate_delays_s(
    alerts: list[RaisedAlert], expected: list[ExpectedAlert], truth: TruthScene, frame: LocalFrame
) -> np.ndarray:
    """(alerts, events) matrix of ``alert time - event time``, NaN where they cannot match.

    All alerts and events must be of one kind.
    """
    times_s = np.array([a.time_s for a in alerts], dtype=float)
    zones = np.array([a.zone_id for a in alerts], dtype=object)
    east_m, north_m = frame.to_enu(np.array([a.lat for a in alerts]), np.array([a.lon for a in alerts]))
    alert_xy_m = np.column_stack((east_m, north_m)).reshape(-1, 2)
    delays_s = np.full((len(alerts), len(expected)), np.nan)
    for column, event in enumerate(expected):
        delay_s = times_s - event.time_s
        max_delay_s = max(MAX_DELAY_S[event.kind], event.due_s)  # a drift out of a zone takes longer
        feasible = (delay_s >= -EARLY_TOLERANCE_S) & (delay_s <= max_delay_s)
        if event.kind in _ZONE_KINDS:
            feasible &= zones == event.zone_id
        near = np.zeros(len(alerts), dtype=bool)
        for vessel in event.vessels:
            offset_m = alert_xy_m - truth.position_at(vessel, times_s)
            near |= np.hypot(offset_m[:, 0], offset_m[:, 1]) <= MATCH_RADIUS_M  # NaN (absent) is False
        delays_s[:, column] = np.where(feasible & near, delay_s, np.nan)
    return delays_s


def match_one_to_one(delays_s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Alert and event indices of a maximum matching of least total ``|delay|`` over feasible pairs."""
    feasible = np.isfinite(delays_s)
    rows, cols = np.flatnonzero(feasible.any(axis=1)), np.flatnonzero(feasible.any(axis=0))
    sub = delays_s[np.ix_(rows, cols)]
    # An infeasible pair costs more than all feasible ones together, so one more match always wins.
    infeasible_cost = float(np.nansum(np.abs(sub))) + 1.0
    r, c = linear_sum_assignment(np.where(np.isfinite(sub), np.abs(sub), infeasible_cost))
    keep = np.isfinite(sub[r, c])
    return rows[r[keep]], cols[c[keep]]


def _kind_score(expected: int, raised: int, delays_s: np.ndarray, ended_before_due: int) -> dict[str, Any]:
    delay_median_s, delay_p95_s = median_and_p95(delays_s)
    return {
        "expected": expected,
        "raised": raised,
        "matched": len(delays_s),
        "ended_before_due": ended_before_due,
        "precision": ratio(len(delays_s), raised),
        "recall": ratio(len(delays_s), expected - ended_before_due),
        "recall_all": ratio(len(delays_s), expected),  # ended-before-due events counted as misses
        "delay_median_s": delay_median_s,
        "delay_p95_s": delay_p95_s,
    }


def ended_before_due(
    expected: list[ExpectedAlert], matched: np.ndarray, data_end_s: float
) -> list[ExpectedAlert]:
    """The ones of ``expected`` (by index, not in ``matched``) the data ended too early to
    judge: their event plus the rule's wait falls after ``data_end_s``."""
    unmatched = np.setdiff1d(np.arange(len(expected)), matched)
    return [expected[i] for i in unmatched.tolist() if expected[i].time_s + expected[i].due_s > data_end_s]


def score_alerts(
    events: list[GroundEvent], alerts: list[RaisedAlert], truth: TruthScene, frame: LocalFrame
) -> dict[str, Any]:
    """Per-kind and overall precision, recall and delay; counts of unscored alert kinds."""
    expected = expected_alerts(events, truth)
    data_start_s, data_end_s = (
        (float(truth.time_s.min()), float(truth.time_s.max())) if truth.time_s.size else (0.0, 0.0)
    )
    per_kind: dict[str, Any] = {}
    all_delays_s = []
    for kind in sorted(MAX_DELAY_S):
        kind_alerts = [a for a in alerts if a.kind == kind]
        kind_expected = [e for e in expected if e.kind == kind]
        delays_s = candidate_delays_s(kind_alerts, kind_expected, truth, frame)
        alert_index, event_index = match_one_to_one(delays_s)
        matched_delays_s = delays_s[alert_index, event_index]
        all_delays_s.append(matched_delays_s)
        late = ended_before_due(kind_expected, event_index, data_end_s)
        per_kind[kind] = _kind_score(len(kind_expected), len(kind_alerts), matched_delays_s, len(late))
        per_kind[kind]["ended_before_due_events"] = [
            {
                "truth_id": truth.vessel_ids[e.vessels[0]],
                "time": e.time_s,
                "run_s": e.time_s - data_start_s,
                "zone_id": e.zone_id,
            }
            for e in late
        ]
    unscored = Counter(a.kind for a in alerts if a.kind not in MAX_DELAY_S)
    return {
        "alerts": per_kind,
        "alerts_overall": _kind_score(
            sum(s["expected"] for s in per_kind.values()),
            sum(s["raised"] for s in per_kind.values()),
            np.concatenate(all_delays_s),
            sum(s["ended_before_due"] for s in per_kind.values()),
        ),
        "alerts_unscored": dict(sorted(unscored.items())),
    }
