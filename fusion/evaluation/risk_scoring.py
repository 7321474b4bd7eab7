"""Does the risk score put the suspicious vessels on top? Precision at N against the truth.

Suspicious, by the scenario's ground truth (events.jsonl): a dark vessel that takes part in a
rendezvous, and a vessel that switches its AIS off inside receiver coverage. N is how many
such vessels the scenario has. Each vessel the system assessed is placed on a truth vessel
by position: the truth vessel nearest the assessment's position at its time, within
``MATCH_RADIUS_M``; a truth vessel's score is the highest of any assessment placed on it
(its peak risk during the run: what an analyst reviewing the period would rank by). The top
N truth vessels by that score are compared with the suspicious set.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from fusion.evaluation.loaders import EvaluationInputError, GroundEvent
from fusion.evaluation.scene import TruthScene
from tracking.frames import LocalFrame

MATCH_RADIUS_M = 500.0
"""An assessment farther than this from every truth vessel is not placed on any (clutter)."""


@dataclass(frozen=True, slots=True)
class RiskPoint:
    time_s: float
    track_id: str
    score: float
    lat: float
    lon: float


def load_risk(path: Path) -> list[RiskPoint]:
    """risk.jsonl as written by ``seawatch replay``; a malformed line names the file and line."""
    points = []
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, 1):
            try:
                record = orjson.loads(line)
                if record.get("lat") is None or record.get("lon") is None:
                    continue  # an assessment without a position cannot be placed
                points.append(
                    RiskPoint(
                        float(record["time"]),
                        str(record["track_id"]),
                        float(record["score"]),
                        float(record["lat"]),
                        float(record["lon"]),
                    )
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


def score_risk(
    events: list[GroundEvent], points: list[RiskPoint], truth: TruthScene, frame: LocalFrame
) -> dict[str, Any]:
    """``risk``: suspicious count N, precision at N, and the top N truth vessels with their scores."""
    suspicious = suspicious_vessels(events, truth)
    peak = np.zeros(len(truth.vessel_ids))
    if points:
        times = np.array([p.time_s for p in points])
        scores = np.array([p.score for p in points])
        east_m, north_m = frame.to_enu(np.array([p.lat for p in points]), np.array([p.lon for p in points]))
        xy_m = np.column_stack((east_m, north_m)).reshape(-1, 2)
        distance_m = np.full((len(points), len(truth.vessel_ids)), np.inf)
        for vessel in range(len(truth.vessel_ids)):
            offset_m = xy_m - truth.position_at(vessel, times)
            distance_m[:, vessel] = np.nan_to_num(np.hypot(offset_m[:, 0], offset_m[:, 1]), nan=np.inf)
        nearest = np.argmin(distance_m, axis=1)
        placed = distance_m[np.arange(len(points)), nearest] <= MATCH_RADIUS_M
        np.maximum.at(peak, nearest[placed], scores[placed])
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
