"""Does the risk score put the suspicious vessels on top? Precision at N against the truth.

Suspicious, by the scenario's ground truth (events.jsonl): a dark vessel that takes part in a
rendezvous, and a vessel that switches its AIS off inside receiver coverage. N is how many
such vessels the scenario has. Assessments name a track; each track is owned by the truth
vessel nearest to it (within ``MATCH_RADIUS_M``) in most of its states, a vote over the
track's whole life, so two vessels side by side in a rendezvous are not confused. A truth
vessel's score is the highest of any assessment of a track it owns (its peak risk during the
run: what an analyst reviewing the period would rank by). The top N truth vessels by that
score are compared with the suspicious set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from fusion.evaluation.loaders import EvaluationInputError, GroundEvent, TrackTable
from fusion.evaluation.scene import TruthScene
from tracking.frames import LocalFrame

MATCH_RADIUS_M = 500.0
"""An assessment farther than this from every truth vessel is not placed on any (clutter)."""


@dataclass(frozen=True, slots=True)
class RiskPoint:
    time_s: float
    track_id: str
    score: float


def load_risk(path: Path) -> list[RiskPoint]:
    """risk.jsonl as written by ``seawatch replay``; a malformed line names the file and line."""
    points = []
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, 1):
            try:
                record = orjson.loads(line)
                points.append(
                    RiskPoint(float(record["time"]), str(record["track_id"]), float(record["score"]))
                )
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as err:
                raise EvaluationInputError(f"{path}:{line_no}: not a risk assessment ({err})") from None
    return points


def suspicious_vessels(events: list[GroundEvent], truth: TruthScene) -> set[int]:
    """Truth vessel indices a coastguard would want ranked first (see the module docstring)."""
    dark = {e.truth_id for e in events if e.kind == "dark_vessel"}
    meeting = {
        vessel
        for e in events
        if e.kind == "rendezvous_start"
        for vessel in (e.truth_id, e.other_truth_id)
        if vessel is not None
    }
    switched_off = {e.truth_id for e in events if e.kind == "ais_off" and e.in_ais_coverage is True}
    return {truth.vessel_index(v) for v in (dark & meeting) | switched_off}


def track_owners(tracks: TrackTable, truth: TruthScene, frame: LocalFrame) -> dict[str, int]:
    """Track id -> the truth vessel nearest to it in most of its states (tracks never near one: absent)."""
    east_m, north_m = frame.to_enu(tracks.lat, tracks.lon)
    distance_m = np.full((len(tracks.time_s), len(truth.vessel_ids)), np.inf)
    for vessel in range(len(truth.vessel_ids)):
        true_xy_m = truth.position_at(vessel, tracks.time_s)
        gap_m = np.hypot(east_m - true_xy_m[:, 0], north_m - true_xy_m[:, 1])
        distance_m[:, vessel] = np.nan_to_num(gap_m, nan=np.inf)
    nearest = np.argmin(distance_m, axis=1)
    near = distance_m[np.arange(len(nearest)), nearest] <= MATCH_RADIUS_M
    votes = np.zeros((len(tracks.track_ids), len(truth.vessel_ids)), dtype=np.int64)
    np.add.at(votes, (tracks.track[near], nearest[near]), 1)
    return {
        track_id: int(np.argmax(votes[index]))
        for index, track_id in enumerate(tracks.track_ids)
        if votes[index].any()
    }


def score_risk(
    events: list[GroundEvent],
    points: list[RiskPoint],
    tracks: TrackTable,
    truth: TruthScene,
    frame: LocalFrame,
) -> dict[str, Any]:
    """``risk``: suspicious count N, precision at N, and the top N truth vessels with their scores."""
    suspicious = suspicious_vessels(events, truth)
    owners = track_owners(tracks, truth, frame)
    peak = np.zeros(len(truth.vessel_ids))
    for point in points:
        owner = owners.get(point.track_id)
        if owner is not None:
            peak[owner] = max(peak[owner], point.score)
    n = len(suspicious)
    ranked = [int(v) for v in np.lexsort((np.arange(len(peak)), -peak))[:n]]
    hits = sum(1 for v in ranked if v in suspicious and peak[v] > 0)
    return {
        "risk": {
            "suspicious": n,
            "precision_at_n": hits / n if n else None,
            "top_n": [
                {"truth_id": truth.vessel_ids[v], "peak_score": float(peak[v]), "suspicious": v in suspicious}
                for v in ranked
            ],
        }
    }
